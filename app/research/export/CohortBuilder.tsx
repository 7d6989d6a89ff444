"use client";
import { useFormatter, useTranslations } from "next-intl";
import { useApiError } from "@/app/_components/useApiError";

import { useEffect, useMemo, useRef, useState } from "react";
import styles from "./export.module.css";
import { columnGroups, exportFormats, filtersToParams, strategyValues, type ColumnGroup, type ExportFormat } from "@/lib/export/query";

/** GET /api/export/count (lib/export/small-cells.ts): counts under the small-cell threshold are "<11". */
type CellCount = number | string;
type Count = { assessments: CellCount; patients: CellCount; exportable: boolean; minCellSize: number; columns: number; models: { name: string; version: string; strategy: string; rows: CellCount }[] };
type Progress = { state: "idle" | "running" | "done" | "failed" | "cancelled"; bytes: number; rows: number; expected: number | null; message?: string; file?: { url: string; name: string } };

const SEXES = ["female", "male", "other", "unknown"] as const;
const MIME: Record<ExportFormat, string> = { csv: "text/csv", parquet: "application/vnd.apache.parquet", ndjson: "application/x-ndjson" };

const split = (s: string) => s.split(/[\s,;]+/).map((x) => x.trim()).filter(Boolean);

async function errorText(res: Response, apiError: (answer: { error?: { code?: string; message?: string } } | null, status: number) => string): Promise<string> {
  return apiError(await res.json().catch(() => null), res.status);
}

/** Counts complete lines in a chunk (CSV / NDJSON rows). */
function countNewlines(b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < b.length; i++) if (b[i] === 10) n++;
  return n;
}

