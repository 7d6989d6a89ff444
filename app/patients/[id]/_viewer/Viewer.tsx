"use client";
// Client-only entry point: Cornerstone touches window, WebGL and workers at import time.
import dynamic from "next/dynamic";
import type { ViewerShellProps } from "./ViewerShell";

// Start downloading the Cornerstone chunk as soon as this module runs (during hydration), not
// when React first renders the dynamic component: the first image is on the critical path.
const load = () => import("./ViewerShell");
if (typeof window !== "undefined") void load();

const ViewerShell = dynamic(load, {
  ssr: false,
  loading: () => (
    <div className="viewer" data-testid="viewer-loading">
      <div className="viewer-toolbar" />
      <div className="viewer-main">
        <div className="thumbs" />
        <div className="viewport-frame"><div className="viewer-status" role="status">Starting the viewer…</div></div>
      </div>
    </div>
  ),
});

export function Viewer(props: ViewerShellProps) {
  return <ViewerShell {...props} />;
}
export type { ViewerShellProps };
