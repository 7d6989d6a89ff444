// npm run bench:record [-- --url http://127.0.0.1:3100 --mrn DEMO-000000 --runs 15 --mode both]
// Record page: time from navigation start to the first image rendered in the viewer (the
// viewport's data-status turns "ready", i.e. Cornerstone has decoded and drawn the scan), in Debian
// Chromium against a running production server (scripts/e2e-server.mjs, or `next start`) whose
// database has scans for the patient (scripts/dev/seed-workspace.ts). Target: ≤ 1.5 s median,
// with a cold and with a warm browser cache (issue 16). How to run it: bench/README.md.
//
// cold: each run is a fresh browser context (empty HTTP cache, no compiled code, fresh Cornerstone
//       + codec workers) — a clinician's first visit.
// warm: one browser profile (a temporary user-data directory: disk HTTP cache and V8's code cache,
//       as a clinician's own browser keeps them) signed in once; its first navigation is discarded
//       (it fills the cache), then every run opens the record in a new tab of the same profile.
// Either mode first opens the page once, discarded, so the server's own caches are warm too.
// Every run prints the 1-minute load average beside it, and each summary the load average over its
// runs: the machine is shared, and a busy machine is slower.
import { parseArgs } from "node:util";
import os from "node:os";
import { mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "@playwright/test";
import { summarize, fmt, machine } from "./stats";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: process.env.E2E_BASE_URL ?? "http://127.0.0.1:3100" },
    mrn: { type: "string", default: "DEMO-000000" },
    runs: { type: "string", default: "15" },
    mode: { type: "string", default: "both" },
    user: { type: "string", default: "dr.demo" },
    password: { type: "string", default: "demo-clinician-2026" },
  },
});
const base = values.url!.replace(/\/$/, "");
const runs = Number(values.runs);
const mode = values.mode!;
if (!["cold", "warm", "both"].includes(mode)) throw new Error(`--mode must be cold, warm or both (got ${mode})`);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer (got ${values.runs})`);
const modes = (mode === "both" ? ["cold", "warm"] : [mode]) as ("cold" | "warm")[];

const CHROMIUM = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
};
const VIEWPORT = { width: 1600, height: 1000 };
const load1 = () => os.loadavg()[0];
const loadNow = () => os.loadavg().map((x) => x.toFixed(2)).join(" / ");

console.log(`bench:record — ${machine()}, load average (1 / 5 / 15 min) ${loadNow()}`);
console.log(`command: npm run bench:record -- --url ${base} --mrn ${values.mrn} --runs ${runs} --mode ${mode}`);

async function signIn(ctx: BrowserContext) {
  const r = await ctx.request.post(`${base}/api/auth/login`, { data: { username: values.user, password: values.password }, headers: { origin: base } });
  if (!r.ok()) throw new Error(`sign-in failed: HTTP ${r.status()} — is the server at ${base} running with the demo accounts?`);
}

type Run = { ready: number; preview: number; dcl: number; marks: Record<string, number>; load: number };

/** Opens the record in `page` and reads the in-page clocks once the viewer has an interactive image. */
async function measure(page: Page, url: string): Promise<Run> {
  // in-page clock: navigation start → the viewport reports a rendered image
  await page.addInitScript(() => {
    const w = window as unknown as { __fcdsReady?: number; __fcdsPreview?: number };
    // the server-made preview PNG: the first pixels of the scan on screen
    document.addEventListener("load", (e) => {
      if (w.__fcdsPreview === undefined && (e.target as Element)?.classList?.contains("viewer-preview")) w.__fcdsPreview = performance.now();
    }, true);
    new MutationObserver(() => {
      const el = document.querySelector('[data-testid="viewport"]');
      if (el && w.__fcdsReady === undefined && el.getAttribute("data-status") === "ready") w.__fcdsReady = performance.now();
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-status"], childList: true });
  });
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __fcdsReady?: number }).__fcdsReady !== undefined, null, { timeout: 30_000 });
  const t = await page.evaluate(() => ({
    marks: Object.fromEntries(performance.getEntriesByType("mark").filter((m) => m.name.startsWith("fcds:")).map((m) => [m.name.slice(5), Math.round(m.startTime)])),
    ready: (window as unknown as { __fcdsReady: number }).__fcdsReady,
    preview: (window as unknown as { __fcdsPreview?: number }).__fcdsPreview ?? NaN,
    dcl: (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).domContentLoadedEventEnd,
  }));
  return { ...t, load: load1() };
}

const line = (label: string, t: Run) =>
  `${label}: preview ${fmt(t.preview)}, interactive image ${fmt(t.ready)}, DOMContentLoaded ${fmt(t.dcl)}, ${Object.entries(t.marks).map(([k, v]) => `${k} ${v}`).join(", ")} [load ${t.load.toFixed(2)}]`;

/** cold: a new context (empty cache) per run. */
async function coldRuns(url: string): Promise<Run[]> {
  const browser = await chromium.launch(CHROMIUM);
  try {
    const out: Run[] = [];
    for (let i = 0; i <= runs; i++) {
      const ctx = await browser.newContext({ viewport: VIEWPORT });
      await signIn(ctx);
      const t = await measure(await ctx.newPage(), url);
      console.log(line(i === 0 ? "cold warm-up (server)" : `cold run ${String(i).padStart(2)}`, t));
      if (i > 0) out.push(t);
      await ctx.close();
    }
    return out;
  } finally {
    await browser.close();
  }
}

/** warm: one persistent profile; the first navigation fills its caches and is discarded; each run a new tab. */
async function warmRuns(url: string): Promise<Run[]> {
  const profile = mkdtempSync(path.join(os.tmpdir(), "fcds-bench-record-"));
  const ctx = await chromium.launchPersistentContext(profile, { ...CHROMIUM, viewport: VIEWPORT });
  try {
    await signIn(ctx);
    for (const p of ctx.pages()) await p.close(); // the blank start tab
    const out: Run[] = [];
    for (let i = 0; i <= runs; i++) {
      const page = await ctx.newPage();
      const t = await measure(page, url);
      console.log(line(i === 0 ? "warm warm-up (fills the cache)" : `warm run ${String(i).padStart(2)}`, t));
      if (i > 0) out.push(t);
      await page.close();
    }
    return out;
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

function report(name: string, r: Run[]) {
  const s = summarize(r.map((x) => x.ready));
  const pv = summarize(r.map((x) => x.preview).filter(Number.isFinite));
  const d = summarize(r.map((x) => x.dcl));
  const l = summarize(r.map((x) => x.load));
  const at = `[load average over the runs: median ${l.median.toFixed(2)}, max ${l.max.toFixed(2)}; now ${loadNow()}]`;
  console.log(`\n${name} browser cache (n=${s.n}):`);
  console.log(`  first image on screen (preview PNG): median ${fmt(pv.median)}, p95 ${fmt(pv.p95)} (n=${pv.n}) ${at}`);
  console.log(`  interactive viewer image:            median ${fmt(s.median)}, p95 ${fmt(s.p95)}, min ${fmt(s.min)}, max ${fmt(s.max)} ${at}`);
  console.log(`  DOMContentLoaded:                    median ${fmt(d.median)}, p95 ${fmt(d.p95)}`);
  const stages: Record<string, number[]> = {};
  for (const x of r) for (const [k, v] of Object.entries(x.marks)) (stages[k] ??= []).push(v);
  for (const [k, v] of Object.entries(stages)) console.log(`  ${k.padEnd(35)} median ${fmt(summarize(v).median)} after navigation start`);
  console.log(`  target ≤ 1500 ms (median) — preview: ${pv.median <= 1500 ? "met" : "NOT met"}; interactive (Cornerstone) image: ${s.median <= 1500 ? "met" : "NOT met"}`);
  return { name, interactive: s, preview: pv, load: l };
}

// the patient and its scans, through the API
const probeBrowser = await chromium.launch(CHROMIUM);
let url: string;
try {
  const probe = await probeBrowser.newContext();
  await signIn(probe);
  const list = await (await probe.request.get(`${base}/api/patients?q=${encodeURIComponent(values.mrn!)}`)).json();
  const patient = (list.items as { id: string; mrn: string }[]).find((p) => p.mrn === values.mrn);
  if (!patient) throw new Error(`patient ${values.mrn} not found`);
  const rec = await (await probe.request.get(`${base}/api/patients/${patient.id}`)).json();
  if (!rec.scans?.length) throw new Error(`${values.mrn} has no scans: seed them (scripts/dev/seed-workspace.ts)`);
  url = `${base}/patients/${patient.id}`;
  console.log(`${url} (${values.mrn}, ${rec.scans.length} scans), ${modes.join(" + ")}: ${runs} runs each + 1 discarded first navigation\n`);
} finally {
  await probeBrowser.close();
}

const results = [];
for (const m of modes) results.push(report(m, m === "cold" ? await coldRuns(url) : await warmRuns(url)));
console.log("\nsummary (interactive viewer image; target ≤ 1500 ms median):");
for (const r of results)
  console.log(`  ${r.name.padEnd(4)} median ${fmt(r.interactive.median)}, p95 ${fmt(r.interactive.p95)} · preview median ${fmt(r.preview.median)}, p95 ${fmt(r.preview.p95)} · load average median ${r.load.median.toFixed(2)} (max ${r.load.max.toFixed(2)})`);
