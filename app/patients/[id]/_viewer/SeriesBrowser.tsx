"use client";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { previewUrl } from "./imageIds";
import type { ViewerScan } from "./types";

/**
 * The record's scans by study and series (newest study first; series by number; instances by
 * number), each instance a button with a picture of its first frame. The pictures are the server's
 * previews (lib/dicom/preview.ts) rather than Cornerstone renders: they appear with the HTML, cost
 * the browser no decoding, and do not depend on the viewer having loaded. PNG / JPEG uploads (no
 * UIDs) are listed under "Other images". A series shows the score of its newest finished assessment.
 */
export type ScanScore = { label: string; text: string; category: string };

type Props = {
  scans: ViewerScan[];
  selectedId: string | null;
  onSelect: (id: string) => void;
  /** the newest finished assessment's headline score per scan */
  scores?: Record<string, ScanScore>;
  /** false while the viewer's JavaScript is still loading (pictures follow) */
  pictures?: boolean;
};

type Series = { key: string; number: number | null; description: string | null; modality: string; scans: ViewerScan[] };
type Study = { key: string; date: string | null; description: string | null; series: Series[] };

export function groupScans(scans: ViewerScan[]): Study[] {
  const studies = new Map<string, Study>();
  for (const s of scans) {
    const p = s.place;
    const studyKey = p?.study ?? "other";
    const study = studies.get(studyKey) ?? { key: studyKey, date: p?.study ? p.studyDate : null, description: p?.study ? p.studyDescription : null, series: [] };
    studies.set(studyKey, study);
    const seriesKey = p?.series ?? `single:${s.id}`;
    let series = study.series.find((x) => x.key === seriesKey);
    if (!series) {
      series = { key: seriesKey, number: p?.seriesNumber ?? null, description: p?.seriesDescription ?? null, modality: s.modality, scans: [] };
      study.series.push(series);
    }
    series.scans.push(s);
  }
  const out = [...studies.values()];
  for (const st of out) {
    st.series.sort((a, b) => (a.number ?? 1e9) - (b.number ?? 1e9));
    for (const se of st.series) se.scans.sort((a, b) => (a.place?.instanceNumber ?? 1e9) - (b.place?.instanceNumber ?? 1e9));
  }
  // newest study first; images without a study last
  return out.sort((a, b) => (a.key === "other" ? 1 : b.key === "other" ? -1 : (b.date ?? "").localeCompare(a.date ?? "")));
}

export function SeriesBrowser({ scans, selectedId, onSelect, scores = {}, pictures = true }: Props) {
  const studies = groupScans(scans);
  const t = useTranslations("viewer.series");
  const tf = useTranslations("risk.identityFlag");
  return (
    <nav className="thumbs series-browser" aria-label={t("nav")} data-testid={pictures ? "series-browser" : undefined}>
      {studies.map((st) => (
        <section key={st.key} className="sb-study" aria-label={st.key === "other" ? t("otherImages") : t("study", { date: st.date ?? "", description: st.description ?? "" }).trim()}>
          <h3 className="sb-study-head">
            {st.date ?? (st.key === "other" ? "" : t("noDate"))} <span className="muted">{st.key === "other" ? t("otherImages") : (st.description ?? "")}</span>
          </h3>
          {st.series.map((se) => {
            const score = se.scans.map((s) => scores[s.id]).find(Boolean);
            return (
              <div key={se.key} className="sb-series" data-testid={pictures ? `series-${se.key}` : undefined}>
                <div className="sb-series-head">
                  <span>
                    {se.modality}
                    {se.number !== null ? ` #${se.number}` : ""} {se.description ? <span className="muted">{se.description}</span> : null}
                  </span>
                  <span className="muted">
                    {t("images", { count: se.scans.length })}
                    {se.scans.length === 1 && se.scans[0].frames > 1 ? t("frames", { count: se.scans[0].frames }) : ""}
                  </span>
                  {score && (
                    <span className={`sb-score risk-${score.category}`} data-testid={pictures ? "series-score" : undefined} title={score.label}>
                      {score.text}
                    </span>
                  )}
                </div>
                <ul className="thumbs sb-thumbs">
                  {se.scans.map((s) => (
                    <li key={s.id}>
                      <button
                        type="button"
                        className={`thumb${s.id === selectedId ? " selected" : ""}`}
                        aria-pressed={s.id === selectedId}
                        onClick={() => onSelect(s.id)}
                        data-testid={pictures ? `thumb-${s.id}` : undefined}
                      >
                        {pictures ? <Thumb scan={s} /> : <span className="thumb-img thumb-pending" aria-hidden="true" />}
                        {s.identityFlag && (
                          <span className="thumb-identity-flag" title={tf(s.identityFlag)} data-testid={pictures ? `thumb-identity-flag-${s.id}` : undefined}>
                            ⚠ {s.identityFlag === "other_patient" ? t("otherPatient") : t("noPatientId")}
                          </span>
                        )}
                        <span className="thumb-label">
                          {s.place?.instanceNumber != null ? `#${s.place.instanceNumber}` : s.modality}
                          {s.frames > 1 ? ` ·${s.frames}f` : ""}
                          {!s.place?.study && (
                            <>
                              <br />
                              <span className="muted">{s.acquisitionDate ?? t("noDate")}</span>
                            </>
                          )}
                          {/* the accessible name is the visible label plus this (WCAG 2.5.3 label in name) */}
                          <span className="sr-only">{t("a11y", { modality: s.modality, number: s.place?.instanceNumber != null ? ` ${s.place.instanceNumber}` : "", date: s.acquisitionDate ? t("ofDate", { date: s.acquisitionDate }) : "", size: `${s.columns}×${s.rows}`, frames: s.frames > 1 ? t("framesA11y", { count: s.frames }) : "" })}</span>
                        </span>
                      </button>
                    </li>
                  ))}
                </ul>
              </div>
            );
          })}
        </section>
      ))}
    </nav>
  );
}

/** 64 px box, 128 px picture (sharp on 2× screens). */
const THUMB_PX = 128;

function Thumb({ scan }: { scan: ViewerScan }) {
  const [failed, setFailed] = useState(false);
  const t = useTranslations("viewer.series");
  if (failed) return <span className="thumb-img thumb-failed" title={t("noPreview")} data-testid="thumb-failed" aria-hidden="true">!</span>;
  return (
    <span className="thumb-img">
      {/* eslint-disable-next-line @next/next/no-img-element -- an authenticated, uncached API image, not a static asset */}
      <img src={previewUrl(scan.id, THUMB_PX)} alt="" width={64} height={64} loading="lazy" decoding="async" fetchPriority="low" onError={() => setFailed(true)} data-testid="thumb-img" />
    </span>
  );
}
