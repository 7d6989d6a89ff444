"use client";
// The assessment in words (lib/narrative, written on the server from the stored assessment) with
// a read-aloud control. Self-contained: the risk panel renders it with one line; it shows nothing
// until the assessment is done and readable.
import { useEffect, useMemo, useState } from "react";
import { useLocale, useTranslations } from "next-intl";
import { useApiError } from "@/app/_components/useApiError";
import type { AssessmentView } from "@/lib/db/assessments";
import type { AssessmentNarrative as Words } from "@/lib/domain/narrative";
import { ReadAloud } from "./ReadAloud";
import styles from "./AssessmentNarrative.module.css";

/** what was loaded: the assessment and the interface language it was asked in */
type Loaded = { id: string; words: Words | null; error: string | null };

export function AssessmentNarrative({ assessment: a }: { assessment: AssessmentView | null }) {
  const t = useTranslations("narrative");
  const locale = useLocale();
  const apiError = useApiError();
  // the server writes the words in the user's language: a new language asks again
  const wanted = a && a.status === "done" && !a.resultError ? `${a.id}|${locale}` : null;
  const [loaded, setLoaded] = useState<Loaded | null>(null);

  useEffect(() => {
    if (!wanted) return;
    let live = true;
    fetch(`/api/assessments/${wanted.split("|")[0]}/narrative`, { credentials: "same-origin" })
      .then(async (r) => {
        const body = await r.json().catch(() => null);
        if (!r.ok) throw new Error(apiError(body as { error?: { code?: string; message?: string } } | null, r.status));
        if (live) setLoaded({ id: wanted, words: body as Words, error: null });
      })
      .catch((e: Error) => live && setLoaded({ id: wanted, words: null, error: e.message }));
    return () => {
      live = false;
    };
  }, [wanted, apiError]);

  const current = loaded?.id === wanted ? loaded : null;
  const paragraphs = useMemo(() => current?.words?.sections.map((s) => s.text) ?? [], [current]);
  if (!wanted) return null;
  return (
    <section className={styles.narrative} aria-labelledby="h-narrative" data-testid="narrative" data-state={current ? (current.words ? "ready" : "error") : "loading"}>
      <div className={styles.head}>
        <h3 id="h-narrative">{t("heading")}</h3>
        {current?.words && <ReadAloud lang={current.words.lang} paragraphs={paragraphs} />}
      </div>
      {!current ? (
        <p className="muted" role="status">{t("writing")}</p>
      ) : current.error ? (
        <p className="error-text" role="alert">{t("error", { error: current.error })}</p>
      ) : (
        <div lang={current.words!.lang} data-testid="narrative-text">
          {current.words!.sections.map((s, i) => (
            <p key={i} data-kind={s.kind} {...(s.head ? { "data-head": s.head } : {})}>{s.text}</p>
          ))}
        </div>
      )}
    </section>
  );
}
