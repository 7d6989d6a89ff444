"use client";
// Client-only entry point: Cornerstone touches window, WebGL and workers at import time, so the
// shell is imported in the browser only. Until the shell has drawn the scan, a placeholder shows
// the same layout with what needs no Cornerstone: the series browser, the tag panel and a
// server-made preview PNG of the selected scan in the viewport's box (the same picture in the
// viewer's default window; it starts loading with the HTML). The shell starts underneath it,
// invisible but laid out in the same place, and replaces it once its image is drawn and its tools
// bound: the clinician sees the image at once, nothing moves, and the picture never blinks.
import { useCallback, useEffect, useState, type ComponentType } from "react";
import { useTranslations } from "next-intl";
import type { ViewerShellProps } from "./ViewerShell";
import { previewUrl, scanFileUrl } from "./imageIds";
import { prefetchScanFile } from "./scanBytes";
import { SeriesBrowser } from "./SeriesBrowser";
import { DicomTagPanel } from "./DicomTagPanel";

export type ViewerProps = Omit<ViewerShellProps, "preview" | "onSettled">;

// Start downloading the Cornerstone chunk as soon as this module runs (during hydration).
const load = () => import("./ViewerShell");
if (typeof window !== "undefined") void load();

export function Viewer(props: ViewerProps) {
  const [Shell, setShell] = useState<ComponentType<ViewerShellProps> | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  // the shell has settled (image drawn and tools bound, or an error to show): it takes over
  const [settled, setSettled] = useState(false);
  const tv = useTranslations("viewer");
  useEffect(() => {
    let off = false;
    load()
      .then((m) => !off && setShell(() => m.default))
      .catch((e: Error) => {
        console.warn("viewer: the viewer's code could not be loaded:", e); // for support; the clinician reads the sentence below
        if (!off) setFailed("load");
      });
    return () => {
      off = true;
    };
  }, []);
  // the scan's bytes travel while Cornerstone loads (page.tsx has the browser preload them)
  const scanId = props.selectedId;
  // (not for DICOMweb scans: the viewer reads those frame by frame through WADO-RS)
  const viaWadors = !!props.scans.find((s) => s.id === scanId)?.dicomweb;
  useEffect(() => {
    if (!Shell && scanId && !viaWadors) prefetchScanFile(scanFileUrl(scanId));
  }, [Shell, scanId, viaWadors]);
  const onSettled = useCallback(() => {
    if (settled) return;
    performance.mark("fcds:viewer-shown");
    setSettled(true);
  }, [settled]);

  if (!props.scans.length) {
    return Shell ? (
      <Shell {...props} preview onSettled={onSettled} />
    ) : (
      <div className="viewer viewer-empty" data-testid="viewer-loading">
        <p className="muted">{tv("noScans")}</p>
      </div>
    );
  }
  return (
    <div className="viewer-host">
      {!settled && <Placeholder {...props} failed={failed} />}
      {Shell && (
        // the same element before and after: React keeps the shell (and Cornerstone) mounted
        <div className={settled ? undefined : "viewer-starting"} inert={!settled}>
          <Shell {...props} preview={settled} onSettled={onSettled} />
        </div>
      )}
    </div>
  );
}

function Placeholder({ scans, selectedId, onSelect, scores, failed }: ViewerProps & { failed: string | null }) {
  const scan = scans.find((s) => s.id === selectedId) ?? null;
  const [previewFailed, setPreviewFailed] = useState<string | null>(null);
  const tv = useTranslations("viewer");
  return (
    <div className="viewer" data-testid="viewer-loading">
      <div className="viewer-toolbar" aria-hidden="true" />
      <div className="viewer-main">
        <SeriesBrowser scans={scans} selectedId={selectedId} onSelect={onSelect} scores={scores} pictures={false} />
        <div className="viewport-frame">
          {scan && previewFailed !== scan.id && (
            // eslint-disable-next-line @next/next/no-img-element -- an authenticated, uncached API image, not a static asset
            <img
              className="viewer-preview"
              src={previewUrl(scan.id)}
              alt={tv("previewAlt", { modality: scan.modality })}
              data-testid="viewer-preview"
              fetchPriority="high"
              onError={() => setPreviewFailed(scan.id)}
              {...{ elementtiming: "scan-preview" }} // Element Timing: bench/record-page.bench.ts reads when it was painted
            />
          )}
          <div className={failed ? "viewer-status error" : "viewer-status corner"} role="status">{failed ? tv("loadFailed") : tv("starting")}</div>
        </div>
      </div>
      {scan && <DicomTagPanel scan={scan} />}
    </div>
  );
}
export type { ViewerShellProps };
