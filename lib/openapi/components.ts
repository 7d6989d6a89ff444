import {
  ConditionCreate, ConditionUpdate, DietRecordCreate, DietRecordUpdate, FamilyHistoryCreate, FamilyHistoryUpdate, LoginCredentials,
  PasswordChange, PatientCreate, PatientUpdate, ReassessInput, ScanUploadFields, UserCreate, UserUpdate, TrustedEhrCreate, TrustedEhrUpdate, CdsPatientViewRequest,
} from "@/lib/domain";
import { ErrorBodySchema } from "./errors";
import { jsonSchema, type JsonSchema } from "./json-schema";
import * as out from "./response-schemas";

/** Request bodies: the very schemas the handlers parse with, described as input. */
export const requestSchemas = {
  PatientCreate, PatientUpdate, ConditionCreate, ConditionUpdate, FamilyHistoryCreate, FamilyHistoryUpdate, DietRecordCreate, DietRecordUpdate, ReassessInput,
  LoginCredentials, PasswordChange, UserCreate, UserUpdate, TrustedEhrCreate, TrustedEhrUpdate, CdsPatientViewRequest,
};

/** Response bodies (lib/openapi/response-schemas.ts), described as output. */
export const responseSchemas = {
  ErrorBody: ErrorBodySchema,
  Patient: out.PatientOut,
  PatientListPage: out.PatientListPage,
  PatientRecord: out.PatientRecordOut,
  Condition: out.ConditionOut,
  FamilyHistory: out.FamilyHistoryOut,
  DietRecord: out.DietRecordOut,
  UploadResult: out.UploadResult,
  ReassessResult: out.ReassessResult,
  AssessmentDetail: out.AssessmentDetailOut,
  ScanTags: out.ScanTags,
  ModelList: out.ModelList,
  ModelDetail: out.ModelDetailOut,
  Health: out.HealthOut,
  LoginResult: out.LoginResult,
  SessionInfo: out.SessionInfo,
  LogoutResult: out.LogoutResult,
  PasswordChangeResult: out.PasswordChangeResult,
  UserList: out.UserList,
  UserResult: out.UserResult,
  UserUpdateResult: out.UserUpdateResult,
  AuditPage: out.AuditPage,
  FhirAuditBundle: out.FhirAuditBundle,
  ExportCount: out.ExportCount,
  ExportDictionary: out.ExportDictionary,
  OperationOutcome: out.OperationOutcomeOut,
  FhirBundle: out.FhirBundleOut,
  FhirPatient: out.FhirPatientOut,
  CapabilityStatement: out.CapabilityStatementOut,
  CdsDiscovery: out.CdsDiscoveryOut,
  CdsCards: out.CdsCardsOut,
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
