// The model registry on both engines: the served model is recorded in ModelVersion as the one
// active version of its name, activation is audited once, and the model list reflects it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, type TestEngine } from "../support/engines";
import { activeModel, activeOutcomes, modelOutcomes, registerServedModel, type ModelRegistryEntry } from "@/lib/db/model-registry";
import { listModels } from "@/lib/db/models";
import type { ModelOutcomes } from "@/lib/domain/outcomes";

const outcomes: ModelOutcomes = [
  { head: "lung_cancer_2y", label: "Test outcome A", shortLabel: "A", categories: { moderateFrom: 0.1, highFrom: 0.3 } },
  { head: "mace_5y", label: "Test outcome B", shortLabel: "B", categories: { moderateFrom: 0.2, highFrom: 0.4 } },
];

const entry = (version: string, auroc: number): ModelRegistryEntry => ({
  name: "registry-test",
  version,
  strategy: "joint",
  heads: ["lung_cancer_2y", "mace_5y"],
  inputSpec: { image: { size: 64 } },
  card: { name: "registry-test", version, intendedUse: "tests" },
  metrics: { lung_cancer_2y: { auroc } },
  outcomes,
});

describe.each(engines)("model registry on %s", (_name, open) => {
  let e: TestEngine;
  beforeAll(async () => {
    e = await open();
  });
  afterAll(async () => {
    await e?.drop();
  });
  // ordered by what they activated: two rows written in the same millisecond have no reliable time order
  const activations = async () =>
    (await e.prisma.auditEvent.findMany({ where: { action: "model.activate" } })).sort((a, b) => JSON.stringify(a.details).localeCompare(JSON.stringify(b.details)));

  it("activates a newly served version, deactivates the previous one and audits each change once", async () => {
    expect(await registerServedModel(e.prisma, entry("1.0.0", 0.9), "server")).toEqual({ activated: true });
    expect(await registerServedModel(e.prisma, entry("1.1.0", 0.93), "worker")).toEqual({ activated: true });
    const rows = await e.prisma.modelVersion.findMany({ where: { name: "registry-test" }, orderBy: { version: "asc" } });
    expect(rows.map((r) => [r.version, r.active])).toEqual([["1.0.0", false], ["1.1.0", true]]);
    const audits = await activations();
    expect(audits.map((a) => [a.details, a.source])).toEqual([
      [{ model: "registry-test@1.0.0", strategy: "joint", deactivated: 0 }, "server"],
      [{ model: "registry-test@1.1.0", strategy: "joint", deactivated: 1 }, "worker"],
    ]);
  });

  it("re-registering the active version refreshes its card and metrics without a new audit row", async () => {
    expect(await registerServedModel(e.prisma, entry("1.1.0", 0.94), "server")).toEqual({ activated: false });
    const row = await e.prisma.modelVersion.findUniqueOrThrow({ where: { name_version: { name: "registry-test", version: "1.1.0" } } });
    expect(row.metrics).toEqual({ lung_cancer_2y: { auroc: 0.94 } });
    expect(await activations()).toHaveLength(2);
  });

  it("going back to an older version makes it the active one again", async () => {
    expect(await registerServedModel(e.prisma, entry("1.0.0", 0.9), "server")).toEqual({ activated: true });
    const listed = (await listModels(e.prisma)).filter((m) => m.name === "registry-test");
    expect(listed.map((m) => [m.version, m.active])).toEqual([["1.1.0", false], ["1.0.0", true]]);
  });

  it("records the model's outcomes, and readers get them from the database by version or as the active model's", async () => {
    const byVersion = await modelOutcomes(e.prisma, [{ modelName: "registry-test", modelVersion: "1.1.0" }, { modelName: "registry-test", modelVersion: "9.9.9" }]);
    expect([...byVersion.keys()]).toEqual(["registry-test@1.1.0"]);
    expect([...byVersion.get("registry-test@1.1.0")!.values()]).toEqual(outcomes);
    expect((await activeOutcomes(e.prisma)).get("mace_5y")).toEqual(outcomes[1]);
    const relabelled = outcomes.map((o) => ({ ...o, label: `${o.label} (revised)` }));
    await registerServedModel(e.prisma, { ...entry("1.0.0", 0.9), outcomes: relabelled }, "server");
    expect((await activeOutcomes(e.prisma)).get("lung_cancer_2y")?.label).toBe("Test outcome A (revised)");
  });

  it("refuses to record outcomes that do not match the schema", async () => {
    const bad = [{ ...outcomes[0], categories: { moderateFrom: 0.5, highFrom: 0.2 } }];
    await expect(registerServedModel(e.prisma, { ...entry("2.0.0", 0.9), outcomes: bad }, "server")).rejects.toThrow(/moderateFrom must be below highFrom/);
    expect(await e.prisma.modelVersion.count({ where: { version: "2.0.0" } })).toBe(0);
  });

  it("the web tier queues for the version activated last, across names; re-registering does not change which", async () => {
    expect(await activeModel(e.prisma)).toEqual({ name: "registry-test", version: "1.0.0", strategy: "joint" });
    await registerServedModel(e.prisma, { ...entry("2.0.0", 0.95), name: "other-model", strategy: "late" }, "worker");
    expect(await activeModel(e.prisma)).toEqual({ name: "other-model", version: "2.0.0", strategy: "late" });
    await registerServedModel(e.prisma, entry("1.0.0", 0.91), "server"); // already active: no re-activation
    expect((await activeModel(e.prisma))?.name).toBe("other-model");
    await registerServedModel(e.prisma, entry("1.1.0", 0.93), "server");
    expect(await activeModel(e.prisma)).toEqual({ name: "registry-test", version: "1.1.0", strategy: "joint" });
  });
});
