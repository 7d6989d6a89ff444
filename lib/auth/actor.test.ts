import { afterEach, describe, expect, it } from "vitest";
import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { clientAddressFrom, forwardedProto, requestInfo } from "./actor";
import {
  clientAddressFromChain,
  markPeerHeaderTrusted,
  normalizeAddress,
  parseTrustedProxies,
  PEER_HEADER,
  prepareIncomingHeaders,
} from "./client-address.mjs";

const MARK = Symbol.for("fusion-cds.peer-address-header");
const unmark = () => delete (globalThis as Record<symbol, unknown>)[MARK];
afterEach(unmark);

const loopback = parseTrustedProxies(undefined);

describe("addresses and trusted proxies", () => {
  it("normalizes what sockets and proxies write", () => {
    expect(normalizeAddress("::ffff:10.1.2.3")).toBe("10.1.2.3");
    expect(normalizeAddress(" 10.1.2.3:5678 ")).toBe("10.1.2.3");
    expect(normalizeAddress("[2001:DB8::1]:443")).toBe("2001:db8::1");
    expect(normalizeAddress("fe80::1%eth0")).toBe("fe80::1");
    expect(normalizeAddress("unknown")).toBeNull();
    expect(normalizeAddress("1.2.3.4.5")).toBeNull();
    expect(normalizeAddress(undefined)).toBeNull();
  });

  it("FUSION_TRUSTED_PROXIES: loopback by default, IPs and CIDR ranges, 'none', refuses anything else", () => {
    expect(loopback.entries).toEqual(["127.0.0.0/8", "::1/128"]);
    expect(parseTrustedProxies("").entries).toEqual(["127.0.0.0/8", "::1/128"]);
    expect(parseTrustedProxies("none").entries).toEqual([]);
    expect(parseTrustedProxies("10.0.0.0/8, 192.0.2.7, fd00::/8").entries).toEqual(["10.0.0.0/8", "192.0.2.7/32", "fd00::/8"]);
    expect(() => parseTrustedProxies("10.0.0.0/33")).toThrow(/prefix/);
    expect(() => parseTrustedProxies("proxy.example.org")).toThrow(/FUSION_TRUSTED_PROXIES/);
  });

  it("an untrusted peer is the client: its own X-Forwarded-For is ignored", () => {
    expect(clientAddressFromChain("198.51.100.7", "6.6.6.6", loopback)).toBe("198.51.100.7");
    expect(clientAddressFromChain("::ffff:198.51.100.7", "6.6.6.6, 7.7.7.7", loopback)).toBe("198.51.100.7");
    expect(clientAddressFromChain(null, "6.6.6.6", loopback)).toBeNull();
  });

  it("behind trusted proxies: the rightmost address that is not a trusted proxy", () => {
    expect(clientAddressFromChain("127.0.0.1", "203.0.113.9", loopback)).toBe("203.0.113.9");
    expect(clientAddressFromChain("127.0.0.1", "6.6.6.6, 203.0.113.9", loopback)).toBe("203.0.113.9");
    const two = parseTrustedProxies("10.0.0.0/8");
    // a load balancer (10.0.0.2) in front of nginx (10.0.0.3): both skipped
    expect(clientAddressFromChain("10.0.0.3", "6.6.6.6, 203.0.113.9, 10.0.0.2", two)).toBe("203.0.113.9");
    // no header at all, or only proxies: the leftmost proxy
    expect(clientAddressFromChain("127.0.0.1", null, loopback)).toBe("127.0.0.1");
    expect(clientAddressFromChain("10.0.0.3", "10.0.0.2", two)).toBe("10.0.0.2");
    // garbage stops the walk at the last address that could be read
    expect(clientAddressFromChain("127.0.0.1", "6.6.6.6, not-an-ip", loopback)).toBe("127.0.0.1");
    expect(clientAddressFromChain("127.0.0.1", "6.6.6.6, not-an-ip, 203.0.113.9", loopback)).toBe("203.0.113.9");
  });
});

