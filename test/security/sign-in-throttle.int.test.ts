// Issue 10 M5: lockout let an outsider lock real users out (5 anonymous wrong guesses → 15 min
// lock), and one blocked address blocked everyone behind it. Now: throttling per (account,
// address) with growing delays, a per-address limit high enough for a whole NAT, all state in the
// database so several web processes agree. Through the real route handler, on both engines.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { engines, type TestEngine } from "../support/engines";
import { routeHandlersRelease, routeHandlersUse } from "../support/route-db";
import { markPeerHeaderTrusted, PEER_HEADER } from "@/lib/auth/client-address.mjs";

vi.mock("server-only", () => ({}));
markPeerHeaderTrusted();

type Handler = (req: Request, ctx: { params: Promise<Record<string, never>> }) => Promise<Response>;
const noParams = { params: Promise.resolve({}) };

describe.each(engines)("sign-in throttling on %s", (name, make) => {
  let eng: TestEngine;
  let login: Handler;
  let fx: typeof import("../support/auth-fixtures");
  const net = name === "postgres" ? 31 : 32;
  let seq = 0;
  const addr = () => `192.0.${net}.${++seq}`;
  const attempt = (username: string, password: string, address: string) =>
    login(
      new Request("http://localhost:3000/api/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json", host: "localhost:3000", [PEER_HEADER]: address },
        body: JSON.stringify({ username, password }),
      }),
      noParams,
    );
  /** "Time passes" for a throttle row: its failures happened `ms` earlier. */
  const age = async (ms: number) => {
    await eng.prisma.$executeRawUnsafe(
      `UPDATE "LoginThrottle" SET "lastFailureAt" = "lastFailureAt" - $1::int * interval '1 millisecond', "windowStart" = "windowStart" - $1::int * interval '1 millisecond'`,
      ms,
    );
  };

  beforeAll(async () => {
    eng = await make();
    routeHandlersUse(eng);
    login = (await import("@/app/api/auth/login/route")).POST as Handler;
    fx = await import("../support/auth-fixtures");
  });
  afterAll(async () => {
    routeHandlersRelease();
    await eng?.drop();
  });

  it("an outsider's wrong guesses do not lock the real user out: the right password from another address works at once", async () => {
    const u = await fx.makeUser(eng.prisma, "clinician", `dos.${net}`);
    const outsider = addr();
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) codes.push((await attempt(u.username, `outsider-guess-${i}`, outsider)).status);
    const real = await attempt(u.username, u.password, addr());
    expect(real.status).toBe(200);
    // while the outsider's own address waits
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes.slice(5).every((c) => c === 429)).toBe(true);
  });

  it("(account, address): after 5 failures each further try waits, the wait doubles up to a cap; a success resets the pair", async () => {
    const u = await fx.makeUser(eng.prisma, "clinician", `backoff.${net}`);
    const a = addr();
    for (let i = 0; i < 5; i++) expect((await attempt(u.username, `wrong-${i}`, a)).status).toBe(401);
    const held = await attempt(u.username, u.password, a); // even the right password waits its turn
    expect(held.status).toBe(429);
    expect((await held.json()).error.code).toBe("rate_limited");
    const first = Number(held.headers.get("retry-after"));
    expect(first).toBeGreaterThan(20);
    expect(first).toBeLessThanOrEqual(30);
    await age(31_000);
    expect((await attempt(u.username, "wrong-6", a)).status).toBe(401);
    const second = Number((await attempt(u.username, "wrong-7", a)).headers.get("retry-after"));
    expect(second).toBeGreaterThan(50);
    expect(second).toBeLessThanOrEqual(60);
    // many more failures, spaced by their waits: the wait stops growing at 15 minutes
    for (let i = 0; i < 8; i++) {
      await age(16 * 60_000);
      await attempt(u.username, `wrong-more-${i}`, a);
    }
    const capped = Number((await attempt(u.username, "wrong-again", a)).headers.get("retry-after"));
    expect(capped).toBeGreaterThan(14 * 60);
    expect(capped).toBeLessThanOrEqual(15 * 60);
    await age(16 * 60_000);
    expect((await attempt(u.username, u.password, a)).status).toBe(200);
    // reset: five fresh failures are allowed again before any wait
    for (let i = 0; i < 5; i++) expect((await attempt(u.username, `after-reset-${i}`, a)).status).toBe(401);
    expect((await attempt(u.username, "one-too-many", a)).status).toBe(429);
  });

  it("throttled attempts are audited as denied, with the reason and scope", async () => {
    const u = await fx.makeUser(eng.prisma, "clinician", `audited.${net}`);
    const a = addr();
    for (let i = 0; i < 6; i++) await attempt(u.username, `wrong-${i}`, a);
    const row = await eng.prisma.auditEvent.findFirst({ where: { action: "auth.login", username: u.username }, orderBy: { id: "desc" } });
    expect(row).toMatchObject({ outcome: "denied", clientAddress: a, details: expect.objectContaining({ reason: "throttled", scope: "account_address" }) });
  });

  it("unknown usernames are throttled exactly like real ones (no enumeration)", async () => {
    const a = addr();
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await attempt(`nobody.${net}`, `guess-${i}`, a)).status);
    expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it("parallel guesses cannot slip past: of 12 at once, at most 5 passwords are checked", async () => {
    const u = await fx.makeUser(eng.prisma, "clinician", `parallel.${net}`);
    const a = addr();
    const codes = await Promise.all(Array.from({ length: 12 }, (_, i) => attempt(u.username, `parallel-${i}`, a).then((r) => r.status)));
    expect(codes.filter((c) => c === 401).length).toBe(5);
    expect(codes.filter((c) => c === 429).length).toBe(7);
  });

  it("a busy NAT address is not blocked by a few dozen failures; past its own limit, users who signed in from it before still can", async () => {
    const nat = addr();
    const regular = await fx.makeUser(eng.prisma, "clinician", `regular.${net}`);
    expect((await attempt(regular.username, regular.password, nat)).status).toBe(200);
    // 40 failures spread over 40 accounts from one address (a ward behind one NAT address)
    for (let i = 0; i < 40; i++) expect((await attempt(`ward.${net}.${i}`, "forgot-it-again", nat)).status).toBe(401);
    const newcomer = await fx.makeUser(eng.prisma, "clinician", `newcomer.${net}`);
    expect((await attempt(newcomer.username, newcomer.password, nat)).status).toBe(200);
    // a guesser behind the same address pushes it past the per-address limit (100 per 15 min)
    for (let i = 0; i < 70; i++) await attempt(`spray.${net}.${i}`, "Summer2026!", nat);
    const stranger = await fx.makeUser(eng.prisma, "clinician", `stranger.${net}`);
    const blocked = await attempt(stranger.username, stranger.password, nat);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await attempt(regular.username, regular.password, nat)).status).toBe(200);
    // the address limit is about that address only
    expect((await attempt(stranger.username, stranger.password, addr())).status).toBe(200);
  });

  it("the state lives in the database: another web process (no memory of this one) sees the same throttle", async () => {
    const u = await fx.makeUser(eng.prisma, "clinician", `shared.${net}`);
    const a = addr();
    for (let i = 0; i < 5; i++) await attempt(u.username, `wrong-${i}`, a);
    // a second process: fresh modules and no in-memory limiter
    for (const k of Object.keys(globalThis)) if (k.startsWith("__fcds")) delete (globalThis as Record<string, unknown>)[k];
    vi.resetModules();
    routeHandlersUse(eng);
    const other = (await import("@/app/api/auth/login/route")).POST as Handler;
    const res = await other(
      new Request("http://localhost:3000/api/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json", host: "localhost:3000", [PEER_HEADER]: a },
        body: JSON.stringify({ username: u.username, password: "wrong-6" }),
      }),
      noParams,
    );
    expect(res.status).toBe(429);
  });
});
