/** One tag of the DICOM header, as served by GET /api/scans/{id}/tags (lib/dicom DicomTag). */
export type Tag = { tag: string; keyword: string; vr: string; value: string };
export type TagGroup = { id: string; label: string; tags: Tag[] };

// (group,element) → module. Grouped the way PS3.3 information entities are, roughly.
const STUDY = new Set(["0008,0020", "0008,0030", "0008,0050", "0008,0090", "0008,1030", "0020,000D", "0020,0010", "0008,0080"]);
const SERIES = new Set(["0008,0060", "0008,0021", "0008,0031", "0008,103E", "0018,0015", "0020,000E", "0020,0011", "0020,0060", "0018,5100"]);
const ACQUISITION = new Set(["0008,0022", "0008,0032", "0020,0012", "0008,0008"]);
const PLANE = new Set(["0020,0013", "0020,0032", "0020,0037", "0020,1041", "0020,0052"]);

export function groupOf(tag: string): string {
  const t = tag.replace(/[()\s]/g, "").toUpperCase();
  const group = t.slice(0, 4);
  if (group === "0002") return "file";
  if (group === "0010") return "patient";
  if (STUDY.has(t)) return "study";
  if (SERIES.has(t)) return "series";
  if (ACQUISITION.has(t) || group === "0018") return "acquisition";
  if (group === "0028" || PLANE.has(t)) return "pixel";
  return "other";
}

const LABELS: [string, string][] = [
  ["patient", "Patient"],
  ["study", "Study"],
  ["series", "Series"],
  ["acquisition", "Acquisition"],
  ["pixel", "Image & pixel module"],
  ["file", "File meta"],
  ["other", "Other"],
];

export function groupTags(tags: Tag[]): TagGroup[] {
  const by = new Map<string, Tag[]>();
  for (const t of tags) {
    const g = groupOf(t.tag);
    by.set(g, [...(by.get(g) ?? []), t]);
  }
  return LABELS.filter(([id]) => by.has(id)).map(([id, label]) => ({ id, label, tags: by.get(id)! }));
}
