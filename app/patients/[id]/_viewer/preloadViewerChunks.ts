import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";
import { preload } from "react-dom";

// The viewer's JavaScript (Cornerstone: ~4 MB, ~1.2 MB compressed) is a client-only dynamic import,
// so the browser only learns of it once the page's own scripts have run and React hydrates —
// seconds on a busy machine. Next.js puts <link rel=preload> tags in <head> for `next/dynamic`
// components it server-renders, never for client-only ones; this does the same for the viewer,
// from the build's own record of which files make up that import (react-loadable-manifest.json,
// the manifest Next reads for the same purpose). When the manifest is missing or has no such entry
// (`next dev`, another bundler), nothing is preloaded and the viewer loads as before.
const MANIFEST = path.join(process.cwd(), ".next", "react-loadable-manifest.json");
const ENTRY = "_viewer/Viewer.tsx -> ./ViewerShell";
let files: string[] | undefined;

function viewerChunkFiles(): string[] {
  if (files) return files;
  files = [];
  if (process.env.NODE_ENV !== "production") return files;
  try {
    const manifest = JSON.parse(readFileSync(MANIFEST, "utf8")) as Record<string, { files?: string[] }>;
    const key = Object.keys(manifest).find((k) => k.endsWith(ENTRY));
    files = (key ? manifest[key].files ?? [] : []).filter((f) => f.endsWith(".js"));
  } catch {
    // no manifest: nothing to preload
  }
  return files;
}

/** Adds <link rel=preload as=script> for the viewer's chunks to the page's <head> (with the CSP nonce). */
export function preloadViewerChunks(nonce: string | undefined): void {
  // low priority, as Next's own: the HTML's stylesheet, scripts and the preview image go first
  for (const f of viewerChunkFiles()) preload(`/_next/${f.split("/").map(encodeURIComponent).join("/")}`, { as: "script", nonce, fetchPriority: "low" });
}
