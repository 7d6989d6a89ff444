"use client";
import { useState } from "react";
import type { Condition, DietRecord, FamilyHistory } from "@/lib/domain";
import { ConditionsPanel } from "./ConditionsPanel";
import { FamilyHistoryPanel } from "./FamilyHistoryPanel";
import { DietPanel } from "./DietPanel";
import { RerunOffer } from "./RerunOffer";

/** History, family history and diet, with the re-run offer after any saved change. */
export function RecordPanels({ patientId, rerunScanId, conditions, familyHistory, dietRecords }: { patientId: string; rerunScanId: string | null; conditions: Condition[]; familyHistory: FamilyHistory[]; dietRecords: DietRecord[] }) {
  const [changed, setChanged] = useState(false);
  const onChanged = () => setChanged(true);
  return (
    <>
      {changed && <RerunOffer patientId={patientId} scanId={rerunScanId} onClose={() => setChanged(false)} />}
      <div className="grid-2">
        <ConditionsPanel patientId={patientId} conditions={conditions} onChanged={onChanged} />
        <FamilyHistoryPanel patientId={patientId} entries={familyHistory} onChanged={onChanged} />
      </div>
      <DietPanel patientId={patientId} records={dietRecords} onChanged={onChanged} />
    </>
  );
}
