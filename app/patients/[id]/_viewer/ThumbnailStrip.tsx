"use client";
import { useState } from "react";
import { previewUrl } from "./imageIds";
import type { ViewerScan } from "./types";

/**
 * One button per scan with a picture of its first frame. The pictures are the server's previews
 * (lib/dicom/preview.ts: the viewer's default window, the server's decoders) rather than
 * Cornerstone renders: they appear with the HTML, before the viewer has loaded, and cost the
 * browser no decoding. Cornerstone's canvas thumbnails drew some scans black (a native
 * YBR_FULL_422 file, a 1-bit segmentation, a 3×3 image, a damaged JPEG 2000 whose codec returns an
 * empty frame instead of failing) and decoded every scan again whenever the selection changed.
 */
type Props = {
  scans: ViewerScan[];
  selectedId: string | null;
  onSelect: (id: string) => void;
  /**
   * False while the viewer's JavaScript is still loading: a dozen thumbnail requests would hold
   * the browser's six connections and the server's one thread just when the page needs them for
   * the selected scan's preview and the viewer itself. The buttons are there at once; their
   * pictures follow.
   */
  pictures?: boolean;
};

export function ThumbnailStrip({ scans, selectedId, onSelect, pictures = true }: Props) {
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
              // the placeholder's copy (no pictures yet) has no test id: tests address the viewer's own strip
              data-testid={pictures ? `thumb-${s.id}` : undefined}
            >
              {pictures ? <Thumb scan={s} /> : <span className="thumb-img thumb-pending" aria-hidden="true" />}
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

/** 64 px box, 128 px picture (sharp on 2× screens). */
const THUMB_PX = 128;

function Thumb({ scan }: { scan: ViewerScan }) {
  const [failed, setFailed] = useState(false);
  if (failed) return <span className="thumb-img thumb-failed" title="No preview: this scan could not be decoded. Select it to see why." data-testid="thumb-failed">!</span>;
  return (
    <span className="thumb-img">
      {/* eslint-disable-next-line @next/next/no-img-element -- an authenticated, uncached API image, not a static asset */}
      <img src={previewUrl(scan.id, THUMB_PX)} alt="" width={64} height={64} loading="lazy" decoding="async" fetchPriority="low" onError={() => setFailed(true)} data-testid="thumb-img" />
    </span>
  );
}
