"use client";
import { useEffect, useState } from "react";
import { groupTags, type Tag } from "./tagGroups";
import type { ViewerScan } from "./types";

/** The scan's DICOM header grouped by module; loaded when opened. */
export function DicomTagPanel({ scan }: { scan: ViewerScan }) {
  const [open, setOpen] = useState(false);
  const [tags, setTags] = useState<{ scanId: string; tags: Tag[] } | { scanId: string; error: string } | null>(null);
  const [filter, setFilter] = useState("");

  useEffect(() => {
    if (!open || tags?.scanId === scan.id) return;
    let off = false;
    fetch(`/api/scans/${scan.id}/tags`, { credentials: "same-origin" })
      .then(async (r) => {
        const body = await r.json();
        if (off) return;
        if (!r.ok) setTags({ scanId: scan.id, error: body?.error?.message ?? `HTTP ${r.status}` });
        else setTags({ scanId: scan.id, tags: body.tags as Tag[] });
      })
      .catch((e) => !off && setTags({ scanId: scan.id, error: (e as Error).message }));
    return () => {
      off = true;
    };
  }, [open, scan.id, tags?.scanId]);

  const current = tags?.scanId === scan.id ? tags : null;
  const f = filter.trim().toLowerCase();
  return (
    <details className="panel tag-panel" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>
        <h2 style={{ display: "inline" }}>DICOM tags</h2>
      </summary>
      {scan.contentType !== "application/dicom" ? (
        <p className="muted">This scan is a {scan.contentType} image: it has no DICOM header.</p>
      ) : !current ? (
        <p className="muted">Loading tags…</p>
      ) : "error" in current ? (
        <p className="error-box">The header could not be read: {current.error}</p>
      ) : (
        <>
          <label className="sr-only" htmlFor="tag-filter">Filter tags</label>
          <input id="tag-filter" type="search" placeholder="Filter by name, tag or value" value={filter} onChange={(e) => setFilter(e.target.value)} className="tag-filter" />
          {groupTags(current.tags.filter((t) => !f || `${t.tag} ${t.keyword} ${t.value}`.toLowerCase().includes(f))).map((g) => (
            <section key={g.id} aria-label={g.label}>
              <h3>{g.label}</h3>
              <table className="tags">
                <tbody>
                  {g.tags.map((t) => (
                    <tr key={t.tag}>
                      <td className="mono">{t.tag}</td>
                      <td>{t.keyword || <span className="muted">unknown</span>}</td>
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
