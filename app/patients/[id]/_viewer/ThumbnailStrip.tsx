"use client";
import { useEffect, useRef, useState } from "react";
import { core, initCornerstone } from "./cornerstone";
import { imageIdsFor } from "./imageIds";
import type { ViewerScan } from "./types";

/** One button per scan with a small rendering of its first frame. */
export function ThumbnailStrip({ scans, selectedId, onSelect, enabled }: { scans: ViewerScan[]; selectedId: string | null; onSelect: (id: string) => void; enabled: boolean }) {
  return (
    <nav className="thumbs" aria-label="Scans">
      <ul>
        {scans.map((s) => (
          <li key={s.id}>
            <button
              type="button"
              className={`thumb${s.id === selectedId ? " selected" : ""}`}
              aria-pressed={s.id === selectedId}
              aria-label={`${s.modality} scan${s.acquisitionDate ? ` of ${s.acquisitionDate}` : ""}, ${s.columns}×${s.rows}${s.frames > 1 ? `, ${s.frames} frames` : ""}`}
              onClick={() => onSelect(s.id)}
              data-testid={`thumb-${s.id}`}
            >
              <Thumb scan={s} enabled={enabled} />
              <span className="thumb-label">
                {s.modality}
                {s.frames > 1 ? ` ·${s.frames}f` : ""}
                <br />
                <span className="muted">{s.acquisitionDate ?? "no date"}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Thumb({ scan, enabled }: { scan: ViewerScan; enabled: boolean }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!enabled || !ref.current) return;
    let off = false;
    initCornerstone()
      .then(() => core.utilities.loadImageToCanvas({ canvas: ref.current!, imageId: imageIdsFor(scan)[0], thumbnail: true }))
      .catch(() => !off && setFailed(true));
    return () => {
      off = true;
    };
  }, [scan, enabled]);
  return failed ? <span className="thumb-img thumb-failed" title="Could not be decoded">!</span> : <span className="thumb-img"><canvas ref={ref} width={64} height={64} aria-hidden="true" /></span>;
}
