/**
 * The STOW-RS answer (PS3.18 §10.5.3, Store Instances Response Module) in the DICOM JSON model:
 * ReferencedSOPSequence for the instances stored (or already stored), FailedSOPSequence for the
 * others with a Failure Reason code and — since a code alone does not tell a technologist what to
 * fix — the reason in words in Error Comment (0000,0902).
 *
 * HTTP status (PS3.18 Table 10.5.3-1): 200 every instance stored; 202 some stored, some failed;
 * 409 none stored (each failed for its own reason, e.g. an unknown MRN, another patient's study);
 * a request that is not a STOW-RS request at all is a 4xx error before any instance is looked at.
 */
import type { InstanceOutcome } from "./ingest";

/** Failure Reason (0008,1197) codes used here (PS3.4 Annex GG / PS3.18 §10.5.3). */
export const FAILURE = {
  /** processing failure: e.g. no patient with this MRN, another patient's study */
  processingFailure: 0x0110,
  /** SOP Class not supported: an instance without an image (the app stores images) */
  sopClassNotSupported: 0x0122,
  /** out of resources: the server is busy or the image is over the limits */
  outOfResources: 0xa700,
  /** data set does not match: e.g. not the study named in the URL */
  doesNotMatch: 0xa900,
  /** cannot understand: not DICOM, truncated, undecodable */
  cannotUnderstand: 0xc000,
  /** the transfer syntax cannot be read */
  transferSyntaxNotSupported: 0xc122,
} as const;
export type FailureReason = (typeof FAILURE)[keyof typeof FAILURE];

type Json = Record<string, { vr: string; Value?: unknown[] }>;

const ui = (v: string | null) => (v ? { vr: "UI", Value: [v] } : { vr: "UI" });

export type StowSummary = { status: 200 | 202 | 409; body: Json; stored: number; failed: number };

/** The status and body for the outcomes of one request; `retrieveUrl(outcome)` gives each stored instance's URL. */
export function stowResponse(outcomes: InstanceOutcome[], urls: { study: (study: string) => string; instance: (o: Extract<InstanceOutcome, { ok: true }>) => string }, requestedStudy?: string): StowSummary {
  const ok = outcomes.filter((o): o is Extract<InstanceOutcome, { ok: true }> => o.ok);
  const bad = outcomes.filter((o): o is Extract<InstanceOutcome, { ok: false }> => !o.ok);
  const body: Json = {};
  const studies = new Set(ok.map((o) => o.studyInstanceUid));
  const study = requestedStudy ?? (studies.size === 1 ? [...studies][0] : null);
  if (study && ok.length) body["00081190"] = { vr: "UR", Value: [urls.study(study)] };
  if (ok.length)
    body["00081199"] = {
      vr: "SQ",
      Value: ok.map((o) => ({ "00081150": ui(o.sopClassUid), "00081155": ui(o.sopInstanceUid), "00081190": { vr: "UR", Value: [urls.instance(o)] } })),
    };
  if (bad.length)
    body["00081198"] = {
      vr: "SQ",
      Value: bad.map((o) => ({
        "00081150": ui(o.sopClassUid),
        "00081155": ui(o.sopInstanceUid),
        "00081197": { vr: "US", Value: [o.reason] },
        "00000902": { vr: "LO", Value: [`${o.code}: ${o.message}`.slice(0, 1024)] },
      })),
    };
  const status = bad.length === 0 ? 200 : ok.length === 0 ? 409 : 202;
  return { status, body, stored: ok.length, failed: bad.length };
}
