// The export secret kept in the data directory when FUSION_EXPORT_SECRET is unset (issue 10,
// Medium 12): made on first use, 0600, the same across restarts and across processes that start
// at the same moment, never silently replaced.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportKeys } from "./pseudonym";
import { SECRET_FILE_NAME, exportSecret } from "./secret";

let dir: string;
const env = (extra: Record<string, string> = {}) => ({ NODE_ENV: "production", FUSION_DATA_DIR: dir, ...extra }) as NodeJS.ProcessEnv;
const file = () => join(dir, SECRET_FILE_NAME);

beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), "fcds-secret-")), "data"); // the data directory does not exist yet
});
afterEach(() => rmSync(join(dir, ".."), { recursive: true, force: true }));

describe("export secret in the data directory", () => {
  it("production without FUSION_EXPORT_SECRET: made on first use (64 hex digits, mode 0600), then the same on every later use", () => {
    const first = exportSecret(env());
    expect(first).toMatchObject({ source: "file", path: file(), created: true });
    expect(first.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(file(), "utf8").trim()).toBe(first.secret);
    expect(statSync(file()).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    // a restart reads it again (nothing is cached in the process)
    const again = exportSecret(env());
    expect(again).toMatchObject({ secret: first.secret, created: false });
    expect(exportKeys(env()).patientKey.equals(exportKeys(env()).patientKey)).toBe(true);
    expect(readdirSync(dir)).toEqual([SECRET_FILE_NAME]); // no temp file left behind
  });

  it("FUSION_EXPORT_SECRET, when set, wins and no file is made", () => {
    expect(exportSecret(env({ FUSION_EXPORT_SECRET: "e".repeat(40) }))).toMatchObject({ source: "env", secret: "e".repeat(40), path: null });
    expect(() => statSync(file())).toThrow();
  });

  it("eight processes asking at the same moment all get the one secret that won; exactly one made it", async () => {
    // each process loads the module, says "ready", and asks for the secret when told "go": all
    // eight are released together, so their creations overlap (the temp file is fsynced first)
    const code = [
      `import("@/lib/export/secret").then((m) => {`,
      `  process.stdin.once("data", () => {`,
      `    const s = m.exportSecret(process.env);`,
      `    process.stdout.write(JSON.stringify({ secret: s.secret, created: s.created }) + "\\n", () => process.exit(0));`,
      `  });`,
      `  process.stdout.write("ready\\n");`,
      `})`,
    ].join("\n");
    const tsx = join(process.cwd(), "node_modules", ".bin", "tsx");
    const kids = Array.from({ length: 8 }, () => {
      const p = spawn(tsx, ["--eval", code], { env: { ...process.env, ...env() }, stdio: ["pipe", "pipe", "pipe"] });
      let out = "";
      let err = "";
      const ready = new Promise<void>((ok) => p.stdout.on("data", (b) => ((out += b), out.startsWith("ready\n") && ok())));
      p.stderr.on("data", (b) => (err += b));
      const done = new Promise<{ secret: string; created: boolean }>((ok, fail) => p.on("close", (c) => (c === 0 ? ok(JSON.parse(out.slice("ready\n".length))) : fail(new Error(err)))));
      return { p, ready, done };
    });
    await Promise.all(kids.map((k) => k.ready));
    for (const k of kids) k.p.stdin.write("go\n");
    const results = await Promise.all(kids.map((k) => k.done));
    expect(results.filter((r) => r.created).length).toBe(1);
    const secrets = results.map((r) => r.secret);
    expect(new Set(secrets).size).toBe(1);
    expect(secrets[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(file(), "utf8").trim()).toBe(secrets[0]);
    expect(readdirSync(dir)).toEqual([SECRET_FILE_NAME]);
  }, 60_000);

  it("a damaged file is never replaced: 503 naming the file", () => {
    exportSecret(env());
    writeFileSync(file(), "too short\n");
    expect(() => exportSecret(env())).toThrow(expect.objectContaining({ status: 503, code: "export_not_configured", message: expect.stringContaining(file()) }));
    expect(readFileSync(file(), "utf8")).toBe("too short\n");
  });

  it("a file others can read is tightened to 0600", () => {
    const { secret } = exportSecret(env());
    chmodSync(file(), 0o644);
    expect(exportSecret(env()).secret).toBe(secret);
    expect(statSync(file()).mode & 0o777).toBe(0o600);
  });

  it("a data directory where nothing can be written: 503 that says what to do", () => {
    writeFileSync(join(dir, "..", "not-a-dir"), "");
    const e = env({ FUSION_DATA_DIR: join(dir, "..", "not-a-dir", "data") });
    expect(() => exportSecret(e)).toThrow(expect.objectContaining({ status: 503, code: "export_not_configured", message: expect.stringMatching(/FUSION_EXPORT_SECRET/) }));
  });
});
