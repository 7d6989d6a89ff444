import { describe, expect, it } from "vitest";
import { clientAddressFrom, requestInfo } from "./actor";

const h = (xff?: string, extra: Record<string, string> = {}) => new Headers({ ...(xff ? { "x-forwarded-for": xff } : {}), ...extra });

describe("client address", () => {
  it("takes the entry our own proxy appended, not what the client wrote", () => {
    expect(clientAddressFrom(h("6.6.6.6, 203.0.113.9"), {})).toBe("203.0.113.9");
    expect(clientAddressFrom(h("203.0.113.9"), {})).toBe("203.0.113.9");
    expect(clientAddressFrom(h("6.6.6.6, 203.0.113.9, 10.0.0.2"), { FUSION_TRUSTED_PROXY_HOPS: "2" })).toBe("203.0.113.9");
    expect(clientAddressFrom(h("6.6.6.6", { "x-real-ip": "10.1.1.1" }), { FUSION_TRUSTED_PROXY_HOPS: "0" })).toBe("10.1.1.1");
    expect(clientAddressFrom(h(), {})).toBeNull();
  });
  it("requestInfo carries the source and a bounded user agent", () => {
    const r = requestInfo(new Request("http://x/", { headers: { "user-agent": "u".repeat(2000), "x-forwarded-for": "1.2.3.4" } }), "page");
    expect(r).toMatchObject({ clientAddress: "1.2.3.4", source: "page" });
    expect(r.userAgent).toHaveLength(512);
  });
});
