// Reading tools that draw (issue 16): @cornerstonejs/tools Length, Angle, EllipticalROI,
// RectangleROI and Probe. This module maps a finished Cornerstone annotation to the measurement the
// API stores (lib/domain/measurement.ts) and back: a saved measurement is re-added to the
// annotation state, locked, so the next clinician sees it drawn where it was drawn.
import { metaData, type Types } from "@cornerstonejs/core";
import { AngleTool, EllipticalROITool, LengthTool, ProbeTool, RectangleROITool, annotation as annotationApi, type Types as ToolTypes } from "@cornerstonejs/tools";
import type { MeasurementCreate, MeasurementToolType, MeasurementView } from "@/lib/domain/measurement";
import type { MouseTool } from "./types";

export type MeasureToolId = MeasurementToolType;

/** Left-mouse tools that draw a measurement (the toolbar's radio group, after window/level, pan, zoom). */
export const MEASURE_TOOLS: (MouseTool & { id: MeasureToolId })[] = [
  { id: "length", label: "Length", shortcut: "L", toolName: LengthTool.toolName },
  { id: "angle", label: "Angle", shortcut: "A", toolName: AngleTool.toolName },
  { id: "ellipticalRoi", label: "Ellipse ROI", shortcut: "E", toolName: EllipticalROITool.toolName },
  { id: "rectangleRoi", label: "Rectangle ROI", shortcut: "B", toolName: RectangleROITool.toolName },
  { id: "probe", label: "Probe", shortcut: "V", toolName: ProbeTool.toolName },
];
export const MEASURE_TOOL_CLASSES = [LengthTool, AngleTool, EllipticalROITool, RectangleROITool, ProbeTool];

const byToolName = new Map(MEASURE_TOOLS.map((t) => [t.toolName, t.id]));
const toolNameOf = new Map(MEASURE_TOOLS.map((t) => [t.id, t.toolName]));
export const isMeasureTool = (id: string): id is MeasureToolId => toolNameOf.has(id as MeasureToolId);

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const p3 = (p: ArrayLike<number>): [number, number, number] => [Number(p[0]), Number(p[1]), Number(p[2])];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The stats Cornerstone computed for the annotation on its image (cachedStats["imageId:…"]). */
function statsOf(a: ToolTypes.Annotation): Record<string, unknown> | null {
  const cached = (a.data as { cachedStats?: Record<string, Record<string, unknown>> }).cachedStats ?? {};
  const key = Object.keys(cached).find((k) => k.startsWith("imageId:")) ?? Object.keys(cached)[0];
  return key ? cached[key] : null;
}

function statsReady(tool: MeasureToolId, s: Record<string, unknown> | null): boolean {
  if (!s) return false;
  switch (tool) {
    case "length": return num(s.length) !== null;
    case "angle": return num(s.angle) !== null;
    case "probe": return num(s.value) !== null;
    default: return num(s.mean) !== null && num(s.area) !== null;
  }
}

/**
 * Waits until the tool has computed the finished annotation's stats (the ROI tools compute them
 * throttled, after the last drag event) and returns what the API stores; null when the annotation
 * is not one of ours or has no usable value (e.g. an ROI dragged off the image).
 */
export async function measurementFromAnnotation(a: ToolTypes.Annotation, imageIds: string[]): Promise<MeasurementCreate | null> {
  const md = a.metadata;
  const tool = md ? byToolName.get(md.toolName) : undefined;
  const imageId = md?.referencedImageId;
  if (!md || !tool || !imageId) return null;
  const frameIndex = imageIds.indexOf(imageId);
  if (frameIndex < 0) return null;
  for (let i = 0; i < 20 && (a.invalidated || !statsReady(tool, statsOf(a))); i++) await sleep(100);
  const s = statsOf(a);
  if (!statsReady(tool, s)) return null;
  const points = (a.data.handles?.points ?? []).map(p3);
  const geometry = {
    points,
    ...(md.viewPlaneNormal ? { viewPlaneNormal: p3(md.viewPlaneNormal) } : {}),
    ...(md.viewUp ? { viewUp: p3(md.viewUp) } : {}),
  };
  const sop = (metaData.get("sopCommonModule", imageId) as { sopInstanceUID?: string } | undefined)?.sopInstanceUID?.trim();
  const common = { frameIndex, sopInstanceUid: sop && /^[0-9.]{1,64}$/.test(sop) ? sop : null };
  const unit = (u: unknown, fallback: string) => (typeof u === "string" && u.trim() ? u.trim().slice(0, 32) : fallback);
  const st = s!;
  switch (tool) {
    case "length": return { toolType: tool, ...common, geometry, stats: { length: num(st.length)!, unit: unit(st.unit, "px") } };
    case "angle": return { toolType: tool, ...common, geometry, stats: { angle: num(st.angle)!, unit: "deg" } };
    case "probe": return { toolType: tool, ...common, geometry, stats: { value: num(st.value)!, unit: unit(st.modalityUnit, "raw") } };
    default:
      return {
        toolType: tool,
        ...common,
        geometry,
        stats: {
          mean: num(st.mean)!, stdDev: Math.max(0, num(st.stdDev) ?? 0), min: num(st.min) ?? num(st.mean)!, max: num(st.max) ?? num(st.mean)!,
          area: Math.abs(num(st.area)!), unit: unit(st.modalityUnit, "raw"), areaUnit: unit(st.areaUnit, "px²"),
        },
      };
  }
}

