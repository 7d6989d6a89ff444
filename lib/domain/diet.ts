import { z } from "zod";
import { atLeastOneField, isoDate, notInFuture, text } from "./common";

import { DietMethod } from "./enums";
import { id, timestamp } from "./scalars";
export { DietMethod, dietMethodValues } from "./enums";

/** Daily intakes, with units and a plausible upper bound (beyond it the entry is almost surely a typo). */
export const dietIntakes = {
  energyKcal: { unit: "kcal/day", max: 10000, label: "Energy" },
  sodiumMg: { unit: "mg/day", max: 20000, label: "Sodium" },
  sugarsG: { unit: "g/day", max: 1000, label: "Sugars" },
  saturatedFatG: { unit: "g/day", max: 500, label: "Saturated fat" },
  fibreG: { unit: "g/day", max: 200, label: "Fibre" },
  fruitVegServings: { unit: "servings/day", max: 40, label: "Fruit & vegetables" },
  redMeatServings: { unit: "servings/day", max: 20, label: "Red/processed meat" },
  alcoholUnits: { unit: "units/day", max: 60, label: "Alcohol" },
} as const;
export type DietIntakeKey = keyof typeof dietIntakes;

const intake = (max: number, unit: string) =>
  z.number({ message: "must be a number" }).finite("must be a finite number").min(0, "cannot be negative").max(max, `must be ${max} ${unit} or less`);

export const DietRecordCreate = z.strictObject({
  recordedOn: isoDate.refine(notInFuture, "cannot be in the future"),
  method: DietMethod,
  energyKcal: intake(dietIntakes.energyKcal.max, dietIntakes.energyKcal.unit),
  sodiumMg: intake(dietIntakes.sodiumMg.max, dietIntakes.sodiumMg.unit),
  sugarsG: intake(dietIntakes.sugarsG.max, dietIntakes.sugarsG.unit),
  saturatedFatG: intake(dietIntakes.saturatedFatG.max, dietIntakes.saturatedFatG.unit),
  fibreG: intake(dietIntakes.fibreG.max, dietIntakes.fibreG.unit),
  fruitVegServings: intake(dietIntakes.fruitVegServings.max, dietIntakes.fruitVegServings.unit),
  redMeatServings: intake(dietIntakes.redMeatServings.max, dietIntakes.redMeatServings.unit),
  alcoholUnits: intake(dietIntakes.alcoholUnits.max, dietIntakes.alcoholUnits.unit),
  note: text().trim().max(2000, "must be 2000 characters or fewer").nullable().optional(),
});
export type DietRecordCreate = z.infer<typeof DietRecordCreate>;

/** Any subset of a diet record's fields (no defaults to leak into a patch). */
export const DietRecordUpdate = DietRecordCreate.partial().refine(...atLeastOneField);
export type DietRecordUpdate = z.infer<typeof DietRecordUpdate>;

/** A diet record as stored and answered. */
export const DietRecord = DietRecordCreate.extend({ id, patientId: id, note: z.string().nullable(), createdAt: timestamp, updatedAt: timestamp });
export type DietRecord = z.infer<typeof DietRecord>;
