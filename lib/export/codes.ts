/**
 * Cohort code filters: which ICD-10 codes a researcher's "condition" or "family history" term
 * selects. One term is either
 *   - a code or prefix, e.g. `I25` or `I25.1` — that node of the ICD-10 tree and all its
 *     descendants (I25, I25.1, I25.10, I25.119 …), or
 *   - an inclusive range of nodes, e.g. `I20-I25` — every code whose first characters fall between
 *     the two ends, each end compared at its own length: `I20-I25` holds I20.0 … I25.9 and all of
 *     their descendants, but not I26; `E10-E11.9` holds E10.x and E11.0 … E11.9x.
 * Comparison ignores the dot and letter case (`i251` = `I25.1`). Several terms are OR'ed.
 * Codes of other systems are matched exactly with the `SNOMED:` prefix (`SNOMED:22298006`).
 */
import { ValidationError } from "@/lib/domain/errors";

export type CodeTerm =
  | { system: "ICD10"; kind: "prefix"; prefix: string; text: string }
  | { system: "ICD10"; kind: "range"; from: string; to: string; text: string }
  | { system: "SNOMED"; kind: "exact"; code: string; text: string };

const ICD = /^[A-Z][0-9][0-9A-Z]{0,5}$/; // dotless: A00 … Z99.xxxx, prefixes of 1–3 chars too
const ICD_PREFIX = /^[A-Z]([0-9][0-9A-Z]{0,5})?$/;

/** `I25.1` → `I251`; uppercase, no dot, no spaces. */
export function normalizeIcd(code: string): string {
  return code.replace(/[.\s]/g, "").toUpperCase();
}

export function parseCodeTerm(raw: string, field = "condition"): CodeTerm {
  const text = raw.trim();
  const bad = (why: string) => ValidationError.field(field, `"${text}" ${why}`);
  if (!text) throw bad("is empty");
  const snomed = /^SNOMED:(\d{6,18})$/i.exec(text);
  if (snomed) return { system: "SNOMED", kind: "exact", code: snomed[1], text };
  const range = /^([^-]+)-([^-]+)$/.exec(text);
  if (range) {
    const from = normalizeIcd(range[1]);
    const to = normalizeIcd(range[2]);
    if (!ICD.test(from) || !ICD.test(to)) throw bad("is not a range of ICD-10 codes such as I20-I25");
    if (from.slice(0, to.length) > to) throw bad("is an empty range: its start comes after its end");
    return { system: "ICD10", kind: "range", from, to, text };
  }
  const prefix = normalizeIcd(text);
  if (!ICD_PREFIX.test(prefix)) throw bad("is not an ICD-10 code or prefix (e.g. I25, I25.1), a range (I20-I25) or SNOMED:<id>");
  return { system: "ICD10", kind: "prefix", prefix, text };
}

/** Reference implementation of the rule (the SQL in sql.ts does the same in the database). */
export function termMatches(term: CodeTerm, codeSystem: string, code: string): boolean {
  if (term.system === "SNOMED") return codeSystem === "SNOMED" && code.trim() === term.code;
  if (codeSystem !== "ICD10") return false;
  const c = normalizeIcd(code);
  if (term.kind === "prefix") return c.startsWith(term.prefix);
  return c.slice(0, term.from.length) >= term.from && c.slice(0, term.to.length) <= term.to;
}

/**
 * A SQL boolean over columns `${alias}."codeSystem"` / `${alias}.code` for OR'ed terms. Values go
 * into `params` (positional $n), never into the SQL text.
 */
export function termsSql(terms: CodeTerm[], alias: string, params: unknown[]): string {
  const norm = `replace(upper(${alias}.code), '.', '')`;
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const parts = terms.map((t) => {
    if (t.system === "SNOMED") return `(${alias}."codeSystem" = 'SNOMED' AND btrim(${alias}.code) = ${p(t.code)})`;
    if (t.kind === "prefix") return `(${alias}."codeSystem" = 'ICD10' AND ${norm} LIKE ${p(t.prefix + "%")})`;
    return (
      `(${alias}."codeSystem" = 'ICD10' AND left(${norm}, ${t.from.length}) COLLATE "C" >= ${p(t.from)} ` +
      `AND left(${norm}, ${t.to.length}) COLLATE "C" <= ${p(t.to)})`
    );
  });
  return parts.length ? `(${parts.join(" OR ")})` : "TRUE";
}
