// Issue 10 M4: the client's own X-Forwarded-For was trusted — 40 failed sign-ins with a rotating
// header were never throttled and the audit stored the forged addresses. Requests arrive here as
// scripts/server.mjs hands them to Next: with the socket's peer address in PEER_HEADER.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { engines, type TestEngine } from "../support/engines";
import { routeHandlersRelease, routeHandlersUse } from "../support/route-db";
import { markPeerHeaderTrusted, PEER_HEADER } from "@/lib/auth/client-address.mjs";

vi.mock("server-only", () => ({}));

// what scripts/server.mjs does in its own process: from then on PEER_HEADER is the socket's address
markPeerHeaderTrusted();

type Handler = (req: Request, ctx: { params: Promise<Record<string, never>> }) => Promise<Response>;
const noParams = { params: Promise.resolve({}) };

function signIn(login: Handler, username: string, password: string, headers: Record<string, string>) {
  return login(
    new Request("http://localhost:3000/api/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json", host: "localhost:3000", ...headers },
      body: JSON.stringify({ username, password }),
    }),
    noParams,
  );
}

describe.each(engines)("client address on %s", (name, make) => {
  let eng: TestEngine;
  let login: Handler;
  // each engine's cases come from their own addresses (the per-address counters are per process)
  const net = name === "postgres" ? 23 : 24;

  beforeAll(async () => {
    eng = await make();
    routeHandlersUse(eng);
    login = (await import("@/app/api/auth/login/route")).POST as Handler;
  });
  afterAll(async () => {
    routeHandlersRelease();
    await eng?.drop();
  });

  it("40 failed sign-ins from one untrusted peer with a rotating forged X-Forwarded-For are throttled, and the audit stores the peer", async () => {
    const { makeUser } = await import("../support/auth-fixtures");
    const victim = await makeUser(eng.prisma, "clinician", `victim.${net}`);
    const peer = `198.51.100.${net}`;
    const codes: number[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await signIn(login, victim.username, `wrong-guess-number-${i}`, { [PEER_HEADER]: peer, "x-forwarded-for": `10.66.${i}.${i + 1}`, "x-real-ip": `10.77.${i}.1` });
      codes.push(res.status);
    }
    expect(codes).toContain(429);
    expect(codes.filter((c) => c === 401).length).toBeLessThan(40);
    const rows = await eng.prisma.auditEvent.findMany({ where: { action: "auth.login", username: victim.username } });
    expect(rows).toHaveLength(40);
    expect([...new Set(rows.map((r) => r.clientAddress))]).toEqual([peer]);
  });

  it("a trusted proxy's X-Forwarded-For is believed: the client is the rightmost address that is not a trusted proxy", async () => {
    const { makeUser } = await import("../support/auth-fixtures");
    const u = await makeUser(eng.prisma, "clinician", `proxied.${net}`);
    // loopback is trusted by default (nginx on the same host)
    const ok = await signIn(login, u.username, u.password, { [PEER_HEADER]: "127.0.0.1", "x-forwarded-for": `6.6.6.6, 203.0.113.${net}` });
    expect(ok.status).toBe(200);
    const row = await eng.prisma.auditEvent.findFirst({ where: { action: "auth.login", username: u.username, outcome: "success" } });
    expect(row?.clientAddress).toBe(`203.0.113.${net}`);
    const s = await eng.prisma.session.findFirstOrThrow({ where: { userId: u.id } });
    expect(s.clientAddress).toBe(`203.0.113.${net}`);
  });
});
