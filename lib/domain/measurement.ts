import { z } from "zod";
import { text } from "./common";
import { id, timestamp } from "./scalars";

/*
 * Saved measurements (issue 16): what a clinician drew on a scan with the viewer's reading tools
 * (@cornerstonejs/tools Length, Angle, EllipticalROI, RectangleROI, Probe). Declared once: the
 * request schema the route parses, the stored geometry / stats, and the answer.
 */

export const measurementToolValues = ["length", "angle", "ellipticalRoi", "rectangleRoi", "probe"] as const;
export const MeasurementToolType = z.enum(measurementToolValues);
export type MeasurementToolType = z.infer<typeof MeasurementToolType>;

const finite = z.number({ error: "must be a number" }).finite("must be a finite number");
/** A point in patient coordinates (mm), as Cornerstone's annotation handles hold it. */
const Point3 = z.tuple([finite, finite, finite], { error: "must be [x, y, z] in millimetres" });
const nonNegative = finite.min(0, "must not be negative");
const unit = text().trim().min(1, "must name the unit").max(32, "must be 32 characters or fewer");

/** The camera the measurement was drawn in (restores the annotation on the same plane). */
const camera = {
  viewPlaneNormal: Point3.optional(),
  viewUp: Point3.optional(),
};
const points = (n: number) => z.array(Point3).length(n, `must hold exactly ${n} points`);

export const LengthGeometry = z.strictObject({ points: points(2), ...camera });
export const AngleGeometry = z.strictObject({ points: points(3), ...camera });
/** Cornerstone's ellipse / rectangle handles: four points on the outline (or corners). */
export const RoiGeometry = z.strictObject({ points: points(4), ...camera });
export const ProbeGeometry = z.strictObject({ points: points(1), ...camera });

export const LengthStats = z.strictObject({ length: nonNegative, unit });
export const AngleStats = z.strictObject({ angle: finite.min(0, "must be 0–360 degrees").max(360, "must be 0–360 degrees"), unit: z.literal("deg") });
/** mean / SD / min / max in modality units (HU for CT), area in `areaUnit` (mm² with pixel spacing). */
export const RoiStats = z.strictObject({ mean: finite, stdDev: nonNegative, min: finite, max: finite, area: nonNegative, unit, areaUnit: unit });
export const ProbeStats = z.strictObject({ value: finite, unit });

const common = {
  /** 0-based frame of the scan */
  frameIndex: z.number({ error: "must be a number" }).int("must be a whole number").min(0, "must be 0 or more").max(100_000, "is too large"),
  /** the SOP Instance UID of the image (DICOM); omitted for PNG / JPEG */
  sopInstanceUid: text().trim().regex(/^[0-9.]{1,64}$/, "must be a DICOM UID (digits and dots, at most 64)").nullish(),
  label: text().trim().max(200, "must be 200 characters or fewer").nullish(),
};

/** POST /api/scans/{id}/measurements: one finished annotation, by tool type. */
export const MeasurementCreate = z.discriminatedUnion(
  "toolType",
  [
    z.strictObject({ toolType: z.literal("length"), ...common, geometry: LengthGeometry, stats: LengthStats }),
    z.strictObject({ toolType: z.literal("angle"), ...common, geometry: AngleGeometry, stats: AngleStats }),
    z.strictObject({ toolType: z.literal("ellipticalRoi"), ...common, geometry: RoiGeometry, stats: RoiStats }),
    z.strictObject({ toolType: z.literal("rectangleRoi"), ...common, geometry: RoiGeometry, stats: RoiStats }),
    z.strictObject({ toolType: z.literal("probe"), ...common, geometry: ProbeGeometry, stats: ProbeStats }),
  ],
  { error: `toolType must be one of ${measurementToolValues.join(", ")}` },
);
export type MeasurementCreate = z.infer<typeof MeasurementCreate>;

/** One saved measurement as answered (the viewer's side panel, the next reader). */
export const MeasurementView = z.strictObject({
  id,
  scanId: id,
  frameIndex: z.number().int(),
  sopInstanceUid: z.string().nullable(),
  toolType: MeasurementToolType,
  geometry: z.union([LengthGeometry, AngleGeometry, RoiGeometry, ProbeGeometry]),
  stats: z.union([LengthStats, AngleStats, RoiStats, ProbeStats]),
  label: z.string().nullable(),
  author: z.strictObject({ id, displayName: z.string() }),
  createdAt: timestamp,
  /** the signed-in user wrote it (only the author may delete it) */
  mine: z.boolean(),
});
export type MeasurementView = z.infer<typeof MeasurementView>;

export const MeasurementList = z.strictObject({ scanId: id, items: z.array(MeasurementView) });
export type MeasurementList = z.infer<typeof MeasurementList>;

export const MeasurementDeleted = z.strictObject({ id, deletedAt: timestamp });
export type MeasurementDeleted = z.infer<typeof MeasurementDeleted>;
