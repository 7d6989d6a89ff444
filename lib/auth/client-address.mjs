// Who is the client? Shared by scripts/server.mjs (plain JavaScript: it runs before Next.js and
// without a TypeScript loader) and by lib/auth/actor.ts — one implementation, types in the .d.mts.
//
// X-Forwarded-For is a list each proxy appends to; whatever the client itself wrote arrives at its
// left end and may be forged. Only the socket's peer is a fact. So: when the peer is not one of our
// configured proxies (FUSION_TRUSTED_PROXIES, loopback by default), the client IS the peer and every
// forwarding header is ignored (scripts/server.mjs deletes them before Next.js sees the request).
// When the peer is a trusted proxy, walk X-Forwarded-For from the right, skipping trusted proxies:
// the first address that is not one of ours is the client (nginx `real_ip_recursive on`).
import { BlockList, isIP } from "node:net";

/** Set by scripts/server.mjs on every request: the socket's peer address (a client cannot set it). */
export const PEER_HEADER = "x-fusion-peer-address";

/** Headers only a trusted proxy may set; scripts/server.mjs deletes them on requests from anyone else. */
export const FORWARDING_HEADERS = ["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port", "x-real-ip", "forwarded"];

export const DEFAULT_TRUSTED_PROXIES = "127.0.0.0/8, ::1";

const MARK = Symbol.for("fusion-cds.peer-address-header");

/**
 * Called by scripts/server.mjs in its own process before Next.js loads: from then on PEER_HEADER is
 * the server's own statement. Without it (next dev, a bare `next start`) a client could send the
 * header itself, so it is ignored.
 */
export function markPeerHeaderTrusted() {
  /** @type {Record<symbol, unknown>} */ (/** @type {unknown} */ (globalThis))[MARK] = true;
}

export function peerHeaderTrusted() {
  return /** @type {Record<symbol, unknown>} */ (/** @type {unknown} */ (globalThis))[MARK] === true;
}

/**
 * "::ffff:10.1.2.3" → "10.1.2.3", "[2001:db8::1]:443" → "2001:db8::1", "10.1.2.3:5678" → "10.1.2.3",
 * "fe80::1%eth0" → "fe80::1"; anything that is not an IP address → null.
 * @param {string | null | undefined} raw
 * @returns {string | null}
 */
export function normalizeAddress(raw) {
  if (typeof raw !== "string") return null;
  let a = raw.trim();
  if (!a || a.length > 100) return null;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(":"));
  a = a.replace(/%[0-9a-z._~-]+$/i, "").toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/.exec(a);
  if (mapped) a = mapped[1];
  return isIP(a) ? a : null;
}

/**
 * @typedef {{ spec: string, entries: string[], list: BlockList }} TrustedProxies
 */

/** @type {Map<string, TrustedProxies>} */
const cache = new Map();

/**
 * FUSION_TRUSTED_PROXIES: comma-separated IP addresses and CIDR ranges (IPv4 or IPv6) of the reverse
 * proxies in front of the server; unset or empty → loopback only (127.0.0.0/8, ::1); "none" → no
 * proxy at all (the peer is always the client). Throws on an entry that is not an address or range.
 * @param {string | undefined} [spec]
 * @returns {TrustedProxies}
 */
export function parseTrustedProxies(spec) {
  const text = spec?.trim() ? spec.trim() : DEFAULT_TRUSTED_PROXIES;
  const hit = cache.get(text);
  if (hit) return hit;
  const list = new BlockList();
  const entries = [];
  if (text.toLowerCase() !== "none") {
    for (const part of text.split(",").map((s) => s.trim()).filter(Boolean)) {
      const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(part);
      const addr = m ? normalizeAddress(m[1]) : null;
      if (!m || !addr) throw new Error(`FUSION_TRUSTED_PROXIES: "${part}" is not an IP address or CIDR range (e.g. 10.0.0.0/8, 192.0.2.7, fd00::/8)`);
      const family = isIP(addr) === 6 ? "ipv6" : "ipv4";
      const max = family === "ipv6" ? 128 : 32;
      const prefix = m[2] === undefined ? max : Number(m[2]);
      if (prefix > max) throw new Error(`FUSION_TRUSTED_PROXIES: "${part}": the prefix length must be at most ${max}`);
      list.addSubnet(addr, prefix, family);
      entries.push(`${addr}/${prefix}`);
    }
  }
  const out = { spec: text, entries, list };
  cache.set(text, out);
  return out;
}

/**
 * @param {string | null} addr a normalized address
 * @param {TrustedProxies} proxies
 */
export function isTrustedProxy(addr, proxies) {
  if (!addr) return false;
  return proxies.list.check(addr, isIP(addr) === 6 ? "ipv6" : "ipv4");
}

/**
 * The client's address from the socket peer and X-Forwarded-For. An untrusted (or unknown) peer is
 * the client itself. Behind trusted proxies: the rightmost entry that is not a trusted proxy; an
 * entry that is not an address stops the walk (nothing left of it can be believed), and when every
 * hop is a trusted proxy the leftmost one is the client.
 * @param {string | null | undefined} peer
 * @param {string | null | undefined} forwardedFor
 * @param {TrustedProxies} proxies
 * @returns {string | null}
 */
export function clientAddressFromChain(peer, forwardedFor, proxies) {
  let client = normalizeAddress(peer);
  if (!client || !isTrustedProxy(client, proxies)) return client;
  const hops = (forwardedFor ?? "").split(",").slice(-32);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!hops[i].trim()) continue;
    const addr = normalizeAddress(hops[i]);
    if (!addr) break;
    client = addr;
    if (!isTrustedProxy(addr, proxies)) break;
  }
  return client;
}

/**
 * X-Forwarded-Proto as the app may believe it: the value a trusted proxy sent (or that Next.js set
 * from the socket), null when the peer is known and not a trusted proxy.
 * @param {{ get(name: string): string | null }} headers
 * @param {TrustedProxies} proxies
 * @returns {string | null}
 */
export function trustedForwardedProto(headers, proxies) {
  const proto = headers.get("x-forwarded-proto");
  if (!proto || !peerHeaderTrusted()) return proto;
  return isTrustedProxy(normalizeAddress(headers.get(PEER_HEADER)), proxies) ? proto : null;
}

/**
 * What scripts/server.mjs does to every request before Next.js sees it: PEER_HEADER := the socket's
 * peer (whatever the client sent under that name is dropped), and the forwarding headers are
 * deleted unless the peer is a trusted proxy. Next.js then fills X-Forwarded-For / -Proto / -Host
 * from the socket itself. Mutates and returns the Node.js header object.
 * @param {Record<string, string | string[] | undefined>} headers
 * @param {string | undefined} remoteAddress
 * @param {TrustedProxies} proxies
 */
export function prepareIncomingHeaders(headers, remoteAddress, proxies) {
  const peer = normalizeAddress(remoteAddress) ?? "unknown";
  if (!isTrustedProxy(peer, proxies)) for (const h of FORWARDING_HEADERS) delete headers[h];
  headers[PEER_HEADER] = peer;
  return headers;
}
