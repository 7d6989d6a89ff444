// The authorization matrix (issue 7): every API route × method × {anonymous, clinician,
// researcher, admin}, generated from lib/auth/route-table.ts and checked against the real handlers
// on a real PostgreSQL database. A route file or exported method without a table entry fails the
// suite, as does a table entry without a route — so a new route cannot ship without a rule.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { HTTP_METHODS, appFileToPath, auditExempt, mfaEnrolmentAllowed, pageTable, routeTable, type Rule } from "@/lib/auth/route-table";
import { roleMay, type Permission } from "@/lib/auth/permissions";
import { createTestDatabase, type TestDatabase } from "../support/pg-database";
import type { Cred, TestUser } from "../support/auth-fixtures";

vi.mock("server-only", () => ({}));

const root = process.cwd();
const APP = join(root, "app");

function walk(dir: string, match: RegExp, out: string[] = []): string[] {
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) walk(p, match, out);
    else if (match.test(d.name)) out.push(relative(root, p));
  }
  return out;
}

const routeFiles = walk(APP, /^route\.(ts|tsx|js|mjs)$/).map((f) => ({ file: f, path: appFileToPath(f, "route") }));
const pageFiles = walk(APP, /^page\.(tsx|ts|jsx|js)$/).map((f) => ({ file: f, path: appFileToPath(f, "page") }));

/** Permissions that guard patient data (identified or de-identified): success must be audited. */
const PATIENT_DATA = new Set<Rule>(["patient:read", "patient:write", "scan:upload", "assessment:run", "export:deidentified"]);

/** "admin-no-mfa": an admin who signed in with the password but has not enrolled MFA yet. */
type Principal = "anonymous" | Role | "admin-no-mfa";
const PRINCIPALS: Principal[] = ["anonymous", "clinician", "researcher", "admin", "admin-no-mfa"];

type Expect = "401" | "403" | "403-mfa" | "allowed";
function expected(rule: Rule, who: Principal, key: string): Expect {
  if (rule === "public") return "allowed";
  // an EHR's JWT, never a session: without one, everybody is unauthenticated
  if (rule === "ehr-jwt") return "401";
  if (who === "anonymous") return "401";
  if (who === "admin-no-mfa") return mfaEnrolmentAllowed.has(key) ? expected(rule, "admin", key) : "403-mfa";
  return roleMay(who, rule as Permission) ? "allowed" : "403";
}

const cases = Object.entries(routeTable).flatMap(([path, methods]) =>
  Object.entries(methods).flatMap(([method, rule]) =>
    PRINCIPALS.map((who) => ({ path, method, rule: rule as Rule, who, expect: expected(rule as Rule, who, `${method} ${path}`) })),
  ),
);

/**
 * "/api/patients/[id]/diet/[entryId]" → a concrete URL and the params object Next would pass.
 * A patient id is a real patient (so reads succeed and must be audited); other ids are random.
 */
function concrete(path: string) {
  const params: Record<string, string | string[]> = {};
  const url = path.replace(/\[(\.\.\.)?([^\]]+)\]/g, (_m, rest, name, offset: number) => {
    if (rest) {
      params[name] = ["x"];
      return "x";
    }
    const before = path.slice(0, offset);
    const v =
      name === "id" && (before.endsWith("/patients/") || before.endsWith("/fhir/R4/Patient/")) ? patientId : name === "operation" ? "$everything" : randomUUID();
    params[name] = v;
    return v;
  });
  return { url, params };
}

let tdb: TestDatabase;
let db: PrismaClient;
const users = {} as Record<Exclude<Principal, "anonymous">, TestUser>;
const modules = new Map<string, Record<string, unknown>>();
const importErrors: string[] = [];
let fx: typeof import("../support/auth-fixtures");
let patientId: string = randomUUID();

