/**
 * The saliency overlay as a DICOM Secondary Capture (PS3.3 A.8.1, RGB, 8 bits), sent beside the SR
 * when asked: the assessed frame in the viewer's default window with the Grad-CAM map blended over
 * it in the viewer's colour ramp (weak attribution left out, so the anatomy stays readable). For
 * any PACS viewer, which cannot draw our overlay itself. Burned-in text: none; the research-use
 * notice is in Image Comments and the series description.
 *
 * UIDs: the SR's series, an instance UID derived from the assessment (sending twice sends the same).
 */
import { dcmjs } from "@/lib/dicom/dcmjs-module";
import { AppError } from "@/lib/domain/errors";
import { applyWindow, minMaxWindow } from "@/lib/dicom/window";
import { decodeScanOffThread } from "@/lib/dicom/off-thread";
import { deterministicUid, IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION } from "@/lib/dicom/write";
import type { ReportableAssessment } from "./report-source";
import { RESEARCH_USE_NOTICE, reportUids } from "./sr";


export const SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7";

// the viewer's ramp (app/patients/[id]/_viewer/overlays/saliencyColormap.ts): viridis-like, colour-blind safe
const STOPS: [number, [number, number, number]][] = [
  [0.0, [68, 1, 84]],
  [0.25, [59, 82, 139]],
  [0.5, [33, 145, 140]],
  [0.75, [94, 201, 98]],
  [1.0, [253, 231, 37]],
];
function ramp(t: number): [number, number, number] {
  for (let i = 1; i < STOPS.length; i++) {
    const [t1, c1] = STOPS[i];
    const [t0, c0] = STOPS[i - 1];
    if (t <= t1) {
      const f = (t - t0) / (t1 - t0);
      return [0, 1, 2].map((k) => Math.round(c0[k] + f * (c1[k] - c0[k]))) as [number, number, number];
    }
  }
  return STOPS[STOPS.length - 1][1];
}

const THRESHOLD = 0.15;
const ALPHA = 0.5;

export async function writeSaliencyCapture(a: ReportableAssessment, sourceBytes: Uint8Array): Promise<{ bytes: Uint8Array; sopInstanceUid: string }> {
  const sal = a.saliency;
  if (!sal) throw new AppError(409, "no_saliency", "This assessment has no saliency map (the image was not used), so there is no overlay to send.");
  const { frame } = await decodeScanOffThread(sourceBytes, "application/dicom", { frame: a.source.frameNumber - 1 });
  if (frame.samplesPerPixel !== 1) throw new AppError(409, "no_saliency", "The overlay is made for greyscale images only.");
  const { rows, columns } = frame;
  const w = a.source.window ?? minMaxWindow(frame);
  const grey = applyWindow(frame.data, w.center, w.width, { invert: frame.monochrome1 });
  const map = Buffer.from(sal.data, "base64");
  const rgb = new Uint8Array(rows * columns * 3);
  for (let y = 0; y < rows; y++)
    for (let x = 0; x < columns; x++) {
      const i = y * columns + x;
      // the map is over the whole frame; nearest neighbour when its size differs
      const m = map[Math.min(sal.height - 1, Math.floor((y * sal.height) / rows)) * sal.width + Math.min(sal.width - 1, Math.floor((x * sal.width) / columns))] ?? 0;
      const t = m / 255;
      const g = grey[i];
      if (t < THRESHOLD) {
        rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = g;
      } else {
        const c = ramp(t);
        for (let k = 0; k < 3; k++) rgb[3 * i + k] = Math.round(g * (1 - ALPHA) + c[k] * ALPHA);
      }
    }
  const { seriesInstanceUid } = reportUids(a.id);
  const sopInstanceUid = deterministicUid(`fusion-sr/${a.id}/saliency-capture`);
  const src = a.source;
  const now = new Date(a.completedAt);
  const da = (iso: string | null | undefined) => (iso ? iso.slice(0, 10).replaceAll("-", "") : "");
  const dataset: Record<string, unknown> = {
    SOPClassUID: SECONDARY_CAPTURE,
    SOPInstanceUID: sopInstanceUid,
    StudyDate: da(src.studyDate),
    StudyTime: src.studyTime ?? "",
    ContentDate: da(now.toISOString()),
    ContentTime: now.toISOString().slice(11, 19).replaceAll(":", ""),
    AccessionNumber: src.accessionNumber ?? "",
    Modality: "OT",
    ConversionType: "WSD",
    Manufacturer: "Fusion CDS",
    ReferringPhysicianName: src.referringPhysician ?? "",
    SeriesDescription: `AI risk assessment (${a.modelName} ${a.modelVersion}) - research use only`,
    PatientName: src.patient.name ?? "",
    PatientID: src.patient.id ?? "",
    PatientBirthDate: da(src.patient.birthDate),
    PatientSex: src.patient.sex && ["M", "F", "O"].includes(src.patient.sex) ? src.patient.sex : "",
    StudyInstanceUID: src.studyInstanceUid,
    SeriesInstanceUID: seriesInstanceUid,
    StudyID: src.studyId ?? "",
    SeriesNumber: 9901,
    InstanceNumber: 2,
    ImageComments: `Saliency (Grad-CAM) of ${a.modelName} ${a.modelVersion} over image ${src.sopInstanceUid}${src.frames > 1 ? ` frame ${src.frameNumber}` : ""}. ${RESEARCH_USE_NOTICE}`.slice(0, 10240),
    DerivationDescription: "Assessed frame in the default window, Grad-CAM saliency blended over it",
    SourceImageSequence: [{ ReferencedSOPClassUID: src.sopClassUid, ReferencedSOPInstanceUID: src.sopInstanceUid, ...(src.frames > 1 ? { ReferencedFrameNumber: src.frameNumber } : {}) }],
    BurnedInAnnotation: "NO",
    SamplesPerPixel: 3,
    PhotometricInterpretation: "RGB",
    PlanarConfiguration: 0,
    Rows: rows,
    Columns: columns,
    BitsAllocated: 8,
    BitsStored: 8,
    HighBit: 7,
    PixelRepresentation: 0,
    PixelData: rgb.buffer,
    _vrMap: { PixelData: "OB" },
  };
  if (/[^\x00-\x7f]/.test(JSON.stringify({ ...dataset, PixelData: null }))) dataset.SpecificCharacterSet = "ISO_IR 192";
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: SECONDARY_CAPTURE,
    MediaStorageSOPInstanceUID: sopInstanceUid,
    TransferSyntaxUID: "1.2.840.10008.1.2.1",
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: IMPLEMENTATION_VERSION,
  };
  const { DicomMetaDictionary, DicomDict } = dcmjs.data;
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return { bytes: new Uint8Array(dict.write()), sopInstanceUid };
}
