/** Security headers and the Content-Security-Policy proxy.ts puts on every response (see proxy.ts). */
export const PUBLIC_PAGES = ["/login", "/access-denied"];

/** TLS as the browser sees it: X-Forwarded-Proto from the reverse proxy, else the URL scheme. */
export function isTls(forwardedProto: string | null, protocol: string): boolean {
  const fwd = forwardedProto?.split(",")[0].trim().toLowerCase();
  return fwd ? fwd === "https" : protocol === "https:";
}

export function contentSecurityPolicy(nonce: string, opts: { dev: boolean; tls: boolean; api: boolean }): string {
  if (opts.api) return "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
  const d = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic' 'wasm-unsafe-eval'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self' data:",
    `connect-src 'self'${opts.dev ? " ws: wss:" : ""}`,
    "worker-src 'self' blob:",
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "frame-src 'none'",
  ];
  if (opts.tls) d.push("upgrade-insecure-requests");
  return d.join("; ");
}

/**
 * The CSP of static files (/_next/static, set in next.config.js): nothing, except that a script
 * there may run as a web worker, whose CSP is its own response's — Cornerstone's decode workers
 * importScripts their other chunks and fetch and compile the WASM codecs from the same origin.
 */
export const STATIC_ASSET_CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** What every API answer carries (set by route() / publicRoute(); the proxy does not run on /api). */
export function apiSecurityHeaders(tls: boolean): Record<string, string> {
  return securityHeaders(contentSecurityPolicy("", { dev: false, tls, api: true }), tls);
}

export function securityHeaders(csp: string, tls: boolean): Record<string, string> {
  return {
    "content-security-policy": csp,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    // same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on same-origin
    // form posts, which the CSRF origin check must refuse. Cross-origin requests get no referrer
    // (URLs carry patient ids).
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=()",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    ...(tls ? { "strict-transport-security": "max-age=63072000; includeSubDomains" } : {}),
  };
}

