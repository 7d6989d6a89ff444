import { describe, expect, it } from "vitest";
import { backoffMs } from "./throttle";
import { securityConfig } from "./config";

const env = (o: Record<string, string>) => ({ NODE_ENV: "test", ...o }) as NodeJS.ProcessEnv;

describe("sign-in backoff", () => {
  it("free failures, then 30 s doubling up to 15 min (the defaults)", () => {
    const cfg = securityConfig(env({}));
    expect([0, 1, 4].map((n) => backoffMs(n, cfg))).toEqual([0, 0, 0]);
    expect([5, 6, 7, 8, 9].map((n) => backoffMs(n, cfg) / 1000)).toEqual([30, 60, 120, 240, 480]);
    expect(backoffMs(10, cfg)).toBe(15 * 60_000);
    expect(backoffMs(10_000, cfg)).toBe(15 * 60_000);
  });
  it("follows the environment", () => {
    const cfg = securityConfig(env({ FUSION_LOGIN_FREE_FAILURES: "3", FUSION_LOGIN_BACKOFF_SECONDS: "2", FUSION_LOGIN_BACKOFF_MAX_MINUTES: "1" }));
    expect([2, 3, 4, 7].map((n) => backoffMs(n, cfg) / 1000)).toEqual([0, 2, 4, 32]);
    expect(backoffMs(8, cfg)).toBe(60_000);
    expect(() => securityConfig(env({ FUSION_LOGIN_ADDRESS_LIMIT: "-1" }))).toThrow(/FUSION_LOGIN_ADDRESS_LIMIT/);
  });
});
