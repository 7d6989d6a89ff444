// Issue 10, Low 20: static files (/_next/static/…, /favicon.ico) and unmatched /api 404s lacked the
// security headers: proxy.ts does not run there (its matcher), and route() only answers handled
// API routes. Every response must carry them. Without a build, this checks what Next would do:
// next.config.js headers() rules and the proxy's matcher, each matched with Next's own matchers,
// and the proxy's real answer where it runs. (e2e/security.spec.ts checks a real `next start`.)
import { describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
// @ts-expect-error -- the plain-JS Next config (allowJs is off); typed where it is used
import nextConfig from "@/next.config.js";
import { config as proxyConfig, proxy } from "@/proxy";
import { apiSecurityHeaders, securityHeaders, STATIC_ASSET_CSP } from "@/lib/auth/headers";
// Next's own matchers (what `next start` uses for config headers and the proxy matcher)
import { getPathMatch } from "next/dist/shared/lib/router/utils/path-match";
import { matchHas } from "next/dist/shared/lib/router/utils/prepare-destination";
// @ts-expect-error -- exported at run time, not in the .d.ts: how `next build` compiles proxy matchers
import { getMiddlewareMatchers } from "next/dist/build/analysis/get-page-static-info";
import { getMiddlewareRouteMatcher } from "next/dist/shared/lib/router/utils/middleware-route-matcher";
import { modifyRouteRegex } from "next/dist/lib/redirect-status";

type HeaderRule = { source: string; has?: unknown[]; missing?: unknown[]; headers: { key: string; value: string }[] };
const rules = (await (nextConfig as { headers?: () => Promise<HeaderRule[]> }).headers?.()) ?? [];
const proxyMatches = getMiddlewareRouteMatcher(getMiddlewareMatchers(proxyConfig.matcher as never, nextConfig as never) as never);

/**
 * The headers a response to `path` gets, as Next combines them: matching config rules in order
 * (a later value for the same header replaces an earlier one), then the proxy's answer (replacing
 * those) where the proxy runs. A route handler's own header is dropped when one is set here.
 */
function responseHeaders(path: string, reqHeaders: Record<string, string> = {}): { headers: Map<string, string>; proxied: boolean } {
  const url = new URL(path, "http://localhost:3000");
  const req = { headers: Object.fromEntries(Object.entries(reqHeaders).map(([k, v]) => [k.toLowerCase(), v])) };
  const query = Object.fromEntries(url.searchParams);
  const out = new Map<string, string>();
  for (const r of rules) {
    // as next/dist/server/lib/router-utils/filesystem.js buildCustomRoute("header", …)
    if (!getPathMatch(r.source, { removeUnnamedParams: true, strict: true, regexModifier: (x: string) => modifyRouteRegex(x) })(url.pathname)) continue;
    if ((r.has || r.missing) && !matchHas(req as never, query, r.has as never, r.missing as never)) continue;
    for (const h of r.headers) out.set(h.key.toLowerCase(), h.value);
  }
  const proxied = proxyMatches(url.pathname, req as never, query);
  if (proxied) {
    const res = proxy(new NextRequest(url, { headers: reqHeaders }));
    for (const [k, v] of res.headers) if (k !== "location" && !k.startsWith("x-middleware")) out.set(k, v);
  }
  return { headers: out, proxied };
}

const PATHS = [
  "/_next/static/chunks/app/layout-0a1b2c3d.js",
  "/_next/static/css/7e8f9a.css",
  "/_next/static/media/font.woff2",
  "/_next/image?url=%2Fx.png&w=64&q=75",
  "/favicon.ico",
  "/robots.txt",
  "/api/no-such-route",
  "/api",
  "/api/patients",
  "/api/models/fusion/1.0.0/plots/roc.svg",
  "/dicomweb/studies",
  "/dicomweb/no-such-route",
  // the FHIR API and CDS Hooks: API answers the proxy skips, handled or not
  "/fhir/R4/metadata",
  "/fhir/R4/Patient/3f2b0c1e-8e1a-4f7e-9a51-1d0c5f7e2a10",
  "/fhir/R4/NoSuchResource",
  "/cds-services",
  "/cds-services/fusion-risk",
  "/login",
  "/patients",
  "/patients/3f2b0c1e-8e1a-4f7e-9a51-1d0c5f7e2a10",
  "/",
  "/no-such-page",
];
const PREFETCH = [{ "next-router-prefetch": "1" }, { purpose: "prefetch" }];

describe("every response carries the security headers", () => {
  for (const tls of [false, true]) {
    const expected = securityHeaders("(csp)", tls);
    for (const path of PATHS)
      for (const extra of [{}, ...PREFETCH]) {
        const reqHeaders = { ...extra, ...(tls ? { "x-forwarded-proto": "https" } : {}) };
        it(`${path} ${JSON.stringify(reqHeaders)}`, () => {
          const { headers, proxied } = responseHeaders(path, reqHeaders);
          for (const [k, v] of Object.entries(expected)) if (k !== "content-security-policy") expect(headers.get(k), k).toBe(v);
          if (!tls) expect(headers.get("strict-transport-security")).toBeUndefined();
          const csp = headers.get("content-security-policy");
          if (proxied && path !== "/api") expect(csp).toMatch(/script-src 'self' 'nonce-/); // a page: the proxy's policy
          else if (path.includes("/plots/")) expect(csp).toBe("default-src 'none'; style-src 'unsafe-inline'; sandbox");
          else if (path.startsWith("/_next/static/")) expect(csp).toBe(STATIC_ASSET_CSP);
          else expect(csp).toBe(apiSecurityHeaders(tls)["content-security-policy"]);
        });
      }
  }

  it("a static script may run as a web worker that loads its chunks and WASM codecs from this origin (Cornerstone's decoders)", () => {
    const csp = responseHeaders("/_next/static/chunks/2f0b94e8.e5995252633e15fc.js").headers.get("content-security-policy")!;
    expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval'/); // importScripts, WebAssembly.compile
    expect(csp).toMatch(/connect-src 'self'/); // fetch of the .wasm files
    expect(csp).toMatch(/frame-ancestors 'none'/);
  });

  it("the headers() values are the ones lib/auth/headers.ts defines (no drift)", () => {
    const all = new Map(rules.flatMap((r) => r.headers.map((h) => [h.key.toLowerCase(), h.value] as const)));
    for (const [k, v] of Object.entries(apiSecurityHeaders(true))) expect(all.get(k), k).toBe(v);
  });
});
