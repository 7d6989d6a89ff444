// A real PACS for integration tests: Orthanc (Debian packages `orthanc`, `orthanc-dicomweb`) started
// as a plain child process with its own JSON configuration — HTTP on a free loopback port, storage
// and index in a temporary folder, the DICOMweb plugin on — and killed by the test (afterAll).
// Never the system service. scripts/ensure-test-services.sh installs the packages where absent.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ORTHANC_BIN = process.env.ORTHANC_BIN ?? "/usr/sbin/Orthanc";
export const DICOMWEB_PLUGIN = process.env.ORTHANC_DICOMWEB_PLUGIN ?? "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";
export const orthancAvailable = () => existsSync(ORTHANC_BIN) && existsSync(DICOMWEB_PLUGIN);

/** A free TCP port on 127.0.0.1 (asked from the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export type OrthancServer = {
  /** http://127.0.0.1:PORT */
  url: string;
  /** its DICOMweb root: http://127.0.0.1:PORT/dicom-web */
  dicomweb: string;
  port: number;
  dir: string;
  process: ChildProcess;
  /** Orthanc's REST API */
  rest<T = unknown>(path: string, init?: RequestInit): Promise<T>;
  /** Stores Part 10 files (POST /instances); their Orthanc ids */
  upload(files: Uint8Array[]): Promise<string[]>;
  /** SIGKILL (a PACS that crashed); `start()` brings it back with the same storage and port */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: a PACS that accepts connections but never answers */
  pause(): void;
  resume(): void;
  start(): Promise<void>;
  /** stops it and removes its folder */
  stop(): Promise<void>;
  /** the last 20 kB of its output (for failure messages) */
  log(): string;
};

export type OrthancOptions = {
  /** DICOMweb servers Orthanc may push to (DicomWeb.Servers), e.g. the app with a bearer token */
  servers?: Record<string, { Url: string; HttpHeaders?: Record<string, string>; Username?: string; Password?: string }>;
  /** Orthanc's own HTTP basic authentication (RegisteredUsers) */
  users?: Record<string, string>;
};

export async function startOrthanc(opts: OrthancOptions = {}): Promise<OrthancServer> {
  if (!orthancAvailable()) throw new Error(`Orthanc is not installed (${ORTHANC_BIN}, ${DICOMWEB_PLUGIN}): run scripts/ensure-test-services.sh (apt-get install orthanc orthanc-dicomweb)`);
  const dir = mkdtempSync(join(tmpdir(), "fcds-orthanc-"));
  const port = await freePort();
  const dicomPort = await freePort();
  const config = {
    Name: "FCDS-TEST-PACS",
    StorageDirectory: join(dir, "storage"),
    IndexDirectory: join(dir, "index"),
    HttpPort: port,
    DicomPort: dicomPort,
    DicomAet: "FCDSTEST",
    RemoteAccessAllowed: false,
    AuthenticationEnabled: !!opts.users,
    ...(opts.users ? { RegisteredUsers: opts.users } : {}),
    HttpTimeout: 20,
    StableAge: 1,
    Plugins: [DICOMWEB_PLUGIN],
    DicomWeb: { Enable: true, Root: "/dicom-web/", EnableWado: false, Servers: opts.servers ?? {} },
  };
  writeFileSync(join(dir, "orthanc.json"), JSON.stringify(config, null, 2));
  const url = `http://127.0.0.1:${port}`;
  const auth: Record<string, string> = opts.users ? { authorization: `Basic ${Buffer.from(Object.entries(opts.users)[0].join(":")).toString("base64")}` } : {};
  let child!: ChildProcess;
  let log = "";

  async function start() {
    child = spawn(ORTHANC_BIN, [...(process.env.ORTHANC_VERBOSE ? ["--verbose"] : []), join(dir, "orthanc.json")], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.on("data", (d) => (log = (log + d).slice(-20_000)));
    child.stderr!.on("data", (d) => (log = (log + d).slice(-20_000)));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`Orthanc exited (${child.exitCode}):\n${log}`);
      try {
        const r = await fetch(`${url}/system`, { headers: auth, signal: AbortSignal.timeout(1000) });
        if (r.ok) break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error(`Orthanc did not answer on ${url} within 30 s:\n${log}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  const exited = () => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));
  const server: OrthancServer = {
    url,
    dicomweb: `${url}/dicom-web`,
    port,
    dir,
    get process() {
      return child;
    },
    async rest<T>(path: string, init: RequestInit = {}) {
      const r = await fetch(`${url}${path}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } });
      const text = await r.text();
      if (!r.ok) throw new Error(`Orthanc ${init.method ?? "GET"} ${path}: HTTP ${r.status} ${text.slice(0, 500)}`);
      return (text ? JSON.parse(text) : null) as T;
    },
    async upload(files) {
      const ids: string[] = [];
      for (const f of files) ids.push((await server.rest<{ ID: string }>("/instances", { method: "POST", body: Buffer.from(f), headers: { "content-type": "application/dicom" } })).ID);
      return ids;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGCONT");
        child.kill("SIGKILL");
        await exited();
      }
    },
    log: () => log,
    pause: () => void child.kill("SIGSTOP"),
    resume: () => void child.kill("SIGCONT"),
    start,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGCONT");
        child.kill("SIGTERM");
        const t = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited();
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await start();
  return server;
}
