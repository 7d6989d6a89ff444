// Types of client-address.mjs (plain JavaScript so that scripts/server.mjs can load it without a
// TypeScript loader).
import type { BlockList } from "node:net";

export declare const PEER_HEADER: "x-fusion-peer-address";
export declare const FORWARDING_HEADERS: readonly string[];
export declare const DEFAULT_TRUSTED_PROXIES: string;
export type TrustedProxies = { spec: string; entries: string[]; list: BlockList };
export declare function markPeerHeaderTrusted(): void;
export declare function peerHeaderTrusted(): boolean;
export declare function normalizeAddress(raw: string | null | undefined): string | null;
export declare function parseTrustedProxies(spec?: string): TrustedProxies;
export declare function isTrustedProxy(addr: string | null, proxies: TrustedProxies): boolean;
export declare function clientAddressFromChain(peer: string | null | undefined, forwardedFor: string | null | undefined, proxies: TrustedProxies): string | null;
export declare function trustedForwardedProto(headers: { get(name: string): string | null }, proxies: TrustedProxies): string | null;
export declare function prepareIncomingHeaders<H extends Record<string, string | string[] | undefined>>(
  headers: H,
  remoteAddress: string | undefined,
  proxies: TrustedProxies,
): H;
