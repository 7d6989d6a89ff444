import { describe, expect, it } from "vitest";
import { SlidingWindowLimiter } from "./rate-limit";

describe("SlidingWindowLimiter", () => {
  it("allows N hits per window per key, then refuses until the window slides", () => {
    const l = new SlidingWindowLimiter(3, 1000);
    expect([l.hit("a", 0), l.hit("a", 10), l.hit("a", 20), l.hit("a", 30)]).toEqual([true, true, true, false]);
    expect(l.hit("b", 30)).toBe(true);
    expect(l.retryAfterSeconds("a", 30)).toBe(1);
    expect(l.hit("a", 1005)).toBe(false); // 10, 20 and the refused hit at 30 are still inside the window
    expect(l.hit("a", 5000)).toBe(true);
    expect(l.isBlocked("a", 5001)).toBe(false);
    l.hit("a", 5002);
    l.hit("a", 5003);
    expect(l.isBlocked("a", 5004)).toBe(true);
  });
  it("bounds its memory", () => {
    const l = new SlidingWindowLimiter(1, 1000, 10);
    for (let i = 0; i < 100; i++) l.hit(`k${i}`, 0);
    expect(l.hit("k0", 1)).toBe(true); // evicted long ago
  });
});
