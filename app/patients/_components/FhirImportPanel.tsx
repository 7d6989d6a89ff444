"use client";
import { useTranslations } from "next-intl";

import { useState, type FormEvent } from "react";
import { CSRF_COOKIE, CSRF_HEADER } from "@/lib/auth/constants";

type Issue = { severity: string; diagnostics: string; expression?: string[] };
type Note = { text: string; count: number };
type Result = { ok: true; patients: { id: string; status: string }[]; notes: Note[] } | { ok: false; status: number; issues: Issue[] };

const issueText = (n: Issue) => `${n.expression?.[0] ? `${n.expression[0]}: ` : ""}${n.diagnostics}`;

/** The entries' notes, each distinct one once (e.g. "no re-assessment was queued" on every patient of a file). */
function distinctNotes(issues: Issue[]): Note[] {
  const m = new Map<string, number>();
  for (const i of issues) m.set(issueText(i), (m.get(issueText(i)) ?? 0) + 1);
  return [...m].map(([text, count]) => ({ text, count }));
}

function csrf(): string {
  const m = document.cookie.split(/;\s*/).find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return m ? decodeURIComponent(m.slice(CSRF_COOKIE.length + 1)) : "";
}

/**
 * Import a FHIR R4 Bundle (.json) or NDJSON file into the records: POST /fhir/R4. The whole file
 * is checked first; any invalid entry refuses it, and the answer names the entry and the element.
 */
export function FhirImportPanel() {
  const t = useTranslations("fhirImport");
  const tc = useTranslations("common");
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const file = (new FormData(e.currentTarget).get("bundle") as File | null) ?? null;
    if (!file || !file.size) return;
    setBusy(true);
    setResult(null);
    const ndjson = /\.ndjson$/i.test(file.name);
    try {
      const res = await fetch("/fhir/R4", {
        method: "POST",
        headers: { "content-type": ndjson ? "application/x-ndjson" : "application/fhir+json", accept: "application/fhir+json", [CSRF_HEADER]: csrf() },
        body: await file.text(),
        credentials: "same-origin",
      });
      const body = (await res.json().catch(() => null)) as { resourceType?: string; issue?: Issue[]; entry?: { response?: { status?: string; location?: string; outcome?: { issue?: Issue[] } } }[] } | null;
      if (!res.ok || body?.resourceType !== "Bundle") {
        setResult({ ok: false, status: res.status, issues: body?.issue ?? [{ severity: "error", diagnostics: t("answered", { status: res.status }) }] });
        return;
      }
      const entries = body.entry ?? [];
      const patients = entries
        .filter((x) => x.response?.location?.startsWith("Patient/"))
        .map((x) => ({ id: x.response!.location!.slice("Patient/".length).split("/")[0], status: x.response!.status ?? "" }));
      setResult({ ok: true, patients, notes: distinctNotes(entries.flatMap((x) => x.response?.outcome?.issue ?? [])) });
    } catch {
      setResult({ ok: false, status: 0, issues: [{ severity: "error", diagnostics: tc("unreachable") }] });
    } finally {
      setBusy(false);
    }
  }

  return (
    <details className="panel" data-testid="fhir-import">
      <summary>{t("summary")}</summary>
      <form onSubmit={submit} aria-label={t("form")}>
        <p className="muted">
          {t("help")}
        </p>
        <label htmlFor="fhir-bundle">{t("file")}</label> <input id="fhir-bundle" name="bundle" type="file" accept=".json,.ndjson,application/json,application/fhir+json" required />{" "}
        <button type="submit" disabled={busy}>{busy ? t("importing") : t("import")}</button>
      </form>
      {result?.ok === true && (
        <div role="status" data-testid="fhir-import-result">
          <p>
            {t("imported", { count: result.patients.length })}{" "}
            {result.patients.map((p, i) => (
              <span key={p.id}>
                {i > 0 && ", "}
                <a href={`/patients/${p.id}`}>{p.status.startsWith("201") ? t("newRecord", { n: i + 1 }) : t("record", { n: i + 1 })}</a>
              </span>
            ))}
          </p>
          {result.notes.length > 0 && (
            <ul className="muted">
              {result.notes.map((n, i) => <li key={i}>{n.text}{n.count > 1 ? t("entries", { count: n.count }) : ""}</li>)}
            </ul>
          )}
        </div>
      )}
      {result?.ok === false && (
        <div className="error-box" role="alert" data-testid="fhir-import-error">
          <p>{t("notImported", { status: result.status ? ` — ${result.status}` : "" })}</p>
          <ul>
            {result.issues.map((n, i) => <li key={i}>{issueText(n)}</li>)}
          </ul>
        </div>
      )}
    </details>
  );
}
