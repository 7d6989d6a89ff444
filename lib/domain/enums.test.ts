// Every enum of prisma/schema.prisma has its lib/domain zod enum, derived from the generated
// Prisma enum: same values, same order. A new enum in the schema without a domain counterpart, or
// a domain enum written out by hand again, fails here.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as generated from "@/lib/generated/prisma/enums";
import { prismaEnums } from "./enums";

const schema = readFileSync("prisma/schema.prisma", "utf8");
const declared = [...schema.matchAll(/^enum\s+(\w+)\s*\{([^}]*)\}/gm)].map(([, name, body]) => ({
  name,
  values: body.split("\n").map((l) => l.replace(/\/\/.*$/, "").trim()).filter(Boolean),
}));

describe("lib/domain enums are the Prisma enums", () => {
  it("finds the enums in schema.prisma", () => {
    expect(declared.map((e) => e.name)).toContain("AssessmentStatus");
    expect(declared.length).toBeGreaterThanOrEqual(9);
  });

  it.each(declared)("$name: a domain enum with exactly the schema's values", ({ name, values }) => {
    const domain = prismaEnums[name as keyof typeof prismaEnums];
    expect(domain, `lib/domain/enums.ts has no enum for Prisma enum ${name}: add it to prismaEnums`).toBeDefined();
    expect(domain.options).toEqual(values);
    expect(domain.options).toEqual(Object.values((generated as Record<string, Record<string, string>>)[name]));
  });

  it("the domain enums validate with those values and nothing else", () => {
    expect(prismaEnums.FusionStrategy.safeParse("tabular_only").success).toBe(true);
    expect(prismaEnums.FusionStrategy.safeParse("ensemble").success).toBe(false);
    expect(prismaEnums.Sex.safeParse("F").error?.issues[0].message).toBe("must be one of female, male, other, unknown");
  });
});
