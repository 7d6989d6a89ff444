import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { clientAddressFrom } from "./actor";

vi.mock("server-only", () => ({}));
const { pageViewRequest, PAGE_USER_AGENT_MAX } = await import("./page-view");

const root = process.cwd();
function walk(dir: string, out: string[] = []): string[] {
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) walk(p, out);
    else if (/\.(ts|tsx|js|jsx|mjs)$/.test(d.name)) out.push(p);
  }
  return out;
}
const appFiles = walk(join(root, "app")).map((f) => ({ file: relative(root, f), src: readFileSync(f, "utf8") }));

describe("page views are audited through one helper", () => {
  it("no file in app/ reads X-Forwarded-For itself (lib/auth/actor.ts decides the client address)", () => {
    expect(appFiles.filter((f) => /x-forwarded-for/i.test(f.src)).map((f) => f.file)).toEqual([]);
  });

  it("no page writes its own audit row: pages call recordPageView (lib/auth/page-view.ts)", () => {
    const pages = appFiles.filter((f) => /\/page\.(tsx|ts|jsx|js)$/.test(f.file));
    expect(pages.length).toBeGreaterThan(3);
    expect(pages.filter((f) => /from "@\/lib\/auth\/audit"/.test(f.src)).map((f) => f.file)).toEqual([]);
  });

  it("the request facts: the client address from clientAddressFrom, never the raw header; a bounded user agent", () => {
    const h = new Headers({ "x-forwarded-for": "6.6.6.6, 203.0.113.9", "user-agent": "u".repeat(10_000) });
    const r = pageViewRequest(h);
    expect(r.clientAddress).toBe(clientAddressFrom(h));
    expect(r.clientAddress ?? "").not.toContain("6.6.6.6");
    expect(r.userAgent).toHaveLength(PAGE_USER_AGENT_MAX);
    expect(r.source).toBe("page");
    expect(pageViewRequest(new Headers())).toEqual({ clientAddress: null, userAgent: null, source: "page" });
  });
});
