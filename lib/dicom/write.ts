/**
 * Write a single-frame CT image as a DICOM Part 10 file (Explicit VR Little Endian) with dcmjs.
 *
 * Pixel encoding: BitsAllocated 16, BitsStored 16, PixelRepresentation 1 (signed), stored value =
 * HU + 1024, RescaleSlope 1, RescaleIntercept -1024 — so modality value (HU) = stored − 1024.
 *
 * UIDs are deterministic: `2.25.<decimal of the first 128 bits of sha256(key)>` — the ISO/IEC
 * 9834-8 / ITU-T X.667 "2.25" root, under which any UUID-derived integer is a valid UID. The same
 * `uidKey` always gives the same Study/Series/SOP Instance UIDs, so regenerating the demo cohort
 * does not create "new" studies.
 */
import { createHash } from "node:crypto";
import { dcmjs } from "@/lib/dicom/dcmjs-module";

type NaturalDataset = Record<string, unknown> & { _meta?: Record<string, unknown>; _vrMap?: Record<string, string> };

export const CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";
export const EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
export const IMPLEMENTATION_CLASS_UID = deterministicUid("fusion-cds/implementation");
export const IMPLEMENTATION_VERSION = "FUSIONCDS_1";

/** A valid DICOM UID derived from a string key (same key → same UID). */
export function deterministicUid(key: string): string {
  const h = createHash("sha256").update(key).digest();
  let n = 0n;
  for (let i = 0; i < 16; i++) n = (n << 8n) | BigInt(h[i]);
  return `2.25.${n.toString(10)}`;
}

export type CtWriteInput = {
  /** stable key the Study/Series/SOP Instance UIDs are derived from */
  uidKey: string;
  patientId: string;
  /** DICOM PN, e.g. "Family^Given" */
  patientName: string;
  birthDate?: string;
  sex?: string;
  /** YYYY-MM-DD */
  studyDate: string;
  rows: number;
  columns: number;
  pixelSpacingMm: number;
  /** Hounsfield units, row-major, length rows × columns; clipped to [-1024, 3071] */
  hu: Int16Array | Float32Array | number[];
  description?: string;
  windowCenter?: number;
  windowWidth?: number;
};

const da = (iso: string | undefined) => (iso ? iso.replaceAll("-", "") : "");
const dicomSex = (s: string | undefined) => (s === "male" ? "M" : s === "female" ? "F" : s === "other" ? "O" : "");

export function writeCtDicom(input: CtWriteInput): Uint8Array {
  const { rows, columns } = input;
  if (!Number.isInteger(rows) || !Number.isInteger(columns) || rows < 1 || columns < 1) throw new Error(`invalid image size ${rows}×${columns}`);
  if (input.hu.length !== rows * columns) throw new Error(`pixel count ${input.hu.length} does not match ${rows}×${columns}`);
  const stored = new Int16Array(rows * columns);
  for (let i = 0; i < stored.length; i++) {
    const v = Math.round(Number(input.hu[i]));
    stored[i] = Math.min(3071, Math.max(-1024, Number.isFinite(v) ? v : -1024)) + 1024;
  }
  const studyUid = deterministicUid(`${input.uidKey}/study`);
  const seriesUid = deterministicUid(`${input.uidKey}/series`);
  const sopUid = deterministicUid(`${input.uidKey}/instance`);
  const frameUid = deterministicUid(`${input.uidKey}/frame-of-reference`);
  const date = da(input.studyDate);
  const dataset: NaturalDataset = {
    SpecificCharacterSet: "ISO_IR 192",
    ImageType: ["DERIVED", "SECONDARY", "AXIAL"],
    SOPClassUID: CT_IMAGE_STORAGE,
    SOPInstanceUID: sopUid,
    StudyDate: date,
    SeriesDate: date,
    AcquisitionDate: date,
    ContentDate: date,
    StudyTime: "090000",
    SeriesTime: "090000",
    ContentTime: "090000",
    AccessionNumber: "",
    Modality: "CT",
    Manufacturer: "Fusion CDS synthetic cohort",
    ReferringPhysicianName: "",
    StudyDescription: input.description ?? "Chest CT",
    SeriesDescription: "Axial slice",
    PatientName: input.patientName,
    PatientID: input.patientId,
    PatientBirthDate: da(input.birthDate),
    PatientSex: dicomSex(input.sex),
    BodyPartExamined: "CHEST",
    SliceThickness: 1.25,
    KVP: 120,
    PatientPosition: "HFS",
    StudyInstanceUID: studyUid,
    SeriesInstanceUID: seriesUid,
    StudyID: "1",
    SeriesNumber: 1,
    InstanceNumber: 1,
    ImagePositionPatient: [-(columns * input.pixelSpacingMm) / 2, -(rows * input.pixelSpacingMm) / 2, 0],
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    FrameOfReferenceUID: frameUid,
    PositionReferenceIndicator: "",
    SliceLocation: 0,
    SamplesPerPixel: 1,
    PhotometricInterpretation: "MONOCHROME2",
    Rows: rows,
    Columns: columns,
    PixelSpacing: [input.pixelSpacingMm, input.pixelSpacingMm],
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 1,
    WindowCenter: input.windowCenter ?? -600,
    WindowWidth: input.windowWidth ?? 1500,
    RescaleIntercept: -1024,
    RescaleSlope: 1,
    RescaleType: "HU",
    PixelData: stored.buffer,
    _vrMap: { PixelData: "OW" },
  };
  const fmv = new Uint8Array([0, 1]);
  const meta: NaturalDataset = {
    FileMetaInformationVersion: fmv.buffer,
    MediaStorageSOPClassUID: CT_IMAGE_STORAGE,
    MediaStorageSOPInstanceUID: sopUid,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: IMPLEMENTATION_VERSION,
  };
  const { DicomMetaDictionary, DicomDict } = dcmjs.data;
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write());
}
