import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import path from "node:path";
import { addYears, deriveLabel, deriveLabels, laterDate } from "./labels";
import { headHorizon, OutcomeEvent } from "@/lib/domain/outcome-record";

const lung = (d: string) => ({ outcome: "lung_cancer", occurredOn: d });
const mace = (d: string) => ({ outcome: "mace", occurredOn: d });

describe("headHorizon", () => {
  it("splits a head into its outcome and horizon", () => {
    expect(headHorizon("lung_cancer_2y")).toEqual({ outcome: "lung_cancer", horizonYears: 2 });
    expect(headHorizon("mace_5y")).toEqual({ outcome: "mace", horizonYears: 5 });
    expect(headHorizon("mace")).toBeNull();
    expect(headHorizon("mace_0y")).toBeNull();
    expect(headHorizon("Mace_5y")).toBeNull();
  });

  it("every head of a bundled model has a recordable outcome key", () => {
    const root = path.join(process.cwd(), "models", "fusion-demo");
    const heads = readdirSync(root)
      .map((v) => path.join(root, v, "inference.json"))
      .filter(existsSync)
      .flatMap((f) => JSON.parse(readFileSync(f, "utf8")).heads as string[]);
    expect(heads.length).toBeGreaterThan(0);
    for (const h of heads) expect(OutcomeEvent.safeParse(headHorizon(h)?.outcome).success, h).toBe(true);
  });
});

describe("deriveLabel", () => {
  const index = "2020-03-15";
  it("positive: an event within the horizon, the horizon's last day included", () => {
    expect(deriveLabel("lung_cancer_2y", index, [lung("2021-01-01")], null)).toBe(1);
    expect(deriveLabel("lung_cancer_2y", index, [lung("2022-03-15")], null)).toBe(1);
  });
  it("an event after the horizon: negative when followed up to the horizon", () => {
    expect(deriveLabel("lung_cancer_2y", index, [lung("2022-03-16")], "2022-03-16")).toBe(0);
  });
  it("negative needs follow-up to the end of the horizon; shorter follow-up is censored", () => {
    expect(deriveLabel("mace_5y", index, [], "2025-03-15")).toBe(0);
    expect(deriveLabel("mace_5y", index, [], "2025-03-14")).toBeNull();
    expect(deriveLabel("mace_5y", index, [], null)).toBeNull();
  });
  it("other outcomes do not count for a head", () => {
    expect(deriveLabel("lung_cancer_2y", index, [mace("2021-01-01")], "2023-01-01")).toBe(0);
    expect(deriveLabel("mace_5y", index, [mace("2021-01-01")], null)).toBe(1);
  });
  it("an event on or before the index date (prevalent) excludes the row from that head", () => {
    expect(deriveLabel("lung_cancer_2y", index, [lung(index)], "2026-01-01")).toBeNull();
    expect(deriveLabel("lung_cancer_2y", index, [lung("2019-01-01"), lung("2021-01-01")], "2026-01-01")).toBeNull();
  });
  it("a head without a horizon gets no label", () => {
    expect(deriveLabel("lung_cancer", index, [lung("2021-01-01")], "2030-01-01")).toBeNull();
  });
  it("labels every head at once", () => {
    expect(deriveLabels(["lung_cancer_2y", "mace_5y"], index, [mace("2024-01-01")], "2023-01-01")).toEqual({ lung_cancer_2y: 0, mace_5y: 1 });
  });
});

describe("dates", () => {
  it("adds years; 29 February becomes 28 February in a common year", () => {
    expect(addYears("2020-02-29", 2)).toBe("2022-02-28");
    expect(addYears("2020-02-29", 4)).toBe("2024-02-29");
    expect(addYears("2021-06-30", 5)).toBe("2026-06-30");
  });
  it("laterDate", () => {
    expect(laterDate(null, null)).toBeNull();
    expect(laterDate("2020-01-01", null)).toBe("2020-01-01");
    expect(laterDate("2020-01-01", "2021-01-01")).toBe("2021-01-01");
  });
});

describe("the demo cohort's seeded outcomes", () => {
  it("derive back to the generator's ground truth at the demo index date", async () => {
    const { demoOutcomeEvents, DEMO_INDEX_DATE } = await import("./seed");
    const { generateCohort } = await import("@/models/fusion/cohort");
    const cohort = generateCohort({ n: 300, seed: 42 });
    let positives = 0;
    for (const p of cohort) {
      const events = demoOutcomeEvents({ mrn: p.patient.mrn, labels: p.labels, followUpUntil: p.asOf });
      for (const e of events) expect(e.occurredOn > DEMO_INDEX_DATE && e.occurredOn <= p.asOf).toBe(true);
      expect(deriveLabels(Object.keys(p.labels), DEMO_INDEX_DATE, events, p.asOf)).toEqual(p.labels);
      positives += events.length;
    }
    expect(positives).toBeGreaterThan(10);
  });
});
