import { describe, expect, it } from "vitest";
import { GET } from "./route";

const ctx = { params: Promise.resolve({}) };
const get = (headers: Record<string, string> = {}) => GET(new Request("http://localhost:3000/api/openapi.json", { headers: { host: "localhost:3000", ...headers } }), ctx);

describe("GET /api/openapi.json", () => {
  it("answers anonymously with the OpenAPI document as JSON", async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json\b/);
    const doc = await res.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.paths["/api/openapi.json"].get.security).toEqual([]);
    expect(doc.paths["/api/patients/{id}"].get["x-required-permission"]).toBe("patient:read");
  });

  it("may be cached briefly, carries an ETag, and answers 304 when the client holds this version", async () => {
    const res = await get();
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    const etag = res.headers.get("etag");
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    const again = await get({ "if-none-match": etag! });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect((await get({ "if-none-match": '"something-else"' })).status).toBe(200);
  });

  it("gets the API security headers of every answer (lib/http/route.ts)", async () => {
    const res = await get();
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
