// PATCH /api/auth/preferences through its route handler on a real PostgreSQL database: the
// interface language saved on the user (migration 20261211090000_user_locale), the cookie set,
// the change audited; bad input 400, no CSRF 403, no session 401. Then the saved choice is what
// the session resolves to and what the narrative API speaks (over the cookie and the browser).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { PreferencesResult } from "@/lib/domain/responses";
import { resolveSession } from "@/lib/auth/sessions";
import { requestLocale } from "@/lib/i18n/negotiate";
import { freshPostgres, type TestEngine } from "../support/engines";
import type * as Fixtures from "../support/auth-fixtures";

vi.mock("server-only", () => ({}));

type Handler = (req: Request, ctx: unknown) => Promise<Response>;
let e: TestEngine;
let db: PrismaClient;
let af: typeof Fixtures;
let cred: Fixtures.Cred;
let userId: string;

async function patch(body: unknown, opts: { cred?: Fixtures.Cred | null; headers?: Record<string, string> } = {}) {
  const mod = (await import("@/app/api/auth/preferences/route")) as unknown as Record<string, Handler>;
  const res = await mod.PATCH(af.apiRequest("PATCH", "/api/auth/preferences", { cred: opts.cred === undefined ? cred : opts.cred, body, headers: opts.headers }), af.ctx({}));
  return { status: res.status, cookie: res.headers.get("set-cookie"), body: (await res.json()) as { error?: { code: string } } & Record<string, unknown> };
}

beforeAll(async () => {
  e = await freshPostgres("locale_pref");
  process.env.DATABASE_URL = e.url;
  db = e.prisma;
  af = await import("../support/auth-fixtures");
  userId = (await af.makeUser(db, "clinician", "locale.clinician")).id;
  cred = await af.sessionFor(db, userId);
}, 120_000);

afterAll(async () => {
  const { getDb } = await import("@/lib/db/client");
  await (await getDb()).close();
  await e?.drop();
});

describe("PATCH /api/auth/preferences", () => {
  it("a new user has no saved language: the browser decides", async () => {
    expect((await db.user.findUniqueOrThrow({ where: { id: userId } })).locale).toBeNull();
    const s = await resolveSession(db, cred.token);
    expect(s?.locale).toBeNull();
    expect(requestLocale(new Request("http://x/", { headers: { "accept-language": "ko-KR,ko;q=0.9" } }), s)).toBe("ko");
  });

  it("saves Korean on the user, sets the cookie, audits the change; the session then carries it", async () => {
    const r = await patch({ locale: "ko" });
    expect(r.status).toBe(200);
    expect(PreferencesResult.parse(r.body)).toEqual({ ok: true, locale: "ko" });
    expect(r.cookie).toMatch(/^fcds_locale=ko; Path=\/; Max-Age=31536000; SameSite=Lax/);
    expect((await db.user.findUniqueOrThrow({ where: { id: userId } })).locale).toBe("ko");
    const audit = await db.auditEvent.findFirst({ where: { userId, action: "account.locale_change" }, orderBy: { id: "desc" } });
    expect(audit).toMatchObject({ outcome: "success", entityType: "User", entityId: userId });
    expect(audit?.details).toMatchObject({ from: null, to: "ko" });
    const s = await resolveSession(db, cred.token);
    expect(s?.locale).toBe("ko");
    // the saved choice wins over an English browser and an English cookie
    expect(requestLocale(new Request("http://x/", { headers: { "accept-language": "en-US", cookie: "fcds_locale=en" } }), s)).toBe("ko");
  });

  it("back to English: audited with what it was", async () => {
    expect((await patch({ locale: "en" })).status).toBe(200);
    const audit = await db.auditEvent.findFirst({ where: { userId, action: "account.locale_change" }, orderBy: { id: "desc" } });
    expect(audit?.details).toMatchObject({ from: "ko", to: "en" });
    expect((await db.user.findUniqueOrThrow({ where: { id: userId } })).locale).toBe("en");
  });

  it("null clears the choice: the browser decides again; the cookie is cleared", async () => {
    const r = await patch({ locale: null });
    expect([r.status, r.body.locale]).toEqual([200, null]);
    expect(r.cookie).toMatch(/^fcds_locale=; Path=\/; Max-Age=0/);
    expect((await db.user.findUniqueOrThrow({ where: { id: userId } })).locale).toBeNull();
    expect((await patch({ locale: "en" })).status).toBe(200);
  });

  it("bad input 400 validation_failed and nothing saved: an unknown language, a BCP 47 tag, an extra field, no body", async () => {
    for (const body of [{ locale: "de" }, { locale: "ko-KR" }, { locale: "ko", theme: "dark" }, {}]) {
      const r = await patch(body);
      expect([r.status, r.body.error?.code], JSON.stringify(body)).toEqual([400, "validation_failed"]);
    }
    expect((await db.user.findUniqueOrThrow({ where: { id: userId } })).locale).toBe("en");
  });

  it("the database refuses a language the application does not know (CHECK constraint)", async () => {
    await expect(db.user.update({ where: { id: userId }, data: { locale: "xx" } })).rejects.toThrow();
  });

  it("no session 401; without the CSRF token 403 csrf_failed", async () => {
    expect((await patch({ locale: "ko" }, { cred: null })).status).toBe(401);
    const mod = (await import("@/app/api/auth/preferences/route")) as unknown as Record<string, Handler>;
    const req = new Request("http://localhost:3000/api/auth/preferences", {
      method: "PATCH",
      headers: { host: "localhost:3000", origin: "http://localhost:3000", cookie: cred.cookie, "content-type": "application/json" },
      body: JSON.stringify({ locale: "ko" }),
    });
    const res = await mod.PATCH(req, af.ctx({}));
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("csrf_failed");
    expect((await db.user.findUniqueOrThrow({ where: { id: userId } })).locale).toBe("en");
  });
});
