import type { DecodedFrame } from "@/lib/dicom";

/**
 * The upload route has already decoded the assessed frame to validate it; when the worker runs in
 * the same process it takes that frame from here instead of decoding again. Entries are taken once
 * and expire after a minute; other processes simply decode from the stored bytes.
 */
const cache = new Map<string, { frame: DecodedFrame; at: number }>();
const TTL_MS = 60_000;
const MAX_ENTRIES = 64;

export function putDecoded(scanId: string, frame: DecodedFrame): void {
  const now = Date.now();
  for (const [k, v] of cache) if (now - v.at > TTL_MS || cache.size >= MAX_ENTRIES) cache.delete(k);
  cache.set(scanId, { frame, at: now });
}

export function takeDecoded(scanId: string): DecodedFrame | null {
  const e = cache.get(scanId);
  cache.delete(scanId);
  return e && Date.now() - e.at <= TTL_MS ? e.frame : null;
}
