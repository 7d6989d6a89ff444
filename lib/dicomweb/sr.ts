/**
 * An assessment as a DICOM Structured Report (Comprehensive SR, PS3.3 A.35.3), written with dcmjs,
 * for the PACS (the IHE "AI Results" idea: results any PACS can show, filed in the same study as
 * the image they are about).
 *
 * Document (a simple SR, not a full TID 1500 measurement report):
 *   CONTAINER "Diagnostic imaging report" (LOINC 18748-4), SEPARATE
 *     HAS OBS CONTEXT  TEXT "Algorithm Name" (DCM 111001) = model name
 *     HAS OBS CONTEXT  TEXT "Algorithm Version" (DCM 111003) = model version
 *     CONTAINS TEXT   "Research use notice" (99FCDS) = RESEARCH_USE_NOTICE
 *     CONTAINS IMAGE  "Source of Measurement" (DCM 121112) → the assessed instance (and frame)
 *     CONTAINS TEXT   "Fusion strategy" (99FCDS)
 *     CONTAINS CONTAINER <outcome> (99FCDS, head code)   — one per outcome
 *       CONTAINS NUM  "Risk probability" (99FCDS) in % (UCUM "%")
 *       CONTAINS NUM  "Risk interval lower bound" / "upper bound" in %
 *       CONTAINS TEXT "Risk category" = low / moderate / high
 *     CONTAINS TEXT   "Notice" — each of the assessment's notices in words
 *
 * Identity: the patient and study attributes are copied from the assessed instance's header, so
 * the PACS files the report with the image. Study Instance UID = the image's; the SR's Series and
 * SOP Instance UIDs derive from the assessment id (2.25 UUID-derived UIDs): sending the same
 * assessment twice sends the same instance, which a PACS stores once.
 */
import { dcmjs } from "@/lib/dicom/dcmjs-module";
import { deterministicUid, IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION } from "@/lib/dicom/write";
import type { ReportableAssessment } from "./report-source";


export const COMPREHENSIVE_SR = "1.2.840.10008.5.1.4.1.1.88.33";
const EXPLICIT_LE = "1.2.840.10008.1.2.1";
export const RESEARCH_USE_NOTICE =
  "Research use only - not for diagnosis. Scores from Fusion CDS, a model trained on a synthetic cohort; not a medical device.";
/** Our coding scheme for concepts DICOM and LOINC do not name (a private scheme, PS3.16 8.2). */
export const LOCAL_SCHEME = "99FCDS";

type Code = { CodeValue: string; CodingSchemeDesignator: string; CodeMeaning: string };
const code = (value: string, scheme: string, meaning: string): Code => ({ CodeValue: value, CodingSchemeDesignator: scheme, CodeMeaning: meaning.slice(0, 64) });
const PERCENT = code("%", "UCUM", "percent");

type Item = Record<string, unknown>;
const text = (rel: string, concept: Code, value: string): Item => ({ RelationshipType: rel, ValueType: "TEXT", ConceptNameCodeSequence: [concept], TextValue: value.slice(0, 10240) });
const numItem = (concept: Code, value: number): Item => ({
  RelationshipType: "CONTAINS",
  ValueType: "NUM",
  ConceptNameCodeSequence: [concept],
  MeasuredValueSequence: [{ MeasurementUnitsCodeSequence: [PERCENT], NumericValue: Number(value.toFixed(4)) }],
});

export function reportUids(assessmentId: string) {
  return { seriesInstanceUid: deterministicUid(`fusion-sr/${assessmentId}/series`), sopInstanceUid: deterministicUid(`fusion-sr/${assessmentId}/instance`) };
}

const da = (iso: string | null | undefined) => (iso ? iso.slice(0, 10).replaceAll("-", "") : "");
const tm = (d: Date) => d.toISOString().slice(11, 19).replaceAll(":", "");
const sex = (s: string | null) => (s && ["M", "F", "O"].includes(s.toUpperCase()) ? s.toUpperCase() : s === "male" ? "M" : s === "female" ? "F" : "");

export function headLabel(s: { head: string; label: string }): string {
  return s.label || s.head;
}

