// Small real DICOM studies for DICOMweb tests, written with dcmjs: CT instances (16-bit signed,
// HU = stored − 1024) of a given patient, single- or multi-frame, with chosen UIDs.
import * as dcmjsModule from "dcmjs";
import { deterministicUid, IMPLEMENTATION_CLASS_UID } from "@/lib/dicom/write";

type Dcmjs = typeof import("dcmjs").default;
const dcmjs = ((dcmjsModule as unknown as { default?: unknown }).default ?? dcmjsModule) as Dcmjs;

export type TestPatient = { mrn: string; familyName: string; givenName: string; birthDate: string; sex: "female" | "male" };

export type InstanceSpec = {
  patient: TestPatient;
  study: string;
  series: string;
  sop: string;
  instanceNumber?: number;
  seriesNumber?: number;
  frames?: number;
  rows?: number;
  columns?: number;
  studyDate?: string; // YYYY-MM-DD
  modality?: string;
  studyDescription?: string;
  seriesDescription?: string;
  accessionNumber?: string;
  /** Hounsfield units per frame (rows × columns each); otherwise a synthetic disc */
  frameHu?: ArrayLike<number>[];
  pixelSpacingMm?: number;
};

export const uid = (key: string) => deterministicUid(`dicomweb-test/${key}`);

/** A CT-like image: a disc of soft tissue in air, its brightness varying by frame. */
function pixels(rows: number, columns: number, frames: number, seed: number): Int16Array {
  const out = new Int16Array(rows * columns * frames);
  for (let f = 0; f < frames; f++)
    for (let y = 0; y < rows; y++)
      for (let x = 0; x < columns; x++) {
        const dx = x - columns / 2, dy = y - rows / 2;
        const inside = dx * dx + dy * dy < (Math.min(rows, columns) * 0.4) ** 2;
        const hu = inside ? 40 + ((x * 7 + y * 3 + f * 50 + seed) % 60) : -1000;
        out[f * rows * columns + y * columns + x] = hu + 1024;
      }
  return out;
}

function fromHu(frames: ArrayLike<number>[], n: number): Int16Array {
  const out = new Int16Array(n * frames.length);
  frames.forEach((f, k) => {
    for (let i = 0; i < n; i++) out[k * n + i] = Math.min(3071, Math.max(-1024, Math.round(Number(f[i])))) + 1024;
  });
  return out;
}

export function ctInstance(s: InstanceSpec): Uint8Array<ArrayBuffer> {
  const rows = s.rows ?? 64, columns = s.columns ?? 64, frames = s.frameHu?.length ?? s.frames ?? 1;
  const date = (s.studyDate ?? "2026-03-01").replaceAll("-", "");
  const sopClass = "1.2.840.10008.5.1.4.1.1.2";
  const dataset: Record<string, unknown> = {
    SpecificCharacterSet: "ISO_IR 192",
    ImageType: ["ORIGINAL", "PRIMARY", "AXIAL"],
    SOPClassUID: sopClass,
    SOPInstanceUID: s.sop,
    StudyDate: date,
    SeriesDate: date,
    StudyTime: "101500",
    AccessionNumber: s.accessionNumber ?? "ACC-" + s.patient.mrn,
    Modality: s.modality ?? "CT",
    Manufacturer: "DICOMweb test",
    ReferringPhysicianName: "",
    StudyDescription: s.studyDescription ?? "Chest CT",
    SeriesDescription: s.seriesDescription ?? "Axial",
    PatientName: `${s.patient.familyName}^${s.patient.givenName}`,
    PatientID: s.patient.mrn,
    PatientBirthDate: s.patient.birthDate.replaceAll("-", ""),
    PatientSex: s.patient.sex === "female" ? "F" : "M",
    BodyPartExamined: "CHEST",
    StudyInstanceUID: s.study,
    SeriesInstanceUID: s.series,
    StudyID: "1",
    SeriesNumber: s.seriesNumber ?? 1,
    InstanceNumber: s.instanceNumber ?? 1,
    ...(frames > 1 ? { NumberOfFrames: frames } : {}),
    SamplesPerPixel: 1,
    PhotometricInterpretation: "MONOCHROME2",
    Rows: rows,
    Columns: columns,
    PixelSpacing: [s.pixelSpacingMm ?? 0.7, s.pixelSpacingMm ?? 0.7],
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 1,
    WindowCenter: 40,
    WindowWidth: 400,
    RescaleIntercept: -1024,
    RescaleSlope: 1,
    PixelData: (s.frameHu ? fromHu(s.frameHu, rows * columns) : pixels(rows, columns, frames, s.instanceNumber ?? 0)).buffer,
    _vrMap: { PixelData: "OW" },
  };
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: sopClass,
    MediaStorageSOPInstanceUID: s.sop,
    TransferSyntaxUID: "1.2.840.10008.1.2.1",
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
  };
  const { DicomMetaDictionary, DicomDict } = dcmjs.data;
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write());
}

/** A study: `series` series of `perSeries` instances each, plus (optionally) a multi-frame series. */
export function ctStudy(patient: TestPatient, key: string, o: { series?: number; perSeries?: number; multiFrame?: number; studyDate?: string; modality?: string } = {}) {
  const study = uid(`${key}/study`);
  const files: { series: string; sop: string; bytes: Uint8Array<ArrayBuffer> }[] = [];
  for (let se = 0; se < (o.series ?? 1); se++) {
    const series = uid(`${key}/series/${se}`);
    for (let i = 0; i < (o.perSeries ?? 2); i++) {
      const sop = uid(`${key}/series/${se}/instance/${i}`);
      files.push({ series, sop, bytes: ctInstance({ patient, study, series, sop, instanceNumber: i + 1, seriesNumber: se + 1, studyDate: o.studyDate, modality: o.modality }) });
    }
  }
  if (o.multiFrame) {
    const series = uid(`${key}/series/mf`);
    const sop = uid(`${key}/series/mf/instance`);
    files.push({ series, sop, bytes: ctInstance({ patient, study, series, sop, frames: o.multiFrame, seriesNumber: 99, seriesDescription: "Multi-frame", studyDate: o.studyDate, modality: o.modality }) });
  }
  return { study, files };
}

/** A multipart/related body as dicomweb-client and Orthanc send it. */
export function stowBody(files: Uint8Array[], boundary = "test-boundary-8c1f", partType = "application/dicom"): Uint8Array<ArrayBuffer> {
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [];
  for (const f of files) chunks.push(enc.encode(`\r\n--${boundary}\r\nContent-Type: ${partType}\r\n\r\n`), f);
  chunks.push(enc.encode(`\r\n--${boundary}--\r\n`));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
