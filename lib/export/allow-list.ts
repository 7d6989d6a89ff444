/**
 * The allow-lists every exported text cell goes through: a string leaves in a research export only
 * when it is a member of a fixed vocabulary (or, for names the server itself assigns, a plain
 * token), never as free text. Numbers go through `finiteNumber`. Pure; shared by the row encoder
 * (columns.ts) and the cohort shape (sql.ts), whose model names and head names end up in column
 * names, the data dictionary and the Parquet footer.
 *
 *   body part          lib/dicom/body-part.ts      CID 4031 term + SNOMED CT code
 *   modality           lib/dicom/defined-terms.ts  DICOM modality defined terms
 *   photometric        lib/dicom/defined-terms.ts  PS3.3 photometric interpretations
 *   transfer syntax    lib/dicom/transfer-syntax   names of known transfer syntaxes (never the UID)
 *   scores             lib/domain/assessment       HeadScore: probability 0–1, category low / moderate / high
 *   model name/version plainToken                  set by the model bundle an administrator installs
 *   head names         headName                    set by the model bundle
 */
import { HeadId } from "@/lib/domain/outcomes";
import { sexValues } from "@/lib/domain/patient";
import { strategyValues } from "./query";

export { bodyPartOf } from "@/lib/dicom/body-part";
export { modalityTerm, photometricTerm } from "@/lib/dicom/defined-terms";
export { knownTransferSyntaxName } from "@/lib/dicom/transfer-syntax";

/**
 * Model names and versions come from the model bundle (`card.json`) the server loads, not from a
 * patient, a file or a form. As a second gate they must be one plain token (letters, digits and
 * `. _ + -`, no spaces, at most 64 characters): a sentence, a name with a space or a date in
 * ISO form with words around it cannot pass.
 */
const PLAIN_TOKEN = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;
export function plainToken(v: unknown): string | null {
  return typeof v === "string" && PLAIN_TOKEN.test(v) ? v : null;
}

/** Output head names (they become column names): lower-case identifiers (lib/domain/outcomes.ts HeadId). */
export function headName(v: unknown): string | null {
  return HeadId.safeParse(v).success ? (v as string) : null;
}

/** Database enums (already closed sets; checked again so a cell can only ever be one of them). */
export const SEXES: ReadonlySet<string> = new Set(sexValues);
export const STRATEGIES: ReadonlySet<string> = new Set(strategyValues);
export function oneOf(set: ReadonlySet<string>, v: unknown): string | null {
  return typeof v === "string" && set.has(v) ? v : null;
}

export function finiteNumber(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}