/** The SR as a DICOM Part 10 file. */
export function writeAssessmentSr(a: ReportableAssessment, now: Date = new Date(a.completedAt)): { bytes: Uint8Array; sopInstanceUid: string; seriesInstanceUid: string; studyInstanceUid: string } {
  const { seriesInstanceUid, sopInstanceUid } = reportUids(a.id);
  const src = a.source;
  const content: Item[] = [
    text("HAS OBS CONTEXT", code("111001", "DCM", "Algorithm Name"), a.modelName),
    text("HAS OBS CONTEXT", code("111003", "DCM", "Algorithm Version"), a.modelVersion),
    text("CONTAINS", code("research-use", LOCAL_SCHEME, "Research use notice"), RESEARCH_USE_NOTICE),
    {
      RelationshipType: "CONTAINS",
      ValueType: "IMAGE",
      ConceptNameCodeSequence: [code("121112", "DCM", "Source of Measurement")],
      ReferencedSOPSequence: [
        {
          ReferencedSOPClassUID: src.sopClassUid,
          ReferencedSOPInstanceUID: src.sopInstanceUid,
          ...(src.frames > 1 ? { ReferencedFrameNumber: src.frameNumber } : {}),
        },
      ],
    },
    text("CONTAINS", code("fusion-strategy", LOCAL_SCHEME, "Fusion strategy"), a.strategy),
    ...a.scores.map(
      (s): Item => ({
        RelationshipType: "CONTAINS",
        ValueType: "CONTAINER",
        ConceptNameCodeSequence: [code(s.head.slice(0, 16), LOCAL_SCHEME, headLabel(s))],
        ContinuityOfContent: "SEPARATE",
        ContentSequence: [
          numItem(code("risk-probability", LOCAL_SCHEME, "Risk probability"), s.probability * 100),
          ...(s.interval
            ? [numItem(code("risk-interval-lo", LOCAL_SCHEME, "Risk interval lower bound"), s.interval[0] * 100), numItem(code("risk-interval-hi", LOCAL_SCHEME, "Risk interval upper bound"), s.interval[1] * 100)]
            : []),
          text("CONTAINS", code("risk-category", LOCAL_SCHEME, "Risk category"), s.category),
        ],
      }),
    ),
    ...a.notices.map((n) => text("CONTAINS", code("notice", LOCAL_SCHEME, "Notice"), n)),
  ];

  const dataset: Record<string, unknown> = {
    SOPClassUID: COMPREHENSIVE_SR,
    SOPInstanceUID: sopInstanceUid,
    InstanceCreationDate: da(now.toISOString()),
    InstanceCreationTime: tm(now),
    StudyDate: da(src.studyDate),
    StudyTime: src.studyTime ?? "",
    ContentDate: da(now.toISOString()),
    ContentTime: tm(now),
    AccessionNumber: src.accessionNumber ?? "",
    Modality: "SR",
    Manufacturer: "Fusion CDS",
    ReferringPhysicianName: src.referringPhysician ?? "",
    SeriesDescription: `AI risk assessment (${a.modelName} ${a.modelVersion}) - research use only`,
    ManufacturerModelName: a.modelName,
    SoftwareVersions: a.modelVersion,
    PatientName: src.patient.name ?? "",
    PatientID: src.patient.id ?? "",
    PatientBirthDate: da(src.patient.birthDate),
    PatientSex: sex(src.patient.sex),
    StudyInstanceUID: src.studyInstanceUid,
    SeriesInstanceUID: seriesInstanceUid,
    StudyID: src.studyId ?? "",
    SeriesNumber: 9901,
    InstanceNumber: 1,
    ReferencedPerformedProcedureStepSequence: [],
    ValueType: "CONTAINER",
    ConceptNameCodeSequence: [code("18748-4", "LN", "Diagnostic imaging report")],
    ContinuityOfContent: "SEPARATE",
    CompletionFlag: "COMPLETE",
    VerificationFlag: "UNVERIFIED",
    PerformedProcedureCodeSequence: [],
    CurrentRequestedProcedureEvidenceSequence: [
      {
        StudyInstanceUID: src.studyInstanceUid,
        ReferencedSeriesSequence: [
          {
            SeriesInstanceUID: src.seriesInstanceUid,
            ReferencedSOPSequence: [{ ReferencedSOPClassUID: src.sopClassUid, ReferencedSOPInstanceUID: src.sopInstanceUid }],
          },
        ],
      },
    ],
    ContentSequence: content,
  };
  // UTF-8 only when needed: the default repertoire (ASCII) is what every PACS and dcmtk's checker read
  if (/[^\x00-\x7f]/.test(JSON.stringify(dataset))) dataset.SpecificCharacterSet = "ISO_IR 192";
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: COMPREHENSIVE_SR,
    MediaStorageSOPInstanceUID: sopInstanceUid,
    TransferSyntaxUID: EXPLICIT_LE,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: IMPLEMENTATION_VERSION,
  };
  const { DicomMetaDictionary, DicomDict } = dcmjs.data;
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return { bytes: new Uint8Array(dict.write()), sopInstanceUid, seriesInstanceUid, studyInstanceUid: src.studyInstanceUid };
}
