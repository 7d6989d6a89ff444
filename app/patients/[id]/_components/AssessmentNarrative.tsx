"use client";
// The assessment in words (lib/narrative, written on the server from the stored assessment) with
// a read-aloud control. Self-contained: the risk panel renders it with one line; it shows nothing
// until the assessment is done and readable.
import { useEffect, useMemo, useState } from "react";
import type { AssessmentView } from "@/lib/db/assessments";
import type { AssessmentNarrative as Words } from "@/lib/domain/narrative";
import { ReadAloud } from "./ReadAloud";
import styles from "./AssessmentNarrative.module.css";

type Loaded = { id: string; words: Words | null; error: string | null };

export function AssessmentNarrative({ assessment: a }: { assessment: AssessmentView | null }) {
  const wanted = a && a.status === "done" && !a.resultError ? a.id : null;
  const [loaded, setLoaded] = useState<Loaded | null>(null);

  useEffect(() => {
    if (!wanted) return;
    let live = true;
    fetch(`/api/assessments/${wanted}/narrative`, { credentials: "same-origin" })
      .then(async (r) => {
        const body = await r.json().catch(() => null);
        if (!r.ok) throw new Error((body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${r.status}`);
        if (live) setLoaded({ id: wanted, words: body as Words, error: null });
      })
      .catch((e: Error) => live && setLoaded({ id: wanted, words: null, error: e.message }));
    return () => {
      live = false;
    };
  }, [wanted]);

  const current = loaded?.id === wanted ? loaded : null;
  const paragraphs = useMemo(() => current?.words?.sections.map((s) => s.text) ?? [], [current]);
  if (!wanted) return null;
  return (
    <section className={styles.narrative} aria-labelledby="h-narrative" data-testid="narrative" data-state={current ? (current.words ? "ready" : "error") : "loading"}>
      <div className={styles.head}>
        <h3 id="h-narrative">In words</h3>
        {current?.words && <ReadAloud lang={current.words.lang} paragraphs={paragraphs} />}
      </div>
      {!current ? (
        <p className="muted" role="status">Writing the summary…</p>
      ) : current.error ? (
        <p className="error-text" role="alert">The summary could not be loaded: {current.error}</p>
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
