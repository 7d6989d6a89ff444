// Runs the real route handlers against a test engine: lib/db/client keeps one handle per process
// in globalThis.__fusionDb; pointing it at a TestEngine makes `prisma()` (and so every handler)
// use that database — PostgreSQL or embedded PGlite — without touching DATABASE_URL.
import type { DbHandle } from "@/lib/db/client";
import type { TestEngine } from "./engines";

const g = globalThis as unknown as { __fusionDb?: Promise<DbHandle> };

export function bindAppDb(e: TestEngine): void {
  g.__fusionDb = Promise.resolve(e);
}

export function unbindAppDb(): void {
  delete g.__fusionDb;
}

/**
 * A request body that never announces its length (chunked transfer): `total` bytes of `fill`,
 * produced only when the reader pulls. `pulled()` says how many bytes the server actually read.
 */
export function chunkedBody(total: number, fill = 0x61, chunk = 64 * 1024) {
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        if (sent >= total) return c.close();
        const n = Math.min(chunk, total - sent);
        sent += n;
        c.enqueue(new Uint8Array(n).fill(fill));
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => sent, chunk };
}

/** A POST whose body is a stream (no Content-Length header, as with Transfer-Encoding: chunked). */
export function streamingRequest(url: string, body: ReadableStream<Uint8Array>, headers: Record<string, string>): Request {
  return new Request(url, { method: "POST", headers: { host: "localhost:3000", ...headers }, body, duplex: "half" } as RequestInit);
}
