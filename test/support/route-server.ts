// The app's route handlers behind a real HTTP server on a free loopback port, for clients that
// speak HTTP themselves (dicomweb-client over XMLHttpRequest, Orthanc pushing STOW-RS): each request
// is turned into the web Request Next.js would hand the handler, and its Response streamed back.
// Only the routes asked for are served; anything else is 404.
import { createServer, type IncomingMessage, type Server } from "node:http";
import { Readable } from "node:stream";
import { join } from "node:path";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Entry = { pattern: string; re: RegExp; names: string[]; module: Record<string, unknown> };

export type RouteServer = { url: string; port: number; close(): Promise<void> };

/** `paths` are app route paths as in lib/auth/route-table.ts, e.g. "/dicomweb/studies/[study]". */
export async function startRouteServer(paths: string[]): Promise<RouteServer> {
  const entries: Entry[] = [];
  for (const pattern of paths) {
    const names: string[] = [];
    const re = new RegExp(`^${pattern.replace(/\[([^\]]+)\]/g, (_m, n: string) => (names.push(n), "([^/]+)"))}/?$`);
    const mod = (await import(/* @vite-ignore */ join(process.cwd(), "app", pattern, "route.ts"))) as Record<string, unknown>;
    entries.push({ pattern, re, names, module: mod });
  }
  // longest first: /studies/[study]/series before /studies/[study]
  entries.sort((a, b) => b.pattern.length - a.pattern.length);
  let base = "";
  const server: Server = createServer(async (msg: IncomingMessage, res) => {
    try {
      const url = new URL(msg.url ?? "/", base);
      const hit = entries.map((e) => ({ e, m: e.re.exec(url.pathname) })).find((x) => x.m);
      const handler = hit?.e.module[msg.method ?? "GET"] as Handler | undefined;
      if (!hit || !handler) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not served by this test server");
        return;
      }
      const params = Object.fromEntries(hit.e.names.map((n, i) => [n, decodeURIComponent(hit.m![i + 1])]));
      const headers = new Headers();
      for (const [k, v] of Object.entries(msg.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
      const hasBody = !["GET", "HEAD"].includes(msg.method ?? "GET");
      const req = new Request(url, { method: msg.method, headers, body: hasBody ? (Readable.toWeb(msg) as ReadableStream) : undefined, duplex: "half" } as RequestInit);
      const out = await handler(req, { params: Promise.resolve(params) });
      if (process.env.DEBUG_ROUTE_SERVER && out.status >= 400) console.log("[route-server]", msg.method, url.pathname, msg.headers["content-type"], out.status, await out.clone().text());
      const h: Record<string, string> = {};
      out.headers.forEach((v, k) => (h[k] = v));
      res.writeHead(out.status, h);
      if (out.body) {
        for await (const chunk of out.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
      }
      res.end();
    } catch (e) {
      console.error("[route-server]", e);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    port,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
