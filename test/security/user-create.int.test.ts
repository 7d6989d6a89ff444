// npm run user:create — the CLI that creates the first admin.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/pg-database";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase("user_create");
});
afterAll(async () => {
  await tdb?.drop();
});

const tsx = join(process.cwd(), "node_modules", ".bin", "tsx");
function cli(args: string[], stdin: string) {
  return spawnSync(tsx, ["scripts/user-create.ts", ...args], {
    input: stdin,
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: tdb.url, FUSION_NEW_USER_PASSWORD: "" },
    timeout: 60_000,
  });
}

describe("user:create", () => {
  it("creates an admin with an argon2id hash, audited as source cli", async () => {
    const r = cli(["--username", "First.Admin", "--display-name", "First Admin", "--role", "admin", "--password-stdin"], "a fine admin passphrase\n");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/created admin first\.admin/);
    const c = new pg.Client({ connectionString: tdb.url });
    await c.connect();
    try {
      const { rows } = await c.query(`SELECT username, role, "passwordHash" FROM "User"`);
      expect(rows).toEqual([{ username: "first.admin", role: "admin", passwordHash: expect.stringMatching(/^\$argon2id\$/) }]);
      const audit = await c.query(`SELECT action, source FROM "AuditEvent"`);
      expect(audit.rows).toEqual([{ action: "user.create", source: "cli" }]);
    } finally {
      await c.end();
    }
  });

  it("refuses a weak password, a taken username and a bad role, creating nothing", () => {
    const weak = cli(["--username", "second", "--role", "admin", "--password-stdin"], "password1234");
    expect(weak.status).toBe(1);
    expect(weak.stderr).toMatch(/commonly used password/);
    const taken = cli(["--username", "first.admin", "--role", "admin", "--password-stdin"], "another fine passphrase");
    expect(taken.status).toBe(1);
    expect(taken.stderr).toMatch(/already taken/);
    const role = cli(["--username", "third", "--role", "root", "--password-stdin"], "another fine passphrase");
    expect(role.status).toBe(2);
    const argv = cli(["--username", "fourth", "--role", "admin", "--password", "on-the-command-line"], "");
    expect(argv.status).not.toBe(0); // passwords are never accepted as arguments
  });
});
