import { describe, expect, it } from "vitest";
import { clearedSessionCookies, isSecureRequest, sessionCookies } from "./cookies";
import { safeNextPath } from "./http";
import { readSessionCookie } from "./session-token";

describe("session cookies", () => {
  it("session cookie is httpOnly, SameSite, Path=/, Secure only on TLS", () => {
    const [s, c] = sessionCookies("tok", "csrf", 3600, false);
    expect(s).toMatch(/^fcds_session=tok; /);
    expect(s).toContain("HttpOnly");
    expect(s).toContain("SameSite=Lax");
    expect(s).toContain("Path=/");
    expect(s).toContain("Max-Age=3600");
    expect(s).not.toContain("Secure");
    expect(c).toMatch(/^fcds_csrf=csrf; /);
    expect(c).not.toContain("HttpOnly");
    const tls = sessionCookies("t", "c", 1, true);
    expect(tls.every((x) => x.includes("; Secure"))).toBe(true);
    expect(tls[0]).toMatch(/^__Host-fcds_session=t; Path=\/; /); // __Host-: Secure, Path=/, no Domain
    expect(tls.join()).not.toContain("Domain=");
    expect(clearedSessionCookies(true).map((x) => x.split("=")[0])).toEqual(["fcds_session", "__Host-fcds_session", "fcds_csrf"]);
    expect(readSessionCookie("a=1; __Host-fcds_session=sec; fcds_session=plain")).toBe("sec");
    expect(readSessionCookie("fcds_session=plain")).toBe("plain");
    expect(readSessionCookie("other=1")).toBeNull();
    expect(clearedSessionCookies(false).every((x) => x.includes("Max-Age=0"))).toBe(true);
  });
  it("detects TLS from the URL or X-Forwarded-Proto", () => {
    expect(isSecureRequest(new Request("https://a.test/"))).toBe(true);
    expect(isSecureRequest(new Request("http://a.test/"))).toBe(false);
    expect(isSecureRequest(new Request("http://a.test/", { headers: { "x-forwarded-proto": "https" } }))).toBe(true);
    expect(isSecureRequest(new Request("https://a.test/", { headers: { "x-forwarded-proto": "http" } }))).toBe(false);
  });
});

describe("safeNextPath (open redirect)", () => {
  it("keeps local paths, refuses everything else", () => {
    expect(safeNextPath("/patients?q=a")).toBe("/patients?q=a");
    for (const bad of ["//evil.test", "https://evil.test", "/\\evil.test", "javascript:alert(1)", "", "/login", "/api/patients", undefined, 42])
      expect(safeNextPath(bad)).toBe("/");
  });
});
