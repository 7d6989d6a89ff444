import type { ScanIdentityFlag } from "@/lib/domain/scan";
import type { SaliencyView } from "@/lib/domain/assessment";

/** What the viewer needs to know about a scan (a subset of the record's scan summary). */
export type ViewerScan = {
  id: string;
  modality: string;
  contentType: string;
  rows: number;
  columns: number;
  frames: number;
  acquisitionDate: string | null;
  bodyPart: string | null;
  transferSyntaxUid: string | null;
  photometricInterpretation: string | null;
  /** its place in the study / series hierarchy (series browser); absent for PNG / JPEG */
  place?: {
    study: string | null;
    series: string | null;
    studyDate: string | null;
    studyDescription: string | null;
    seriesNumber: number | null;
    seriesDescription: string | null;
    instanceNumber: number | null;
  };
  /** the header names another patient or nobody; attached anyway with a reason (shown on the image and its thumbnail) */
  identityFlag?: ScanIdentityFlag | null;
  /** came through DICOMweb: the viewer reads it through WADO-RS (`wadors:` image ids) */
  dicomweb?: { study: string; series: string; sop: string };
};

/** The assessment's saliency maps (GET /api/assessments/{id} `saliency`): the headline outcome's map, its outcome, and one map per outcome. */
export type ViewerSaliency = SaliencyView;

/** What the shell reports about the viewport, for the overlay text, tests and the toolbar. */
export type ViewportState = {
  status: "idle" | "loading" | "ready" | "error";
  error: string | null;
  windowWidth: number | null;
  windowCenter: number | null;
  zoom: number;
  frame: number;
  frames: number;
  invert: boolean;
  color: boolean;
  /** rotation in degrees (0, 90, 180, 270) and flips of the view (tools/view.ts) */
  rotation: number;
  flipHorizontal: boolean;
  flipVertical: boolean;
  /** How Cornerstone draws: "gpu" (WebGL) or "cpu" (2D canvas; chosen on software-only WebGL). */
  renderer: "gpu" | "cpu" | null;
};
