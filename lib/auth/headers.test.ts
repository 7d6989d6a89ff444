import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, isTls, securityHeaders } from "./headers";

describe("security headers", () => {
  it("page CSP: nonce + strict-dynamic, no unsafe-inline scripts, no framing", () => {
    const csp = contentSecurityPolicy("bm9uY2U=", { dev: false, tls: false, api: false });
    const script = csp.split("; ").find((d) => d.startsWith("script-src"))!;
    expect(script).toContain("'nonce-bm9uY2U='");
    expect(script).toContain("'strict-dynamic'");
    expect(script).not.toContain("unsafe-inline");
    expect(script).not.toContain("'unsafe-eval'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("upgrade-insecure-requests");
    expect(contentSecurityPolicy("n", { dev: true, tls: true, api: false })).toContain("'unsafe-eval'");
    expect(contentSecurityPolicy("n", { dev: false, tls: true, api: false })).toContain("upgrade-insecure-requests");
    expect(contentSecurityPolicy("n", { dev: false, tls: false, api: true })).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
  });
  it("HSTS only over TLS", () => {
    expect(securityHeaders("x", false)["strict-transport-security"]).toBeUndefined();
    expect(securityHeaders("x", true)["strict-transport-security"]).toMatch(/max-age=\d+/);
    const h = securityHeaders("x", false);
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBe("same-origin");
    expect(h["permissions-policy"]).toContain("camera=()");
    expect(isTls("https", "http:")).toBe(true);
    expect(isTls(null, "https:")).toBe(true);
    expect(isTls(null, "http:")).toBe(false);
  });
});
