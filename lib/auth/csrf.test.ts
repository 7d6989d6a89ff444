import { describe, expect, it } from "vitest";
import { verifyCsrfToken, verifyOrigin, isMutating } from "./csrf";
import { readForm } from "@/lib/http/body";

const req = (method: string, headers: Record<string, string> = {}, url = "http://app.test/api/x") => new Request(url, { method, headers });
const code = (f: () => void) => {
  try {
    f();
    return "ok";
  } catch (e) {
    return (e as { code: string }).code;
  }
};
const acode = (p: Promise<void>) => p.then(() => "ok", (e) => (e as { code: string }).code);

describe("CSRF", () => {
  it("only mutations are checked", () => {
    expect(["POST", "PUT", "PATCH", "DELETE"].every(isMutating)).toBe(true);
    expect(isMutating("GET") || isMutating("HEAD") || isMutating("OPTIONS")).toBe(false);
    return expect(acode(verifyCsrfToken(req("GET"), "t"))).resolves.toBe("ok");
  });
  it("origin: same origin passes, other origins and cross-site fetches fail", () => {
    expect(code(() => verifyOrigin(req("POST", { origin: "http://app.test", host: "app.test" })))).toBe("ok");
    expect(code(() => verifyOrigin(req("POST", { origin: "https://evil.test", host: "app.test" })))).toBe("csrf_failed");
    expect(code(() => verifyOrigin(req("POST", { origin: "null" })))).toBe("csrf_failed");
    expect(code(() => verifyOrigin(req("POST", { "sec-fetch-site": "cross-site" })))).toBe("csrf_failed");
    expect(code(() => verifyOrigin(req("POST", { "sec-fetch-site": "same-origin" })))).toBe("ok");
    // behind a TLS-terminating proxy
    expect(
      code(() => verifyOrigin(req("POST", { origin: "https://cds.hospital.org", "x-forwarded-host": "cds.hospital.org", "x-forwarded-proto": "https" }, "http://10.0.0.5:3000/api/x"))),
    ).toBe("ok");
    expect(code(() => verifyOrigin(req("GET", { origin: "https://evil.test" })))).toBe("ok");
  });
  it("token: header (or form field) and cookie must both equal the session's token", async () => {
    const ok = { "x-csrf-token": "abc", cookie: "fcds_csrf=abc; fcds_session=s" };
    expect(await acode(verifyCsrfToken(req("POST", ok), "abc"))).toBe("ok");
    expect(await acode(verifyCsrfToken(req("POST", { cookie: "fcds_csrf=abc" }), "abc"))).toBe("csrf_failed");
    expect(await acode(verifyCsrfToken(req("POST", { "x-csrf-token": "abc" }), "abc"))).toBe("csrf_failed");
    expect(await acode(verifyCsrfToken(req("DELETE", { "x-csrf-token": "abd", cookie: "fcds_csrf=abd" }), "abc"))).toBe("csrf_failed");
    expect(await acode(verifyCsrfToken(req("PATCH", { "x-csrf-token": "abc", cookie: "fcds_csrf=zzz" }), "abc"))).toBe("csrf_failed");
    const form = (body: string) =>
      new Request("http://app.test/api/auth/logout", { method: "POST", headers: { cookie: "fcds_csrf=abc", "content-type": "application/x-www-form-urlencoded" }, body });
    expect(await acode(verifyCsrfToken(form("_csrf=abc"), "abc"))).toBe("ok");
    expect(await acode(verifyCsrfToken(form("_csrf=abd"), "abc"))).toBe("csrf_failed");
    expect(await acode(verifyCsrfToken(form("other=1"), "abc"))).toBe("csrf_failed");
    const r = form("_csrf=abc&x=1");
    await verifyCsrfToken(r, "abc");
    expect((await readForm(r)).toString()).toBe("_csrf=abc&x=1"); // the handler can still read its body
  });
});
