#!/usr/bin/env node
// The web server: Next.js's own request handling (what `next start` runs), behind a Node.js HTTP
// server of ours that tells the app who the client is. Next.js route handlers never see the
// socket, and `next start` passes a client's forged X-Forwarded-For through untouched; so here,
// before Next.js sees a request:
//   - x-fusion-peer-address := the socket's peer address (a client cannot set it: it is overwritten);
//   - X-Forwarded-For/-Proto/-Host/-Port, X-Real-IP and Forwarded are deleted unless that peer is a
//     trusted proxy (FUSION_TRUSTED_PROXIES; loopback by default), and Next.js refills them from the
//     socket.
// lib/auth/actor.ts clientAddressFrom() reads the result (lib/auth/client-address.mjs: both sides).
//
//   node scripts/server.mjs [-p PORT] [-H HOST] [--dev]      (npm start runs it; PORT, HOSTNAME too)
import { createServer } from "node:http";
import { isIP } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { markPeerHeaderTrusted, parseTrustedProxies, prepareIncomingHeaders } from "../lib/auth/client-address.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: { port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" }, dev: { type: "boolean", default: false } },
});
const port = Number(values.port ?? process.env.PORT ?? "3000");
const hostname = values.hostname ?? process.env.HOSTNAME ?? "127.0.0.1";
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`server: the port must be 0..65535 (got "${values.port ?? process.env.PORT}")`);
  process.exit(2);
}
if (process.env.FUSION_TRUSTED_PROXY_HOPS !== undefined) {
  console.error(
    "server: FUSION_TRUSTED_PROXY_HOPS is no longer read. Name the reverse proxies instead: FUSION_TRUSTED_PROXIES=<their IPs or CIDR ranges> " +
      "(default loopback only). Unset FUSION_TRUSTED_PROXY_HOPS to start.",
  );
  process.exit(2);
}
let proxies;
try {
  proxies = parseTrustedProxies(process.env.FUSION_TRUSTED_PROXIES);
} catch (e) {
  console.error(`server: ${e.message}`);
  process.exit(2);
}

// What the app reads to know where it listens (demo accounts only on loopback, lib/auth/config.ts).
process.env.HOSTNAME = hostname;
process.env.PORT = String(port);
if (!values.dev) process.env.NODE_ENV = "production";
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
markPeerHeaderTrusted();

const { default: next } = await import("next");
const app = next({ dev: values.dev, dir: root, hostname, port });
await app.prepare();
const handle = app.getRequestHandler();

const server = createServer((req, res) => {
  prepareIncomingHeaders(req.headers, req.socket.remoteAddress, proxies);
  handle(req, res).catch((e) => {
    console.error("server: unhandled error", e);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
});
server.on("error", (e) => {
  console.error(`server: ${e.message}`);
  process.exit(1);
});
server.listen(port, hostname, () => {
  const a = server.address();
  const shown = typeof a === "object" && a ? (isIP(a.address) === 6 ? `[${a.address}]` : a.address) : hostname;
  console.log(`▲ Next.js ready on http://${shown}:${typeof a === "object" && a ? a.port : port} (trusted proxies: ${proxies.entries.join(", ") || "none"})`);
});
for (const sig of ["SIGINT", "SIGTERM"])
  process.on(sig, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  });