export function CohortBuilder() {
  const t = useTranslations("export");
  const tsex = useTranslations("sex");
  const format_ = useFormatter();
  const apiError = useApiError();
  const shown = (n: CellCount) => (typeof n === "number" ? format_.number(n) : n);
  const [condition, setCondition] = useState("");
  const [familyHistory, setFamilyHistory] = useState("");
  const [ageMin, setAgeMin] = useState("");
  const [ageMax, setAgeMax] = useState("");
  const [sex, setSex] = useState<string[]>([]);
  const [modality, setModality] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [model, setModel] = useState("");
  const [modelVersion, setModelVersion] = useState("");
  const [strategy, setStrategy] = useState<string[]>([]);
  const [columns, setColumns] = useState<ColumnGroup[]>([...columnGroups]);
  const [format, setFormat] = useState<ExportFormat>("parquet");
  const [count, setCount] = useState<Count | null>(null);
  const [countError, setCountError] = useState<string | null>(null);
  const [counting, setCounting] = useState(false);
  const [progress, setProgress] = useState<Progress>({ state: "idle", bytes: 0, rows: 0, expected: null });
  const abortRef = useRef<AbortController | null>(null);
  // kept between a failure and "Resume": the bytes received so far and the last complete row's key
  const partial = useRef<{ chunks: Uint8Array[]; lastKey: string | null; rows: number; bytes: number } | null>(null);

  const params = useMemo(() => {
    const p = filtersToParams({
      condition: split(condition),
      familyHistory: split(familyHistory),
      ageMin: ageMin === "" ? undefined : Number(ageMin),
      ageMax: ageMax === "" ? undefined : Number(ageMax),
      sex: sex as never,
      modality: split(modality),
      from: from || undefined,
      to: to || undefined,
      model: model.trim() || undefined,
      modelVersion: modelVersion.trim() || undefined,
      strategy: strategy as never,
    });
    if (columns.length) p.set("columns", columns.join(","));
    return p;
  }, [condition, familyHistory, ageMin, ageMax, sex, modality, from, to, model, modelVersion, strategy, columns]);

  // live count, debounced
  useEffect(() => {
    const ctl = new AbortController();
    const timer = setTimeout(async () => {
      setCounting(true);
      try {
        const res = await fetch(`/api/export/count?${params}`, { signal: ctl.signal });
        if (!res.ok) {
          setCount(null);
          setCountError(await errorText(res, apiError));
        } else {
          setCount(await res.json());
          setCountError(null);
        }
      } catch (e) {
        if ((e as Error).name !== "AbortError") setCountError(t("countError"));
      } finally {
        if (!ctl.signal.aborted) setCounting(false);
      }
    }, 300);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [params, apiError, t]);

  const toggle = <T extends string>(list: T[], v: T, set: (x: T[]) => void) => set(list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);

  async function download(resume = false) {
    const prev = resume ? partial.current : null;
    if (!resume) partial.current = null;
    const q = new URLSearchParams(params);
    q.set("format", format);
    if (prev?.lastKey) {
      q.set("after", prev.lastKey);
      if (format === "csv") q.set("header", "0");
    }
    const ctl = new AbortController();
    abortRef.current = ctl;
    const chunks: Uint8Array[] = prev ? [...prev.chunks] : [];
    let bytes = prev?.bytes ?? 0;
    let rows = prev?.rows ?? 0;
    let expected: number | null = null;
    setProgress({ state: "running", bytes, rows, expected: null });
    // for resuming a text format: bytes up to the last complete line, and that line's row_key
    let pendingLine = "";
    let lastKey = prev?.lastKey ?? null;
    const decoder = new TextDecoder();
    const textFormat = format !== "parquet";
    let committedChunks = chunks.length;
    let committedBytes = bytes;
    let committedRows = rows;
    try {
      const res = await fetch(`/api/export?${q}`, { signal: ctl.signal });
      if (!res.ok) throw new Error(await errorText(res, apiError));
      const exp = res.headers.get("x-export-rows");
      expected = exp ? Number(exp) : null;
      const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? `export.${format}`;
      const reader = res.body!.getReader();
      let headerSkipped = format !== "csv" || !!prev; // the CSV header line is not a row
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        bytes += value.byteLength;
        if (textFormat) {
          let nl = countNewlines(value);
          const text = pendingLine + decoder.decode(value, { stream: true });
          const cut = text.lastIndexOf("\n");
          if (cut >= 0) {
            const lines = text.slice(0, cut).split("\n");
            if (!headerSkipped) {
              headerSkipped = true;
              nl -= 1;
              lines.shift();
            }
            const last = lines[lines.length - 1];
            if (last) lastKey = format === "csv" ? last.split(",", 1)[0] : (JSON.parse(last).row_key as string);
            pendingLine = text.slice(cut + 1);
            rows += nl;
            if (!pendingLine) {
              committedChunks = chunks.length;
              committedBytes = bytes;
              committedRows = rows;
            }
          } else pendingLine = text;
        }
        setProgress({ state: "running", bytes, rows, expected });
      }
      const blob = new Blob(chunks as BlobPart[], { type: MIME[format] });
      partial.current = null;
      const url = URL.createObjectURL(blob);
      setProgress({ state: "done", bytes, rows: textFormat ? rows : expected ?? 0, expected, file: { url, name } });
      const a = document.createElement("a");
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
    } catch (e) {
      const cancelled = (e as Error).name === "AbortError";
      // keep what can be resumed: whole lines of CSV / NDJSON (a partial Parquet file is not usable)
      partial.current = textFormat && lastKey && committedChunks > 0 ? { chunks: chunks.slice(0, committedChunks), lastKey, rows: committedRows, bytes: committedBytes } : null;
      setProgress({ state: cancelled ? "cancelled" : "failed", bytes, rows, expected, message: cancelled ? t("cancelled") : (e as Error).message });
    } finally {
      abortRef.current = null;
    }
  }

  const pct = progress.expected && progress.state === "running" && format !== "parquet" ? Math.min(100, (100 * progress.rows) / Math.max(1, progress.expected)) : null;
  const dictParams = new URLSearchParams(params);
  dictParams.set("format", format);

  return (
    <div className={`grid-2 ${styles.builder}`}>
      <section className="panel" aria-labelledby="cohort-h">
        <h2 id="cohort-h">{t("cohort")}</h2>
        <div className={`field ${styles.stack}`}>
          <label htmlFor="f-condition">{t("conditionCodes")}</label>
          <input id="f-condition" value={condition} onChange={(e) => setCondition(e.target.value)} placeholder={t("conditionPlaceholder")} />
          <p className="hint">{t("conditionHint", { id: "<id>" })}</p>
        </div>
        <div className={`field ${styles.stack}`}>
          <label htmlFor="f-family">{t("familyCodes")}</label>
          <input id="f-family" value={familyHistory} onChange={(e) => setFamilyHistory(e.target.value)} placeholder={t("familyPlaceholder")} />
        </div>
        <div className="field">
          <span>{t("age")}</span>
          <label htmlFor="f-agemin" className="sr-only">{t("ageMin")}</label>
          <input id="f-agemin" type="number" min={0} max={90} value={ageMin} onChange={(e) => setAgeMin(e.target.value)} placeholder={t("from")} style={{ width: "6em" }} />
          {" – "}
          <label htmlFor="f-agemax" className="sr-only">{t("ageMax")}</label>
          <input id="f-agemax" type="number" min={0} max={90} value={ageMax} onChange={(e) => setAgeMax(e.target.value)} placeholder={t("to")} style={{ width: "6em" }} />
        </div>
        <fieldset className={`field ${styles.inline}`}>
          <legend>{t("sex")}</legend>
          {SEXES.map((s) => (
            <label key={s}>
              <input type="checkbox" checked={sex.includes(s)} onChange={() => toggle(sex, s, setSex)} /> {tsex(s)}
            </label>
          ))}
        </fieldset>
        <div className={`field ${styles.stack}`}>
          <label htmlFor="f-modality">{t("modality")}</label>
          <input id="f-modality" value={modality} onChange={(e) => setModality(e.target.value)} placeholder={t("modalityPlaceholder")} />
        </div>
        <div className="field">
          <span>{t("date")}</span>
          <label htmlFor="f-from" className="sr-only">{t("fromDate")}</label>
          <input id="f-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
          {" – "}
          <label htmlFor="f-to" className="sr-only">{t("toDate")}</label>
          <input id="f-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </div>
        <div className={`field ${styles.inline}`}>
          <label htmlFor="f-model">{t("modelName")}</label>
          <input id="f-model" value={model} onChange={(e) => setModel(e.target.value)} />
          <label htmlFor="f-version">{t("modelVersion")}</label>
          <input id="f-version" value={modelVersion} onChange={(e) => setModelVersion(e.target.value)} />
        </div>
        <fieldset className={`field ${styles.inline}`}>
          <legend>{t("strategy")}</legend>
          {strategyValues.map((s) => (
            <label key={s}>
              <input type="checkbox" checked={strategy.includes(s)} onChange={() => toggle(strategy, s, setStrategy)} /> {s}
            </label>
          ))}
        </fieldset>
        <p role="status" aria-live="polite" data-testid="cohort-count" className="notice">
          {countError ? (
            <span className="error-text">{countError}</span>
          ) : count && !count.exportable ? (
            t.rich("tooFew", { strong: (c) => <strong>{c}</strong>, min: count.minCellSize, updating: counting ? t("updating") : "" })
          ) : count ? (
            t.rich("match", { strong: (c) => <strong>{c}</strong>, assessments: shown(count.assessments), patients: shown(count.patients), updating: counting ? t("updating") : "", columns: count.columns })
          ) : (
            t("counting")
          )}
        </p>
        {count && count.models.length > 0 && (
          <ul className="small muted">
            {count.models.map((m) => (
              <li key={`${m.name}/${m.version}/${m.strategy}`}>
                {m.name} {m.version} ({m.strategy}): {shown(m.rows)}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="panel" aria-labelledby="columns-h">
        <h2 id="columns-h">{t("columnsFile")}</h2>
        <fieldset className="field">
          <legend>{t("columns")}</legend>
          {columnGroups.map((g) => (
            <div key={g}>
              <label>
                <input type="checkbox" checked={columns.includes(g)} onChange={() => toggle(columns, g, setColumns)} /> {t(`columnGroups.${g}`)}
              </label>
            </div>
          ))}
        </fieldset>
        <fieldset className={`field ${styles.inline}`}>
          <legend>{t("format")}</legend>
          {exportFormats.map((f) => (
            <label key={f}>
              <input type="radio" name="format" value={f} checked={format === f} onChange={() => setFormat(f)} /> {f === "csv" ? "CSV" : f === "parquet" ? "Parquet" : "NDJSON"}
            </label>
          ))}
        </fieldset>
        <div className="form-actions">
          <button type="button" onClick={() => download(false)} disabled={progress.state === "running" || !!countError || count?.exportable === false}>
            {t("download")}
          </button>
          {progress.state === "running" && (
            <button type="button" onClick={() => abortRef.current?.abort()}>
              {t("cancel")}
            </button>
          )}
          {(progress.state === "failed" || progress.state === "cancelled") && partial.current && (
            <button type="button" onClick={() => download(true)}>
              {t("resume")}
            </button>
          )}
        </div>
        {progress.state !== "idle" && (
          <div className={styles.progress} data-testid="export-progress">
            <progress max={100} value={pct ?? undefined} aria-label={t("progressLabel")} />
            <p role="status" aria-live="polite">
              {progress.state === "running" && t("downloading")}
              {progress.state === "done" && t("complete")}
              {progress.state === "failed" && <span className="error-text">{t("failed", { message: progress.message ?? "" })}</span>}
              {progress.state === "cancelled" && t("cancelledState")}
              {format !== "parquet" || progress.state === "done" ? t("rows", { count: format_.number(progress.rows) }) : ""}
              {t("received", { kib: (progress.bytes / 1024).toFixed(0) })}
              {progress.expected !== null ? t("ofRows", { count: format_.number(progress.expected) }) : ""}.
            </p>
            {progress.file && (
              <p>
                <a href={progress.file.url} download={progress.file.name} data-testid="export-file">
                  {t("saveAgain", { name: progress.file.name })}
                </a>
              </p>
            )}
          </div>
        )}
        <p>
          {t("dictionary")}{" "}
          <a href={`/api/export/dictionary?as=md&${dictParams}`} download data-testid="dictionary-md">
            Markdown
          </a>{" "}
          ·{" "}
          <a href={`/api/export/dictionary?as=json&${dictParams}`} download data-testid="dictionary-json">
            JSON
          </a>
          {format === "parquet" && <span className="muted small">{t("parquetFooter")}</span>}
        </p>
        <p className="hint">
          {t.rich("large", { code: (c) => <code>{c}</code>, after: `after=<${t("lastRowKey")}>` })}
        </p>
      </section>
    </div>
  );
}
