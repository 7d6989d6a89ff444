/**
 * One process at a time on an embedded (PGlite) data directory.
 *
 * PGlite is PostgreSQL in one process with no shared memory between processes: two processes on one
 * folder each replay and overwrite the other's files, and committed rows vanish without an error.
 * So `openPglite` takes this lock before PGlite touches the folder and releases it when the database
 * is closed or the process exits. A second opener — another process or this one — is refused at once
 * with the holder's PID, command line, host and start.
 *
 * The lock is a file in the data directory (`fusion-cds.lock`, JSON, 0600), created atomically: the
 * holder's JSON goes to a private temp file first, then `link()` puts it in place, which fails if a
 * lock is already there (like O_EXCL, but a reader never sees a half-written lock).
 *
 * A lock left by a process that died (`kill -9`, power loss) is stale and is taken over with one log
 * line: its PID is not running on this host, is a zombie, or runs a different process (the start time
 * in /proc/<pid>/stat differs, so a reused PID is not mistaken for the holder), or the machine was
 * rebooted since (boot id). A lock from another host cannot be checked and is never taken over.
 * Two processes taking over the same stale lock at once cannot both win: the taker first claims
 * `<lock>.takeover-<token of the stale lock>` the same way, and only its winner removes the stale lock.
 */
import { hostname } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";

export const LOCK_FILE = "fusion-cds.lock";

export type LockHolder = {
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks after boot); null where /proc is missing. */
  startTime: string | null;
  bootId: string | null;
  host: string;
  command: string;
  /** ISO time the lock was taken. */
  since: string;
  dataDir: string;
  /** Random, unique per lock: tells this lock from a later one by the same PID. */
  token: string;
};

export class DataDirLockedError extends Error {
  readonly code = "data_dir_locked";
  constructor(
    message: string,
    readonly lockPath: string,
    readonly holder: LockHolder | null,
  ) {
    super(message);
    this.name = "DataDirLockedError";
  }
}

export type DataDirLock = { readonly path: string; readonly holder: LockHolder; release(): void };

const held = new Map<string, DataDirLock>();
let exitHookInstalled = false;

function readProc(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** State and start time of a process from /proc/<pid>/stat; null where it cannot be read. */
function procStat(pid: number): { state: string; startTime: string } | null {
  const s = readProc(`/proc/${pid}/stat`);
  if (!s) return null;
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ")".
  const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
  return f.length > 19 ? { state: f[0], startTime: f[19] } : null;
}

function bootId(): string | null {
  return readProc("/proc/sys/kernel/random/boot_id")?.trim() || null;
}

function commandLine(): string {
  const raw = readProc("/proc/self/cmdline");
  const cmd = raw ? raw.split("\0").filter(Boolean).join(" ") : process.argv.join(" ");
  return cmd.length > 500 ? `${cmd.slice(0, 497)}…` : cmd;
}

function me(dataDir: string): LockHolder {
  return {
    pid: process.pid,
    startTime: procStat(process.pid)?.startTime ?? null,
    bootId: bootId(),
    host: hostname(),
    command: commandLine(),
    since: new Date().toISOString(),
    dataDir,
    token: randomBytes(8).toString("hex"),
  };
}

function readHolder(path: string): LockHolder | "missing" | "unreadable" {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw e;
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    return Number.isInteger(h.pid) && typeof h.token === "string" && typeof h.host === "string" ? h : "unreadable";
  } catch {
    return "unreadable";
  }
}

type Verdict = { live: true; why: "this-process" | "running" | "other-host" } | { live: false; why: string };

/** Is the process that wrote this lock still the one holding it? */
export function judgeHolder(h: LockHolder): Verdict {
  if (h.host !== hostname()) return { live: true, why: "other-host" };
  const boot = bootId();
  if (h.bootId && boot && h.bootId !== boot) return { live: false, why: "the machine was restarted since" };
  const stat = procStat(h.pid);
  if (h.pid === process.pid) {
    if (h.startTime && stat && h.startTime !== stat.startTime) return { live: false, why: `PID ${h.pid} is now this process` };
    return { live: true, why: "this-process" };
  }
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return { live: false, why: `PID ${h.pid} is no longer running` };
    // EPERM: it runs, under another user.
  }
  if (stat?.state === "Z") return { live: false, why: `PID ${h.pid} has exited (zombie)` };
  if (h.startTime && stat && h.startTime !== stat.startTime) return { live: false, why: `PID ${h.pid} now belongs to another process` };
  return { live: true, why: "running" };
}