describe("clientAddressFrom (API routes and pages)", () => {
  const h = (o: Record<string, string>) => new Headers(o);

  it("without scripts/server.mjs the peer is unknown and no header is believed", () => {
    expect(clientAddressFrom(h({ "x-forwarded-for": "203.0.113.9", "x-real-ip": "203.0.113.9", [PEER_HEADER]: "203.0.113.9" }), {})).toBeNull();
  });

  it("served by scripts/server.mjs: the peer, or what a trusted proxy forwarded", () => {
    markPeerHeaderTrusted();
    expect(clientAddressFrom(h({ [PEER_HEADER]: "198.51.100.7", "x-forwarded-for": "6.6.6.6", "x-real-ip": "6.6.6.6" }), {})).toBe("198.51.100.7");
    expect(clientAddressFrom(h({ [PEER_HEADER]: "127.0.0.1", "x-forwarded-for": "6.6.6.6, 203.0.113.9" }), {})).toBe("203.0.113.9");
    expect(clientAddressFrom(h({ [PEER_HEADER]: "10.0.0.3", "x-forwarded-for": "203.0.113.9" }), { FUSION_TRUSTED_PROXIES: "10.0.0.0/8" })).toBe("203.0.113.9");
    // with FUSION_TRUSTED_PROXIES set, loopback is no longer trusted unless listed
    expect(clientAddressFrom(h({ [PEER_HEADER]: "127.0.0.1", "x-forwarded-for": "203.0.113.9" }), { FUSION_TRUSTED_PROXIES: "10.0.0.0/8" })).toBe("127.0.0.1");
  });

  it("X-Forwarded-Proto only from a trusted proxy", () => {
    markPeerHeaderTrusted();
    expect(forwardedProto(h({ [PEER_HEADER]: "198.51.100.7", "x-forwarded-proto": "https" }), {})).toBeNull();
    expect(forwardedProto(h({ [PEER_HEADER]: "127.0.0.1", "x-forwarded-proto": "https" }), {})).toBe("https");
  });

  it("requestInfo carries the address, the source and a bounded user agent", () => {
    markPeerHeaderTrusted();
    const r = requestInfo(new Request("http://x/", { headers: { "user-agent": "u".repeat(2000), [PEER_HEADER]: "1.2.3.4" } }), "page");
    expect(r).toMatchObject({ clientAddress: "1.2.3.4", source: "page" });
    expect(r.userAgent).toHaveLength(512);
  });
});

describe("scripts/server.mjs request preparation over a real socket", () => {
  /** An HTTP server that prepares headers as scripts/server.mjs does and answers what the app would see. */
  async function serve(spec: string | undefined) {
    const proxies = parseTrustedProxies(spec);
    const server = createServer((req, res) => {
      prepareIncomingHeaders(req.headers, req.socket.remoteAddress, proxies);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ client: clientAddressFrom(headers, { FUSION_TRUSTED_PROXIES: spec }), seen: req.headers }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const get = (headers: Record<string, string>) =>
      new Promise<{ client: string | null; seen: IncomingHttpHeaders }>((resolve, reject) => {
        const rq = httpRequest({ host: "127.0.0.1", port, path: "/", headers }, (res) => {
          let body = "";
          res.on("data", (c) => (body += c));
          res.on("end", () => resolve(JSON.parse(body)));
        });
        rq.on("error", reject);
        rq.end();
      });
    return { get, close: () => new Promise<void>((r) => server.close(() => r())) };
  }

  it("a direct client (loopback not trusted here) cannot forge its address, scheme or the peer header", async () => {
    markPeerHeaderTrusted();
    const s = await serve("10.0.0.0/8");
    try {
      const r = await s.get({ "x-forwarded-for": "6.6.6.6", "x-real-ip": "6.6.6.6", "x-forwarded-proto": "https", forwarded: "for=6.6.6.6", [PEER_HEADER]: "6.6.6.6" });
      expect(r.client).toBe("127.0.0.1");
      expect(r.seen[PEER_HEADER]).toBe("127.0.0.1");
      for (const k of ["x-forwarded-for", "x-real-ip", "x-forwarded-proto", "forwarded"]) expect(r.seen[k]).toBeUndefined();
    } finally {
      await s.close();
    }
  });

  it("a trusted proxy (loopback, the default) keeps its forwarding headers", async () => {
    markPeerHeaderTrusted();
    const s = await serve(undefined);
    try {
      const r = await s.get({ "x-forwarded-for": "203.0.113.9", "x-forwarded-proto": "https" });
      expect(r.client).toBe("203.0.113.9");
      expect(r.seen["x-forwarded-proto"]).toBe("https");
    } finally {
      await s.close();
    }
  });
});

describe("one place decides the client address", () => {
  it("no page, route or library module reads X-Forwarded-For / X-Real-IP itself", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) {
          if (e.name !== "generated" && e.name !== "node_modules") walk(p);
        } else if (/\.(ts|tsx|mjs)$/.test(e.name) && !/\.test\.ts$/.test(e.name) && !/client-address\.(mjs|d\.mts)$|auth\/actor\.ts$/.test(p)) {
          if (/["'`]x-(forwarded-for|real-ip)["'`]/i.test(readFileSync(p, "utf8"))) offenders.push(p);
        }
      }
    };
    walk("app");
    walk("lib");
    expect(offenders).toEqual([]);
  });
});
