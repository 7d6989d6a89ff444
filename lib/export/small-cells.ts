/**
 * Small cells. A filter combination can narrow a cohort to a handful of patients — one, in the
 * outside test — and a count or a row-level file of so few people can be re-identified by anyone
 * who knows one of them. So:
 *
 * - a cohort with fewer than `FUSION_MIN_CELL_SIZE` (default 11) distinct patients cannot be
 *   exported (422 `cohort_too_small`, audited `export.refused`; the CLI exits with code 3);
 * - every count shown to a researcher (count endpoint, data dictionary, cohort builder) below the
 *   threshold is the string "<11", and for a cohort under the threshold nothing that depends on
 *   its rows is shown at all (no models, heads, embedding sizes): its answer is the same whether
 *   it holds 0, 1 or 10 patients. Exact figures go only to the audit trail (admins).
 *
 * Pure, except for reading the environment.
 */
import { AppError } from "@/lib/domain/errors";
import type { CellCount, ExportCount, ExportPublicCohort } from "@/lib/domain/responses";
import { buildColumns, type CohortShape } from "./columns";
import type { ColumnGroup } from "./query";

export const DEFAULT_MIN_CELL_SIZE = 11;

/** The threshold: `FUSION_MIN_CELL_SIZE`, a whole number ≥ 1 (default 11). Anything else is a configuration error (503). */
export function minCellSize(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FUSION_MIN_CELL_SIZE?.trim();
  if (!raw) return DEFAULT_MIN_CELL_SIZE;
  const n = /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1))
    throw new AppError(503, "export_not_configured", `Research export is not configured on this server: FUSION_MIN_CELL_SIZE must be a whole number of at least 1 (default ${DEFAULT_MIN_CELL_SIZE}).`);
  return n;
}

export function cellCount(n: number, min: number): CellCount {
  return n >= min ? n : `<${min}`;
}

export function isExportable(shape: Pick<CohortShape, "patients">, min: number): boolean {
  return shape.patients >= min;
}

/** Stands for a cohort under the threshold: nothing in it depends on the cohort's rows. */
export const EMPTY_SHAPE: CohortShape = Object.freeze({ rows: 0, patients: 0, models: [], heads: [], dims: { image: 0, tabular: 0, fused: 0 } }) as CohortShape;

/** The shape a researcher may see: the real one when exportable, else EMPTY_SHAPE. */
export function revealableShape(shape: CohortShape, min: number): CohortShape {
  return isExportable(shape, min) ? shape : EMPTY_SHAPE;
}

/** The cohort's size as shown to researchers (count endpoint, data dictionary): lib/domain/responses.ts. */
export type PublicCohort = ExportPublicCohort;

export function publicCohort(shape: CohortShape, min: number): PublicCohort {
  const exportable = isExportable(shape, min);
  const shown = revealableShape(shape, min);
  return {
    // under the threshold in patients: the assessment count is withheld too (it would be a count of a small cell)
    assessments: exportable ? cellCount(shape.rows, min) : `<${min}`,
    patients: cellCount(shape.patients, min),
    exportable,
    minCellSize: min,
    models: shown.models.map((m) => ({ ...m, rows: cellCount(m.rows, min) })),
  };
}

/** GET /api/export/count's answer (lib/domain/responses.ts ExportCount). */
export type CohortCount = ExportCount;

export function cohortTooSmall(min: number): AppError {
  return new AppError(
    422,
    "cohort_too_small",
    `This cohort has fewer than ${min} patients, too few to export: records of so few people can be re-identified. Widen the filters.`,
    { minCellSize: min },
  );
}

/** GET /api/export/count: sizes as shown, and the columns the export would have. */
export function countAnswer(shape: CohortShape, groups: readonly ColumnGroup[], min: number): CohortCount {
  const shown = revealableShape(shape, min);
  return { ...publicCohort(shape, min), heads: shown.heads, dims: shown.dims, columns: buildColumns(shown, groups).length };
}
