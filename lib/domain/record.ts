import type { Patient } from "./patient";
import type { Condition } from "./condition";
import type { FamilyHistory } from "./family-history";
import type { DietRecord } from "./diet";

/**
 * A patient's whole record as plain data: what the API returns and what the fusion encoders read
 * (lib/fusion never touches the database).
 */
export type PatientRecord = Patient & {
  conditions: Condition[];
  familyHistory: FamilyHistory[];
  dietRecords: DietRecord[];
};

/** The subset of a record the fusion encoders need; `asOf` is the assessment date (YYYY-MM-DD). */
export type FusionRecordInput = {
  birthDate: string;
  sex: Patient["sex"];
  asOf: string;
  conditions: Pick<Condition, "codeSystem" | "code" | "onsetDate" | "status">[];
  familyHistory: Pick<FamilyHistory, "relationship" | "code" | "ageAtOnset" | "deceased">[];
  dietRecords: Omit<DietRecord, "id" | "patientId" | "createdAt" | "updatedAt" | "note">[];
};

type FusionDiet = FusionRecordInput["dietRecords"][number];

/** The diet fields the encoders read, from any diet record shape (dates already YYYY-MM-DD). */
export function toFusionDiet(d: FusionDiet): FusionDiet {
  return {
    recordedOn: d.recordedOn,
    method: d.method,
    energyKcal: d.energyKcal,
    sodiumMg: d.sodiumMg,
    sugarsG: d.sugarsG,
    saturatedFatG: d.saturatedFatG,
    fibreG: d.fibreG,
    fruitVegServings: d.fruitVegServings,
    redMeatServings: d.redMeatServings,
    alcoholUnits: d.alcoholUnits,
  };
}
