"use client";
import { useTranslations } from "next-intl";
import { useApiError } from "@/app/_components/useApiError";
import { useEffect, useState } from "react";
import { groupTags, type Tag } from "./tagGroups";
import type { ViewerScan } from "./types";

/** The scan's DICOM header grouped by module; loaded when opened. */
export function DicomTagPanel({ scan }: { scan: ViewerScan }) {
  const [open, setOpen] = useState(false);
  const t = useTranslations("viewer.tags");
  const unknownWord = t("unknown");
  const apiError = useApiError();
  const [tags, setTags] = useState<{ scanId: string; tags: Tag[] } | { scanId: string; error: string } | null>(null);
  const [filter, setFilter] = useState("");

  useEffect(() => {
    if (!open || tags?.scanId === scan.id) return;
    let off = false;
    fetch(`/api/scans/${scan.id}/tags`, { credentials: "same-origin" })
      .then(async (r) => {
        const body = await r.json();
        if (off) return;
        if (!r.ok) setTags({ scanId: scan.id, error: apiError(body, r.status) });
        else setTags({ scanId: scan.id, tags: body.tags as Tag[] });
      })
      .catch((e) => !off && setTags({ scanId: scan.id, error: (e as Error).message }));
    return () => {
      off = true;
    };
  }, [open, scan.id, tags?.scanId, apiError]);

  const current = tags?.scanId === scan.id ? tags : null;
  const f = filter.trim().toLowerCase();
  return (
    <details className="panel tag-panel" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>
        <h2 style={{ display: "inline" }}>{t("heading")}</h2>
      </summary>
      {scan.contentType !== "application/dicom" ? (
        <p className="muted">{t("noHeader", { type: scan.contentType })}</p>
      ) : !current ? (
        <p className="muted">{t("loading")}</p>
      ) : "error" in current ? (
        <p className="error-box">{t("error", { error: current.error })}</p>
      ) : (
        <>
          <label className="sr-only" htmlFor="tag-filter">{t("filter")}</label>
          <input id="tag-filter" type="search" placeholder={t("filterPlaceholder")} value={filter} onChange={(e) => setFilter(e.target.value)} className="tag-filter" />
          {groupTags(current.tags.filter((t) => !f || `${t.tag} ${t.keyword} ${t.value}`.toLowerCase().includes(f))).map((g) => (
            <section key={g.id} aria-label={t(`groups.${g.id as "other"}`)}>
              <h3>{t(`groups.${g.id as "other"}`)}</h3>
              <table className="tags">
                <tbody>
                  {g.tags.map((t) => (
                    <tr key={t.tag}>
                      <td className="mono">{t.tag}</td>
                      <td>{t.keyword || <span className="muted">{unknownWord}</span>}</td>
                      <td className="mono muted">{t.vr}</td>
                      <td className="tag-value">{t.value}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ))}
        </>
      )}
    </details>
  );
}
