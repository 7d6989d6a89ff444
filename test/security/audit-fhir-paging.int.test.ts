// Issue 10, Low 17: paging the FHIR AuditEvent export duplicated events (4 across 5 pages): every
// page is itself audited (audit.export), which pushed the newest-first offset pages along. Real
// handler, PostgreSQL and the embedded database.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { engines, type TestEngine } from "../support/engines";
import { bindAppDb, unbindAppDb } from "../support/app-engine";
import { apiRequest, ctx, makeUser, sessionFor, type Cred } from "../support/auth-fixtures";
import { audit } from "@/lib/auth/audit";

vi.mock("server-only", () => ({}));

type Handler = (req: Request, ctx: never) => Promise<Response>;
type Bundle = { total: number; entry: { resource: { id: string; recorded: string } }[]; link?: { relation: string; url: string }[] };

describe.each(engines)("FHIR AuditEvent export paging (%s)", (_name, open) => {
  let e: TestEngine;
  let admin: Cred;
  let fhir: Handler;

  beforeAll(async () => {
    e = await open();
    bindAppDb(e);
    admin = await sessionFor(e.prisma, (await makeUser(e.prisma, "admin")).id);
    fhir = (await import("@/app/api/admin/audit/fhir/route")).GET as Handler;
    // 20 events in one transaction: all stamped with the same time (the same millisecond)
    await e.prisma.$transaction(async (tx) => {
      for (let i = 0; i < 20; i++) await audit(tx, { actor: null, username: "burst", action: "test.burst", outcome: "success", details: { i } });
    });
  });

  afterAll(async () => {
    unbindAppDb();
    await e?.drop();
  });

  it("the 20 events share one millisecond", async () => {
    const times = await e.prisma.auditEvent.findMany({ where: { action: "test.burst" }, select: { occurredAt: true } });
    expect(new Set(times.map((t) => t.occurredAt.getTime())).size).toBe(1);
  });

  it("following the next link, 4 events a page, unfiltered (each page is itself audited): every event exactly once", async () => {
    const before = (await e.prisma.auditEvent.findMany({ select: { id: true } })).map((r) => r.id.toString());
    const seen: string[] = [];
    let url: string | undefined = "/api/admin/audit/fhir?pageSize=4";
    let pages = 0;
    while (url && pages < 50) {
      const res = await fhir(apiRequest("GET", url, { cred: admin }), ctx({}) as never);
      expect(res.status).toBe(200);
      const b = (await res.json()) as Bundle;
      expect(b.link?.find((l) => l.relation === "self")).toBeTruthy();
      seen.push(...b.entry.map((x) => x.resource.id));
      url = b.link?.find((l) => l.relation === "next")?.url;
      pages++;
    }
    expect(pages).toBe(5); // 20 events, 4 a page: the exports audited meanwhile are newer than the first page
    expect(seen.length - new Set(seen).size).toBe(0); // no duplicates
    expect(before.filter((id) => !seen.includes(id))).toEqual([]); // none missed
    // newest first by (time, id): within the burst's one millisecond, ids descend
    const burst = seen.map(Number).filter((id) => before.includes(String(id)));
    expect(burst).toEqual([...burst].sort((a, b) => b - a));
  });

  it("numbered pages, which shifted, are refused with a 400 naming page; a forged cursor too", async () => {
    for (const q of ["pageSize=4&page=2", "cursor=bm90LWEtY3Vyc29y"]) {
      const res = await fhir(apiRequest("GET", `/api/admin/audit/fhir?${q}`, { cred: admin }), ctx({}) as never);
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.error.details.issues[0].path).toBe(q.startsWith("page") ? "page" : "cursor");
    }
  });

  it("the JSON search pages the same way with nextCursor", async () => {
    const search = (await import("@/app/api/admin/audit/route")).GET as Handler;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await search(apiRequest("GET", `/api/admin/audit?action=test.burst&pageSize=3${cursor ? `&cursor=${cursor}` : ""}`, { cred: admin }), ctx({}) as never);
      const body = (await res.json()) as { items: { id: string }[]; nextCursor: string | null };
      seen.push(...body.items.map((i) => i.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(20);
    expect(new Set(seen).size).toBe(20);
  });
});