/** Removes every annotation of the measure tools from the state (before a scan's saved ones are added). */
export function clearMeasureAnnotations(): void {
  const all = annotationApi.state.getAllAnnotations();
  for (const a of all) if (a.annotationUID && a.metadata && byToolName.has(a.metadata.toolName)) annotationApi.state.removeAnnotation(a.annotationUID);
}

export function removeMeasureAnnotation(uid: string): void {
  if (annotationApi.state.getAnnotation(uid)) annotationApi.state.removeAnnotation(uid);
}

/** Re-adds a saved measurement as a locked annotation on its frame (annotationUID = the measurement id). */
export function addSavedAnnotation(vp: Types.IStackViewport, m: MeasurementView, imageIds: string[]): void {
  const toolName = toolNameOf.get(m.toolType);
  const referencedImageId = imageIds[m.frameIndex];
  if (!toolName || !referencedImageId || annotationApi.state.getAnnotation(m.id)) return;
  const cam = vp.getCamera();
  const plane = metaData.get("imagePlaneModule", referencedImageId) as { frameOfReferenceUID?: string } | undefined;
  const g = m.geometry as { points: Types.Point3[]; viewPlaneNormal?: Types.Point3; viewUp?: Types.Point3 };
  const a = {
    annotationUID: m.id,
    highlighted: false,
    invalidated: true,
    isLocked: true,
    isVisible: true,
    metadata: {
      toolName,
      referencedImageId,
      FrameOfReferenceUID: plane?.frameOfReferenceUID ?? vp.getFrameOfReferenceUID(),
      viewPlaneNormal: g.viewPlaneNormal ?? cam.viewPlaneNormal,
      viewUp: g.viewUp ?? cam.viewUp,
      sliceIndex: m.frameIndex,
    },
    data: {
      handles: {
        points: g.points.map((p) => [...p] as Types.Point3),
        activeHandleIndex: null,
        textBox: { hasMoved: false, worldPosition: [0, 0, 0], worldBoundingBox: { topLeft: [0, 0, 0], topRight: [0, 0, 0], bottomLeft: [0, 0, 0], bottomRight: [0, 0, 0] } },
      },
      cachedStats: {},
      label: m.label ?? "",
    },
  } as unknown as ToolTypes.Annotation;
  annotationApi.state.addAnnotation(a, vp.element);
  annotationApi.locking.setAnnotationLocked(m.id, true);
}

type RoiWords = (v: { mean: string; sd: string; min: string; max: string; area: string; unit: string; areaUnit: string }) => string;
const roiEnglish: RoiWords = (v) => `mean ${v.mean} ${v.unit}, SD ${v.sd}, min ${v.min}, max ${v.max}, area ${v.area} ${v.areaUnit}`;

/** A measurement's value as the side panel and the clinician read it: "23.40 mm", "mean 41.2 HU, SD 8.1, …"; `roi` words the ROI statistics in the UI language. */
export function formatMeasurement(m: Pick<MeasurementView, "toolType" | "stats">, roi: RoiWords = roiEnglish): string {
  const s = m.stats as unknown as Record<string, number & string>;
  const r = (v: number, d = 1) => (Math.round(v * 10 ** d) / 10 ** d).toFixed(d);
  switch (m.toolType) {
    case "length": return `${r(s.length, 2)} ${s.unit}`;
    case "angle": return `${r(s.angle, 1)}°`;
    case "probe": return `${r(s.value, 1)} ${s.unit}`;
    default: return roi({ mean: r(s.mean), sd: r(s.stdDev), min: r(s.min), max: r(s.max), area: r(s.area, 1), unit: s.unit, areaUnit: s.areaUnit });
  }
}