function lockedMessage(dataDir: string, lockPath: string, h: LockHolder, why: "this-process" | "running" | "other-host"): string {
  const who = `PID ${h.pid} (${h.command}) on host ${h.host}, since ${h.since}`;
  if (why === "this-process")
    return (
      `The embedded database ${dataDir} is already open in this process: ${who}.\n` +
      `Use that open database (lib/db/client.ts getDb()) instead of opening the folder a second time.`
    );
  const tail =
    why === "other-host"
      ? `The lock was taken on another host (${h.host}), so it cannot be checked from here: if no process there uses this folder any more, delete ${lockPath}.`
      : `If PID ${h.pid} is not that program (check: ps -o pid,lstart,args -p ${h.pid}), delete ${lockPath}.`;
  return (
    `The embedded database ${dataDir} is in use by another process: ${who}.\n` +
    `The embedded database (PGlite) can be opened by one process at a time, and a second one would lose data. ` +
    `Stop that process and run this again, or use it: while the server runs, make changes through the dashboard or its API. ` +
    `For several processes at once, use PostgreSQL (DATABASE_URL).\n${tail}`
  );
}

/** Puts `h` at `path` atomically, or reports that something is already there. */
function place(path: string, h: LockHolder): boolean {
  const body = `${JSON.stringify(h, null, 2)}\n`;
  const tmp = `${path}.${h.pid}.${h.token}.tmp`;
  writeFileSync(tmp, body, { flag: "wx", mode: 0o600 });
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "ENOSYS" && code !== "EOPNOTSUPP") throw e;
    // A file system without hard links: plain exclusive create (a reader may see it half-written).
    try {
      writeFileSync(path, body, { flag: "wx", mode: 0o600 });
      return true;
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw e2;
    }
  } finally {
    unlinkSync(tmp);
  }
}

/** Claims `path` for `h`: free → ours; live holder → DataDirLockedError; stale → taken over. */
function claim(dataDir: string, path: string, h: LockHolder, depth: number, log: (line: string) => void): void {
  for (let attempt = 0; attempt < 10; attempt++) {
    if (place(path, h)) return;
    const other = readHolder(path);
    if (other === "missing") continue; // released in between: try again
    if (other === "unreadable")
      throw new DataDirLockedError(
        `The embedded database ${dataDir} is locked by ${path}, which cannot be read. If no process uses this folder, delete that file.`,
        path,
        null,
      );
    const verdict = judgeHolder(other);
    if (verdict.live) throw new DataDirLockedError(lockedMessage(dataDir, path, other, verdict.why), path, other);
    if (depth > 3) throw new DataDirLockedError(`The embedded database ${dataDir} has a chain of interrupted lock take-overs: delete ${path}*`, path, other);
    // Stale. Only the process that wins `<path>.takeover-<stale token>` may remove this very lock.
    const marker = `${path}.takeover-${other.token}`;
    claim(dataDir, marker, h, depth + 1, log);
    try {
      unlinkSync(path);
    } finally {
      unlinkSync(marker);
    }
    if (depth === 0)
      log(`[db] took over the stale lock on ${dataDir}: ${verdict.why} (was PID ${other.pid}, ${other.command}, since ${other.since})`);
  }
  throw new DataDirLockedError(`Could not lock the embedded database ${dataDir}: the lock kept changing hands; try again.`, path, null);
}

/**
 * Locks `dataDir` (which must exist) for this process, or throws DataDirLockedError at once.
 * Release it after the database is closed; it is released on process exit in any case.
 */
export function lockDataDir(dataDir: string, log: (line: string) => void = (l) => console.warn(l)): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  const h = me(dataDir);
  claim(dataDir, path, h, 0, log);
  const lock: DataDirLock = {
    path,
    holder: h,
    release() {
      if (held.get(path) !== lock) return;
      held.delete(path);
      const now = readHolder(path);
      if (typeof now === "object" && now.token === h.token) unlinkSync(path);
    },
  };
  held.set(path, lock);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const l of [...held.values()]) {
        try {
          l.release();
        } catch {
          // the process is ending: nothing left to tell
        }
      }
    });
  }
  return lock;
}

/**
 * For command-line tools: `await createDb(cfg).catch(exitIfDataDirLocked("db:seed"))` prints why the
 * database could not be opened (no stack trace) and exits 1; any other error is rethrown.
 */
export function exitIfDataDirLocked(label: string): (e: unknown) => never {
  return (e) => {
    if (!(e instanceof DataDirLockedError)) throw e;
    console.error(`${label}: ${e.message}`);
    process.exit(1);
  };
}