/** Reads a response body to its end (streamed answers audit when they finish); gives up on endless streams. */
async function drain(res: Response): Promise<void> {
  if (!res.body) return;
  const reader = res.body.getReader();
  const deadline = Date.now() + 3000;
  try {
    for (;;) {
      const r = await Promise.race([reader.read(), new Promise<null>((ok) => setTimeout(() => ok(null), Math.max(1, deadline - Date.now())))]);
      if (!r || r.done) break;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

beforeAll(async () => {
  tdb = await createTestDatabase("authz_matrix");
  process.env.DATABASE_URL = tdb.url;
  // an export secret of its own, so the export routes do not make one in ./data (lib/export/secret.ts)
  process.env.FUSION_EXPORT_SECRET ??= "matrix-export-secret-xxxxxxxxxxxxxxxxxxx";
  const { prisma } = await import("@/lib/db/client");
  db = await prisma();
  fx = await import("../support/auth-fixtures");
  for (const role of ["clinician", "researcher", "admin"] as Role[]) users[role] = await fx.makeUser(db, role, `matrix.${role}`);
  users["admin-no-mfa"] = await fx.makeUser(db, "admin", "matrix.admin.nomfa", { mfa: false });
  patientId = (
    await db.patient.create({ data: { mrn: "MATRIX-0001", givenName: "Matrix", familyName: "Probe", birthDate: new Date("1970-01-01"), sex: "female" } })
  ).id;
  // a worker has registered its model: re-assessment queues for it (the web tier loads no model)
  const { registerServedModel } = await import("@/lib/db/model-registry");
  const outcomes = [{ head: "h", label: "Matrix outcome", shortLabel: "M", categories: { moderateFrom: 0.1, highFrom: 0.3 } }];
  await registerServedModel(db, { name: "matrix-model", version: "1.0.0", strategy: "joint", heads: ["h"], inputSpec: {}, card: {}, metrics: {}, outcomes }, "test");
  for (const r of routeFiles) {
    try {
      modules.set(r.path, await import(/* @vite-ignore */ join(root, r.file)));
    } catch (e) {
      importErrors.push(`${r.file}: ${(e as Error).message}`);
    }
  }
});

afterAll(async () => {
  await (await import("@/lib/jobs/runtime")).stopJobRuntime();
  const { getDb } = await import("@/lib/db/client");
  await (await getDb()).close();
  await tdb?.drop();
});

describe("route table covers every route", () => {
  it("found the API routes on disk", () => {
    expect(routeFiles.length).toBeGreaterThan(5);
  });

  it("every route module loads", () => {
    expect(importErrors).toEqual([]);
  });

  it("every exported HTTP method of every app/**/route.ts has a rule", () => {
    const missing: string[] = [];
    for (const r of routeFiles) {
      const mod = modules.get(r.path)!;
      if (!mod) continue; // reported by "every route module loads"
      for (const m of HTTP_METHODS) if (typeof mod[m] === "function" && !routeTable[r.path]?.[m]) missing.push(`${m} ${r.path} (${r.file})`);
    }
    expect(missing, "add these to lib/auth/route-table.ts").toEqual([]);
  });

  it("every rule in the table has a route file and an exported method (no stale rules)", () => {
    const stale: string[] = [];
    for (const [path, methods] of Object.entries(routeTable)) {
      const file = routeFiles.find((r) => r.path === path);
      const mod = modules.get(path);
      if (file && !mod) continue; // exists but failed to load: reported above
      for (const m of Object.keys(methods)) if (!mod || typeof mod[m] !== "function") stale.push(`${m} ${path}`);
    }
    expect(stale, "remove or fix these entries in lib/auth/route-table.ts").toEqual([]);
  });

  it("every page has a rule, and every non-public page calls requirePageActor with it", () => {
    const problems: string[] = [];
    for (const p of pageFiles) {
      const rule = pageTable[p.path];
      if (!rule) {
        problems.push(`${p.path} (${p.file}) has no entry in pageTable`);
        continue;
      }
      if (rule === "public") continue;
      const src = readFileSync(join(root, p.file), "utf8");
      if (!src.includes(`requirePageActor("${rule}")`) && !src.includes(`requirePageActor("${rule}", `)) problems.push(`${p.file} must call requirePageActor("${rule}")`);
    }
    for (const path of Object.keys(pageTable)) if (!pageFiles.some((p) => p.path === path)) problems.push(`pageTable entry ${path} has no page`);
    for (const key of Object.keys(auditExempt)) {
      const [m, path] = key.split(" ");
      if (!routeTable[path]?.[m as (typeof HTTP_METHODS)[number]]) problems.push(`auditExempt entry ${key} is not in routeTable`);
    }
    expect(problems).toEqual([]);
  });
});

describe("authorization matrix", () => {
  it.each(cases)("$method $path as $who → $expect", async ({ path, method, who, rule, expect: want }) => {
    const handler = modules.get(path)?.[method] as ((req: Request, ctx: unknown) => Promise<Response>) | undefined;
    expect(handler, `${method} ${path} is not exported`).toBeTypeOf("function");
    const { url, params } = concrete(path);
    let cred: Cred | null = null;
    if (who !== "anonymous") cred = await fx.sessionFor(db, users[who].id); // fresh: logout routes revoke it
    const req = fx.apiRequest(method, url, { cred, body: ["GET", "HEAD", "DELETE"].includes(method) ? undefined : {} });
    const started = new Date(Date.now() - 5);
    const res = await handler!(req, fx.ctx(params));
    const body = res.status >= 400 ? await res.clone().text() : "";
    // errors never carry stack traces, SQL or driver internals
    expect(body).not.toMatch(/\bat .+\.(ts|js|mjs):\d+|node_modules|Prisma|PrismaClient|\bSELECT\b|\bINSERT INTO\b|\bpg_/);
    if (want === "401") expect(res.status, body).toBe(401);
    else if (want === "403" || want === "403-mfa") {
      expect(res.status, body).toBe(403);
      // the JSON error envelope, or an OperationOutcome on the FHIR API (the app's error code in issue.details)
      const err = JSON.parse(body);
      const code = want === "403" ? "forbidden" : "mfa_enrolment_required";
      if (path.startsWith("/fhir/")) {
        expect(err.resourceType).toBe("OperationOutcome");
        expect(err.issue?.[0]?.code).toBe("forbidden");
        expect(err.issue?.[0]?.details?.coding?.[0]?.code).toBe(code);
      } else expect(err.error.code).toBe(code);
    } else {
      expect([401, 403], `${method} ${path} as ${who} was refused: ${res.status} ${body}`).not.toContain(res.status);
      expect(res.status, body).toBeLessThan(500);
      // every successful touch of patient data leaves an audit row by this user
      if (cred && res.ok && PATIENT_DATA.has(rule) && !auditExempt[`${method} ${path}`]) {
        await drain(res);
        const rows = await db.auditEvent.count({ where: { userId: users[who as keyof typeof users].id, occurredAt: { gte: started } } });
        expect(rows, `${method} ${path} answered ${res.status} without writing an AuditEvent`).toBeGreaterThan(0);
      }
    }
  });

  it("matrix size", () => {
    const methods = Object.values(routeTable).reduce((n, m) => n + Object.keys(m).length, 0);
    console.log(`[authz-matrix] ${Object.keys(routeTable).length} routes, ${methods} route×method pairs × ${PRINCIPALS.length} principals = ${cases.length} cases`);
    expect(cases.length).toBe(methods * PRINCIPALS.length);
  });
});
