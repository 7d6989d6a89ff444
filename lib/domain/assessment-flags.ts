/**
 * The assessment pipeline's machine-readable flags (lib/fusion encoders and assess, lib/jobs) in
 * words a clinician reads next to the scores. Flags that only restate the path are folded into
 * the sentence that explains why the image was not used. Unknown flags are shown as they are,
 * never hidden.
 */
import type { AssessmentNotice, ImageCheckView, InputOutsideTraining } from "./assessment";
export type { AssessmentNotice, ImageCheckView };

const RECORD_ALONE = "the scores rest on the medical history, family history and diet alone";

const FIXED: Record<string, Omit<AssessmentNotice, "flag">> = {
  no_image: { severity: "info", text: `No scan was used: ${RECORD_ALONE}.` },
  "image_not_used:not_dicom_no_modality_values": {
    severity: "caution",
    text: `The image is a PNG or JPEG: its pixels are display values, not Hounsfield units, so the model did not read it; ${RECORD_ALONE}.`,
  },
  "image_not_used:colour_image": { severity: "caution", text: `The image is in colour; the model reads greyscale CT only, so it was not used; ${RECORD_ALONE}.` },
  image_not_square_resized: { severity: "info", text: "The image was not square; it was resized to the model's square input, which distorts its proportions." },
  family_history_empty_defaults_used: { severity: "info", text: "No family history is recorded; the model assumed none." },
  diet_missing_defaults_used: { severity: "info", text: "No diet records up to the assessment date; the model used population reference values." },
  smoking_start_unknown: { severity: "info", text: "Smoking is recorded without a start date; smoking duration was counted as zero years." },
  non_icd10_conditions_ignored: { severity: "info", text: "Conditions not coded in ICD-10 were ignored by the model." },
  no_image_baseline_image_used: { severity: "caution", text: "No scan: the model used an average training image in its place." },
};

/** Flags that only say which path ran; the reason is told by another flag. */
const SILENT = new Set(["no_image_tabular_path", "image_not_used_tabular_path", "image_not_ct"]);

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1));

export function describeAssessmentFlags(flags: readonly string[], imageCheck: ImageCheckView | null = null, outsideTraining: readonly Pick<InputOutsideTraining, "text">[] = []): AssessmentNotice[] {
  const out: AssessmentNotice[] = [];
  for (const flag of new Set(flags)) {
    if (SILENT.has(flag)) continue;
    if (flag === "input_outside_training_range") {
      const which = outsideTraining.length ? ` ${outsideTraining.map((i) => i.text).join(" ")}` : "";
      out.push({ flag, severity: "caution", text: `Part of this record lies outside what the model saw in training, so these scores are not reliable for this patient.${which}` });
      continue;
    }
    if (flag === "image_out_of_distribution") {
      const how = imageCheck ? ` (distance ${fmt(imageCheck.distance)} from the training images; the limit is ${fmt(imageCheck.threshold)})` : "";
      out.push({
        flag,
        severity: "caution",
        text: `The image does not resemble the images this model was trained on${how}, so it was not used; ${RECORD_ALONE}.`,
      });
      continue;
    }
    const notInTraining = /^image_not_used:(.+)_not_in_training_data$/.exec(flag);
    if (notInTraining) {
      out.push({ flag, severity: "caution", text: `The model was trained on CT only; this ${notInTraining[1]} image was not used, and ${RECORD_ALONE}.` });
      continue;
    }
    const fixed = FIXED[flag];
    out.push(fixed ? { flag, ...fixed } : { flag, severity: "info", text: `Pipeline note: ${flag.replace(/_/g, " ")}.` });
  }
  return out.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "caution" ? -1 : 1));
}
