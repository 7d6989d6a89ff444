"use client";
// Client-only entry point: Cornerstone touches window, WebGL and workers at import time.
import dynamic from "next/dynamic";
import type { ViewerShellProps } from "./ViewerShell";

const ViewerShell = dynamic(() => import("./ViewerShell"), {
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
