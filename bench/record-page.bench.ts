// npm run bench:record [-- --url http://127.0.0.1:3100 --mrn DEMO-000000 --runs 15]
// Record page: time from navigation start to the first image rendered in the viewer (the
// viewport's data-status turns "ready", i.e. Cornerstone has decoded and drawn the scan), in Debian
// Chromium against a running production server (scripts/e2e-server.mjs, or `next start`) whose
// database has scans for the patient (scripts/dev/seed-workspace.ts). Target: ≤ 1.5 s.
// Each run is a fresh browser context (cold HTTP cache, fresh Cornerstone + codec workers).
import { parseArgs } from "node:util";
import os from "node:os";
import { chromium } from "@playwright/test";
import { summarize, fmt, machine } from "./stats";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: process.env.E2E_BASE_URL ?? "http://127.0.0.1:3100" },
    mrn: { type: "string", default: "DEMO-000000" },
    runs: { type: "string", default: "15" },
    user: { type: "string", default: "dr.demo" },
    password: { type: "string", default: "demo-clinician-2026" },
  },
});
const base = values.url!.replace(/\/$/, "");
const runs = Number(values.runs);

console.log(`bench:record — ${machine()}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const login = async () => {
    const ctx = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const r = await ctx.request.post(`${base}/api/auth/login`, { data: { username: values.user, password: values.password }, headers: { origin: base } });
    if (!r.ok()) throw new Error(`sign-in failed: HTTP ${r.status()} — is the server at ${base} running with the demo accounts?`);
    return ctx;
  };
  const probe = await login();
  const list = await (await probe.request.get(`${base}/api/patients?q=${encodeURIComponent(values.mrn!)}`)).json();
  const patient = (list.items as { id: string; mrn: string }[]).find((p) => p.mrn === values.mrn);
  if (!patient) throw new Error(`patient ${values.mrn} not found`);
  const rec = await (await probe.request.get(`${base}/api/patients/${patient.id}`)).json();
  if (!rec.scans?.length) throw new Error(`${values.mrn} has no scans: seed them (scripts/dev/seed-workspace.ts)`);
  await probe.close();
  console.log(`${base}/patients/${patient.id} (${values.mrn}, ${rec.scans.length} scans), ${runs} cold runs + 1 warm-up\n`);

  const firstImage: number[] = [];
  const stages: Record<string, number[]> = {};
  const previews: number[] = [];
  const domReady: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const ctx = await login();
    const page = await ctx.newPage();
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
    await page.goto(`${base}/patients/${patient.id}`);
    await page.waitForFunction(() => (window as unknown as { __fcdsReady?: number }).__fcdsReady !== undefined, null, { timeout: 30_000 });
    const t = await page.evaluate(() => ({
      marks: Object.fromEntries(performance.getEntriesByType("mark").filter((m) => m.name.startsWith("fcds:")).map((m) => [m.name.slice(5), Math.round(m.startTime)])),
      ready: (window as unknown as { __fcdsReady: number }).__fcdsReady,
      preview: (window as unknown as { __fcdsPreview?: number }).__fcdsPreview ?? NaN,
      dcl: (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).domContentLoadedEventEnd,
    }));
    if (i > 0) {
      firstImage.push(t.ready);
      domReady.push(t.dcl);
    }
    if (i > 0) for (const [k, v] of Object.entries(t.marks)) (stages[k] ??= []).push(v);
    if (i > 0 && Number.isFinite(t.preview)) previews.push(t.preview);
    console.log(`${i === 0 ? "warm-up" : `run ${String(i).padStart(2)}`}: preview ${fmt(t.preview)}, interactive image ${fmt(t.ready)}, DOMContentLoaded ${fmt(t.dcl)}, ${Object.entries(t.marks).map(([k, v]) => `${k} ${v}`).join(", ")}`);
    await ctx.close();
  }
  const s = summarize(firstImage);
  const d = summarize(domReady);
  const pv = summarize(previews);
  console.log(`\nfirst image on screen (preview PNG): median ${fmt(pv.median)}, p95 ${fmt(pv.p95)} (n=${pv.n})`);
  console.log(`interactive viewer image:  median ${fmt(s.median)}, p95 ${fmt(s.p95)}, min ${fmt(s.min)}, max ${fmt(s.max)} (n=${s.n})`);
  console.log(`DOMContentLoaded:     median ${fmt(d.median)}, p95 ${fmt(d.p95)}`);
  for (const [k, v] of Object.entries(stages)) console.log(`${k.padEnd(21)} median ${fmt(summarize(v).median)} after navigation start`);
  console.log(`target ≤ 1500 ms (median) — first image on screen: ${pv.median <= 1500 ? "met" : "NOT met"}; interactive (Cornerstone) image: ${s.median <= 1500 ? "met" : "NOT met"}`);
} finally {
  await browser.close();
}
