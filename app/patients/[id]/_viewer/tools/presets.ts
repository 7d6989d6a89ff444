import { setWindow } from "./windowLevel";
import type { ToolContext } from "./types";

export type Preset = { id: string; label: string; width: number; center: number; key?: string };

/**
 * Window presets by modality. CT values are Hounsfield units (same as lib/dicom/window.ts
 * WINDOW_PRESETS). Other modalities have no absolute scale: "File default" uses the window in
 * the DICOM header and "Full range" the image's min–max, which the shell supplies.
 */
const CT: Preset[] = [
  { id: "softTissue", label: "Soft tissue", width: 400, center: 40, key: "1" },
  { id: "lung", label: "Lung", width: 1500, center: -600, key: "2" },
  { id: "bone", label: "Bone", width: 2500, center: 480, key: "3" },
  { id: "brain", label: "Brain", width: 80, center: 40, key: "4" },
];
const MR: Preset[] = [
  { id: "mrT1Brain", label: "T1 brain", width: 600, center: 300, key: "1" },
  { id: "mrT2Brain", label: "T2 brain", width: 1200, center: 600, key: "2" },
];

export function presetsFor(modality: string): Preset[] {
  const m = modality.toUpperCase();
  if (m === "CT") return CT;
  if (m === "MR") return MR;
  return [];
}

export function applyPreset(ctx: Pick<ToolContext, "viewport">, p: Pick<Preset, "width" | "center">): void {
  setWindow(ctx, p.width, p.center);
}
