// The embedded database folder is opened by one process at a time (issue 10, High 1), and its files
// are private to the account that runs the app (issue 10, Medium 9). The other openers here are real
// processes (test/support/hold-pglite.ts and the CLIs under tsx); the tests wait for the line a
// process prints, never for a fixed time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { chmodSync, cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openPglite } from "@/lib/db/sql";
import { LOCK_FILE, type LockHolder } from "@/lib/db/data-dir-lock";

const root = fileURLToPath(new URL("../..", import.meta.url));
const tsx = join(root, "node_modules", ".bin", "tsx");
const tmp = mkdtempSync(join(tmpdir(), "fcds-lock-"));
// A new cluster takes PGlite several seconds to create: most tests start from a copy of this one.
const template = join(tmp, "template");
beforeAll(async () => {
  await (await openPglite(template)).close();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
/** A folder for FUSION_DATA_DIR and its embedded database folder: a copy of the template, or absent. */
const fresh = (copy = true) => {
  const base = join(tmp, `d${n++}`);
  const dir = join(base, "pglite");
  if (copy) cpSync(template, dir, { recursive: true });
  return { base, dir };
};

type Proc = { pid: number; stderr: () => string; line(re: RegExp): Promise<string>; send(s: string): void; exited: Promise<number | null> };

function run(args: string[], env: Record<string, string> = {}): Proc {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.DATABASE_URL;
  const child = spawn(tsx, args, { cwd: root, env: childEnv, stdio: ["pipe", "pipe", "pipe"] });
  const lines: string[] = [];
  let err = "";
  let buf = "";
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    buf += d;
    const parts = buf.split("\n");
    buf = parts.pop()!;
    lines.push(...parts);
    wake();
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => (wake(), resolve(code))));
  let done = false;
  void exited.then(() => (done = true));
  return {
    pid: child.pid!,
    stderr: () => err,
    exited,
    send: (s) => child.stdin.write(`${s}\n`),
    async line(re) {
      for (;;) {
        const hit = lines.find((l) => re.test(l));
        if (hit) return hit;
        if (done) throw new Error(`process exited without printing ${re}; stdout:\n${lines.join("\n")}\nstderr:\n${err}`);
        await new Promise<void>((r) => waiters.push(r));
      }
    },
  };
}

/** Another process holding `dir`: resolves once it has the database open (and ROWS rows written). */
async function holder(dir: string, rows = 0) {
  const p = run(["test/support/hold-pglite.ts", dir, String(rows)]);
  const [, pid, count] = (await p.line(/^(ready|refused) /)).match(/^ready (\d+) (\d+)$/) ?? [];
  if (!pid) throw new Error(`the holder could not open ${dir}: ${await p.line(/^refused/)}\n${p.stderr()}`);
  return { ...p, holderPid: Number(pid), count: Number(count), async close() {
    p.send("close");
    await p.line(/^closed$/);
    await p.exited;
  } };
}

const readLock = (dir: string) => JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")) as LockHolder;
const startTimeOf = (pid: number) => {
  const s = readFileSync(`/proc/${pid}/stat`, "utf8");
  return s.slice(s.lastIndexOf(")") + 2).split(" ")[19];
};
const bootId = () => readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
const linux = existsSync("/proc/self/stat");

