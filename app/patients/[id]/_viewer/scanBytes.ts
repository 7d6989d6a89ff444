// The selected scan's file, fetched while the viewer's JavaScript is still downloading and
// Cornerstone is starting: the record page asks the browser to preload it with the HTML
// (page.tsx), the viewer's placeholder claims that response here, and the image loaders take the
// bytes instead of starting their own request once Cornerstone is ready. Import-free on purpose:
// Viewer.tsx loads it before Cornerstone.
const pending = new Map<string, Promise<ArrayBuffer>>();

/** Starts fetching a scan file once (a later call for the same URL is a no-op). */
export function prefetchScanFile(url: string): void {
  if (pending.has(url)) return;
  const p = fetch(url, { credentials: "same-origin" }).then(async (r) => {
    if (!r.ok) throw new Error(`The scan file could not be fetched (HTTP ${r.status}).`);
    return r.arrayBuffer();
  });
  p.catch(() => undefined); // a failure is reported by whoever takes it
  pending.set(url, p);
}

/** The prefetched bytes of `url`, handed over once (null when it was not prefetched). */
export function takePrefetchedScanFile(url: string): Promise<ArrayBuffer> | null {
  const p = pending.get(url) ?? null;
  pending.delete(url);
  return p;
}
