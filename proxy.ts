import { NextResponse, type NextRequest } from "next/server";
import { PUBLIC_PAGES, contentSecurityPolicy, isTls, securityHeaders } from "@/lib/auth/headers";
import { SESSION_COOKIE_NAMES } from "@/lib/auth/constants";

/**
 * Runs before every page request (Next 16's renamed middleware; API answers get the same headers
 * from lib/http/route.ts, see the matcher):
 * 1. security headers on every response (CSP with a per-request nonce, frame-ancestors 'none',
 *    nosniff, Referrer-Policy, Permissions-Policy, COOP/CORP; HSTS only when served over TLS);
 * 2. page requests without a session cookie go to /login?next=… . This is only a fast path for the
 *    browser — the proxy does not touch the database; the real check (session valid, idle/absolute
 *    timeouts, role) is requirePageActor() in each page and route() in each API handler.
 *
 * CSP: script-src is 'nonce-…' 'strict-dynamic' — Next.js reads the nonce from the request's CSP
 * header and puts it on its own scripts, which works for dynamically rendered pages (every page
 * that calls requirePageActor is dynamic). Statically prerendered pages carry no nonce, so their
 * inline bootstrap scripts would be blocked: keep pages dynamic. style-src keeps 'unsafe-inline'
 * because React renders style="" attributes in server HTML; no script runs from styles.
 * 'wasm-unsafe-eval' lets the DICOM codecs (WebAssembly) compile; it does not allow JS eval.
 * In `next dev` only, React needs 'unsafe-eval' and the HMR websocket.
 */
export function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  const api = pathname.startsWith("/api/") || pathname === "/api";
  const tls = isTls(req.headers.get("x-forwarded-proto"), req.nextUrl.protocol);
  const nonce = btoa(crypto.randomUUID());
  const csp = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === "development", tls, api });
  const headers = securityHeaders(csp, tls);

  const isPublicPage = PUBLIC_PAGES.some((p) => pathname === p || pathname.startsWith(`${p}/`));
  const isAsset = /\.[a-z0-9]{2,5}$/i.test(pathname);
  if (!api && !isPublicPage && !isAsset && !SESSION_COOKIE_NAMES.some((n) => req.cookies.get(n)?.value)) {
    const url = req.nextUrl.clone();
    url.pathname = "/login";
    url.search = `?next=${encodeURIComponent(pathname + search)}`;
    const res = NextResponse.redirect(url, 307);
    for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
    return res;
  }

  const requestHeaders = new Headers(req.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  requestHeaders.set("x-fcds-path", pathname + search);
  const res = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
  return res;
}

export const config = {
  matcher: [
    {
      // No /api: a proxied request body is buffered and cut at proxyClientMaxBodySize (10 MB), and
      // scan uploads stream up to 512 MB. route() / publicRoute() (lib/http/route.ts) put the same
      // security headers on every API answer, so no API route depends on the proxy.
      // Nor /fhir/ and /cds-services: API answers too (FHIR clients and EHRs get a 401
      // OperationOutcome / JSON error, never a redirect to the sign-in page), with the same headers.
      // Nor /dicomweb/ for the same reasons (STOW-RS bodies; route() answers; a PACS pushing with
      // its token has no session cookie and must not be redirected to the sign-in page).
      source: "/((?!api/|dicomweb/|fhir/|cds-services|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