describe("embedded database: one process at a time", { timeout: 180_000 }, () => {
  it("refuses a second process at once, naming the holder; db:migrate, db:seed and export print that and exit 1", async () => {
    const { base, dir } = fresh();
    const h = await holder(dir, 3);
    try {
      const t0 = performance.now();
      const err = await openPglite(dir).then(
        async (db) => (await db.close(), null),
        (e: Error) => e,
      );
      expect(err?.message).toContain(`PID ${h.holderPid}`);
      expect(performance.now() - t0).toBeLessThan(2000); // at once: before PGlite even starts
      expect(err!.message).toContain("hold-pglite.ts");
      expect(err!.message).toContain(`on host ${hostname()}`);
      expect(err!.message).toMatch(/since \d{4}-\d\d-\d\dT/);
      expect(err!.message).toContain("Stop that process");

      const clis = [
        ["db:migrate", ["scripts/db-migrate.ts"]],
        ["db:seed", ["scripts/db-seed.ts", "--patients", "1", "--scans", "0", "--no-users"]],
        ["export", ["scripts/export.ts", "--out", join(base, "x.csv")]],
      ] as const;
      const runs = clis.map(([, args]) => run([...args], { FUSION_DATA_DIR: base }));
      for (const [i, p] of runs.entries()) {
        const label = clis[i][0];
        expect(await p.exited, `${label} exit code; stderr: ${p.stderr()}`).toBe(1);
        expect(p.stderr()).toContain(`${label}: The embedded database ${dir} is in use by another process: PID ${h.holderPid}`);
        expect(p.stderr()).toContain("hold-pglite.ts");
        expect(p.stderr(), `${label} printed a stack trace`).not.toMatch(/\n\s+at /);
      }
      expect(existsSync(join(base, "x.csv"))).toBe(false);
      // the holder still has its lock and its rows
      expect(readLock(dir).pid).toBe(h.holderPid);
    } finally {
      await h.close();
    }
  });

  it("after kill -9 of the holder, the stale lock is taken over with one log line and the committed rows are there", async () => {
    const { dir } = fresh();
    const h = await holder(dir, 50);
    expect(h.count).toBe(50);
    process.kill(h.holderPid, "SIGKILL");
    await h.exited;
    expect(readLock(dir).pid).toBe(h.holderPid); // the dead process's lock is still on disk

    const next = await holder(dir);
    try {
      expect(next.count).toBe(50);
      const logged = next.stderr().split("\n").filter((l) => l.includes("stale lock"));
      expect(logged).toHaveLength(1);
      expect(logged[0]).toContain(`took over the stale lock on ${dir}`);
      expect(logged[0]).toContain(`was PID ${h.holderPid}`);
      expect(readLock(dir).pid).toBe(next.holderPid);
    } finally {
      await next.close();
    }
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it("two processes taking over one stale lock at the same time: exactly one opens the database", async () => {
    const { dir } = fresh();
    const h = await holder(dir, 1);
    process.kill(h.holderPid, "SIGKILL");
    await h.exited;
    const racers = [run(["test/support/hold-pglite.ts", dir]), run(["test/support/hold-pglite.ts", dir])];
    const first = await Promise.all(racers.map((p) => p.line(/^(ready|refused) /)));
    try {
      expect(first.map((l) => l.split(" ")[0]).sort()).toEqual(["ready", "refused"]);
      const winner = Number(first.find((l) => l.startsWith("ready"))!.split(" ")[1]);
      expect(first.find((l) => l.startsWith("refused"))).toContain(`PID ${winner}`);
      expect(readLock(dir).pid).toBe(winner);
    } finally {
      for (const p of racers) p.send("close");
      await Promise.all(racers.map((p) => p.exited));
    }
  });

  it.runIf(linux)("a live PID that started at another time (a reused PID) does not hold the lock; the real holder does", async () => {
    const { dir } = fresh();
    const other = process.ppid; // alive, and not this process
    const lock = (startTime: string): LockHolder => ({
      pid: other, startTime, bootId: bootId(), host: hostname(), command: "node earlier-server.js", since: "2026-01-01T00:00:00.000Z", dataDir: dir, token: "0123456789abcdef",
    });
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(lock(startTimeOf(other))));
    await expect(openPglite(dir)).rejects.toThrow(`PID ${other} (node earlier-server.js) on host ${hostname()}, since 2026-01-01T00:00:00.000Z`);

    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(lock(String(Number(startTimeOf(other)) + 1))));
    const db = await openPglite(dir);
    expect(readLock(dir).pid).toBe(process.pid);
    await db.close();
  });

  it("a lock from another host is never taken over; an unreadable lock is not either", async () => {
    const { dir } = fresh();
    const foreign: LockHolder = { pid: 1, startTime: "1", bootId: "x", host: "ward-7-server.invalid", command: "next-server", since: "2026-01-01T00:00:00.000Z", dataDir: dir, token: "feedfacefeedface" };
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(foreign));
    await expect(openPglite(dir)).rejects.toThrow(/PID 1 \(next-server\) on host ward-7-server\.invalid[\s\S]*another host/);
    writeFileSync(join(dir, LOCK_FILE), "{ half a lo");
    await expect(openPglite(dir)).rejects.toThrow(/cannot be read/);
    expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe("{ half a lo");
  });

  it("the same process cannot open a folder twice; closing releases the lock", async () => {
    const { dir } = fresh();
    const a = await openPglite(dir);
    try {
      await expect(openPglite(dir)).rejects.toThrow(`The embedded database ${dir} is already open in this process: PID ${process.pid}`);
      expect(readLock(dir).pid).toBe(process.pid);
    } finally {
      await a.close();
    }
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const b = await openPglite(dir);
    await b.query("SELECT 1");
    await b.close();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});

describe("embedded database files are private (0700 folders, 0600 files)", { timeout: 120_000 }, () => {
  const modes = (dir: string) => {
    const out: { path: string; kind: "dir" | "file"; mode: number }[] = [];
    const walk = (p: string) => {
      const s = lstatSync(p);
      if (s.isSymbolicLink()) return;
      out.push({ path: p.slice(dir.length) || "/", kind: s.isDirectory() ? "dir" : "file", mode: s.mode & 0o777 });
      if (s.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
    };
    walk(dir);
    return out;
  };
  const loose = (list: ReturnType<typeof modes>) => list.filter((f) => f.mode !== (f.kind === "dir" ? 0o700 : 0o600)).map((f) => `${f.path} ${f.mode.toString(8)}`);

  it("a new data directory and every file in it, the WAL included, after writes", async () => {
    const { base, dir } = fresh(false);
    const db = await openPglite(dir);
    try {
      await db.exec("CREATE TABLE notes (t text); INSERT INTO notes SELECT 'Zebedee Quasimodo ' || g FROM generate_series(1, 5000) g; CHECKPOINT;");
      await db.exec("INSERT INTO notes VALUES ('after the checkpoint')");
      const list = modes(dir);
      expect(list.filter((f) => f.path.startsWith("/pg_wal/") && f.kind === "file").length).toBeGreaterThan(0);
      expect(list.length).toBeGreaterThan(500);
      expect(loose(list)).toEqual([]);
      expect(lstatSync(base).mode & 0o777).toBe(0o700); // FUSION_DATA_DIR, created for it
    } finally {
      await db.close();
    }
    expect(loose(modes(dir))).toEqual([]);
  });

  it("an existing world-readable data directory is tightened when it is opened", async () => {
    const { dir } = fresh();
    for (const f of modes(dir)) chmodSync(join(dir, f.path), f.kind === "dir" ? 0o755 : 0o644);
    expect(loose(modes(dir)).length).toBeGreaterThan(500);
    const db = await openPglite(dir);
    try {
      expect(loose(modes(dir))).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
