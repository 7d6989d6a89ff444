"use client";
// Client-only entry point: Cornerstone touches window, WebGL and workers at import time, so the
// shell is imported in the browser only. Until it is ready, a server-made preview PNG of the
// selected scan fills the same box (it starts loading with the HTML): the clinician sees the image
// at once and the layout does not move when the interactive viewer takes over.
import { useEffect, useState, type ComponentType } from "react";
import type { ViewerShellProps } from "./ViewerShell";
import { previewUrl } from "./imageIds";

// Start downloading the Cornerstone chunk as soon as this module runs (during hydration).
const load = () => import("./ViewerShell");
if (typeof window !== "undefined") void load();

export function Viewer(props: ViewerShellProps) {
  const [Shell, setShell] = useState<ComponentType<ViewerShellProps> | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    let off = false;
    load()
      .then((m) => !off && setShell(() => m.default))
      .catch((e: Error) => !off && setFailed(`The viewer could not be loaded: ${e.message}. Reload the page to try again.`));
    return () => {
      off = true;
    };
  }, []);
  if (Shell) return <Shell {...props} />;
  return (
    <div className="viewer" data-testid="viewer-loading">
      <div className="viewer-toolbar" />
      <div className="viewer-main">
        <div className="thumbs" />
        <div className="viewport-frame">
          {props.selectedId && <img className="viewer-preview" src={previewUrl(props.selectedId)} alt="Preview of the selected scan" data-testid="viewer-preview" />}
          <div className={failed ? "viewer-status error" : "viewer-status corner"} role="status">{failed ?? "Starting the viewer…"}</div>
        </div>
      </div>
    </div>
  );
}
export type { ViewerShellProps };
