import type { Page } from "@playwright/test";

/**
 * Collects Content-Security-Policy violations a page reports (console + securitypolicyviolation
 * events). Call before navigating; assert `expect(violations()).toEqual([])` at the end of a test —
 * e.g. after the DICOM viewer has rendered, to prove its workers and WebAssembly run under our CSP.
 */
export function watchCspViolations(page: Page): () => string[] {
  const found: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to (execute|load|compile|create|connect|apply)/i.test(m.text())) found.push(m.text());
  });
  void page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`Content Security Policy violation: ${e.violatedDirective} blocked ${e.blockedURI || "(inline)"}`);
    });
  });
  return () => [...found];
}
