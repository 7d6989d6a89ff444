import {
  Condition, ConditionCreate, ConditionUpdate, DietRecord, DietRecordCreate, DietRecordUpdate, FamilyHistory, FamilyHistoryCreate, FamilyHistoryUpdate,
  LoginCredentials, MfaConfirm, MfaSignIn, PasswordChange, PasswordReconfirm, Patient, PatientCreate, PatientUpdate, ReassessInput, ScanUploadFields, UserCreate, UserUpdate, EnteredInErrorInput,
  TrustedEhrCreate, TrustedEhrUpdate, CdsPatientViewRequest, OutcomeCreate, OutcomeEnteredInError, FollowUpUpdate, Outcome, PatientOutcomes,
  SnapshotCreate, TrainingStart, ModelStatusChange, TrainingSnapshotView, TrainingJobView,
} from "@/lib/domain";
import { z } from "zod";
import * as out from "@/lib/domain/responses";
import * as dicomweb from "@/lib/domain/dicomweb";
import { AssessmentDetail } from "@/lib/domain/assessment";
import { AssessmentNarrative } from "@/lib/domain/narrative";
import { PreferencesUpdate } from "@/lib/domain/locale";
import { MeasurementCreate, MeasurementDeleted, MeasurementList, MeasurementView } from "@/lib/domain/measurement";
import { jsonSchema, type JsonSchema } from "./json-schema";

/** Request bodies: the very schemas the handlers parse with, described as input. */
export const requestSchemas = {
  PatientCreate, PatientUpdate, ConditionCreate, ConditionUpdate, FamilyHistoryCreate, FamilyHistoryUpdate, DietRecordCreate, DietRecordUpdate, ReassessInput, EnteredInErrorInput,
  LoginCredentials, PasswordChange, UserCreate, UserUpdate, MfaSignIn, MfaConfirm, PasswordReconfirm, TrustedEhrCreate, TrustedEhrUpdate, CdsPatientViewRequest,
  OutcomeCreate, OutcomeEnteredInError, FollowUpUpdate, SnapshotCreate, TrainingStart, ModelStatusChange, MeasurementCreate,
  DicomwebSourceCreate: dicomweb.DicomwebSourceCreate,
  DicomwebSourceUpdate: dicomweb.DicomwebSourceUpdate,
  PacsImportInput: dicomweb.PacsImportInput,
  SendReportInput: dicomweb.SendReportInput,
  PreferencesUpdate,
};

/**
 * Response bodies, described as output: the lib/domain schemas whose `z.infer` types the handlers
 * return (lib/domain/responses.ts, the entity files, assessment.ts).
 */
export const responseSchemas = {
  ErrorBody: out.ErrorBody,
  Patient,
  PatientListPage: out.PatientListPage,
  PatientRecord: out.FullPatientRecord,
  Condition,
  Outcome,
  PatientOutcomes,
  TrainingSnapshot: TrainingSnapshotView.extend({ existing: z.boolean() }),
  TrainingSnapshotList: z.strictObject({ items: z.array(TrainingSnapshotView) }),
  TrainingJob: TrainingJobView,
  TrainingJobList: z.strictObject({ items: z.array(TrainingJobView) }),
  ModelStatusResult: z.strictObject({ name: z.string(), version: z.string(), status: z.string(), active: z.string().nullable() }),
  FollowUp: FollowUpUpdate.extend({ id: Outcome.shape.patientId }),
  FamilyHistory,
  DietRecord,
  UploadResult: out.UploadResult,
  ReassessResult: out.ReassessResult,
  ScanEnteredInErrorResult: out.ScanEnteredInErrorResult,
  AssessmentEnteredInErrorResult: out.AssessmentEnteredInErrorResult,
  AssessmentDetail,
  AssessmentNarrative,
  ScanTags: out.ScanTags,
  Measurement: MeasurementView,
  MeasurementList,
  MeasurementDeleted,
  ModelList: out.ModelList,
  ModelDetail: out.ModelDetail,
  Health: out.Health,
  LoginResult: out.LoginResult,
  SignInStepResult: out.SignInStepResult,
  MfaStatus: out.MfaStatus,
  MfaEnrolment: out.MfaEnrolment,
  MfaConfirmResult: out.MfaConfirmResult,
  MfaRecoveryCodes: out.MfaRecoveryCodes,
  OkResult: out.OkResult,
  SessionInfo: out.SessionInfo,
  LogoutResult: out.LogoutResult,
  PasswordChangeResult: out.PasswordChangeResult,
  PreferencesResult: out.PreferencesResult,
  UserList: out.UserList,
  UserResult: out.UserResult,
  UserUpdateResult: out.UserUpdateResult,
  AuditPage: out.AuditPage,
  FhirAuditBundle: out.FhirAuditBundle,
  ExportCount: out.ExportCount,
  ExportDictionary: out.ExportDictionary,
  DicomwebSource: dicomweb.DicomwebSourceView,
  DicomwebSourceList: dicomweb.DicomwebSourceList,
  DicomwebSourceUpdated: dicomweb.DicomwebSourceUpdated,
  PacsQueryResult: dicomweb.PacsQueryResult,
  SentReport: dicomweb.SentReport,
  DicomJsonObject: dicomweb.DicomJsonObject,
  DicomJsonList: dicomweb.DicomJsonList,
  OperationOutcome: out.OperationOutcome,
  FhirBundle: out.FhirBundle,
  FhirPatient: out.FhirPatient,
  CapabilityStatement: out.CapabilityStatement,
  CdsDiscovery: out.CdsDiscovery,
  CdsCards: out.CdsCards,
  TrustedEhrList: out.TrustedEhrList,
  TrustedEhrResult: out.TrustedEhrResult,
};

export type SchemaName = keyof typeof requestSchemas | keyof typeof responseSchemas | "ScanUpload";
export const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });

/**
 * The multipart upload (lib/ingest/multipart.ts): exactly one file in `file`, plus the optional
 * text fields of ScanUploadFields (unknown fields are refused like unknown JSON keys).
 */
function scanUploadSchema(): JsonSchema {
  const fields = jsonSchema(ScanUploadFields, "input");
  return {
    ...fields,
    properties: {
      file: {
        description: "The scan: DICOM Part 10 (any common transfer syntax, single- or multi-frame), PNG or JPEG. Sniffed by its bytes, not its name.",
        contentMediaType: "application/octet-stream",
      },
      ...(fields.properties as object),
    },
    required: ["file"],
  };
}

export function componentSchemas(): Record<string, JsonSchema> {
  const s: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(requestSchemas)) s[name] = jsonSchema(schema, "input");
  s.ScanUpload = scanUploadSchema();
  for (const [name, schema] of Object.entries(responseSchemas)) s[name] = jsonSchema(schema, "output");
  return s;
}
