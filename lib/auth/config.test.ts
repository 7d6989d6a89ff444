import { describe, expect, it } from "vitest";
import { demoUsersMode, isLoopbackHost } from "./config";

const env = (o: Record<string, string>) => ({ NODE_ENV: "production", ...o }) as NodeJS.ProcessEnv;

describe("demo accounts follow where the server listens", () => {
  it("loopback names and addresses", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]", "::ffff:127.0.0.1"]) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ["0.0.0.0", "::", "10.0.0.5", "cds.hospital.org", "127.0.0.1.evil.org", "", undefined]) expect(isLoopbackHost(h)).toBe(false);
  });
  it("on for loopback or FUSION_DEMO_USERS=1, off for the network, an unknown HOSTNAME or FUSION_DEMO_USERS=0", () => {
    expect(demoUsersMode(env({ HOSTNAME: "127.0.0.1" }))).toEqual({ allowed: true, why: "loopback" });
    expect(demoUsersMode(env({ HOSTNAME: "0.0.0.0", FUSION_DEMO_USERS: "1" }))).toEqual({ allowed: true, why: "enabled" });
    expect(demoUsersMode(env({ HOSTNAME: "0.0.0.0" }))).toEqual({ allowed: false, why: "network" });
    expect(demoUsersMode(env({}))).toEqual({ allowed: false, why: "network" });
    expect(demoUsersMode(env({ HOSTNAME: "127.0.0.1", FUSION_DEMO_USERS: "0" }))).toEqual({ allowed: false, why: "disabled" });
    // the development mode is no excuse: what matters is who can reach the server
    expect(demoUsersMode({ NODE_ENV: "development", HOSTNAME: "::" } as NodeJS.ProcessEnv).allowed).toBe(false);
  });
});
