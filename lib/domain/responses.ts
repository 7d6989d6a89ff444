import { z } from "zod";
import { isoDate } from "./common";
import type { FieldIssue as FieldIssueType } from "./errors";
import { AssessmentStatus, AuditOutcome, FusionStrategy, ModelStatus, UserRole } from "./enums";
import { HeadScoreView, StoredScores } from "./assessment";
import { Patient } from "./patient";
import { Condition } from "./condition";
import { FamilyHistory } from "./family-history";
import { DietRecord } from "./diet";
import { id, timestamp } from "./scalars";
import { RecordPart, ScanIdentityFlag } from "./scan";
import { Locale } from "./locale";

/*
 * What the API answers, written once. The code that builds an answer returns (or is checked
 * with `satisfies`) the `z.infer` type of its schema here, and lib/openapi generates the
 * document's response schemas from the same objects — no parallel type to keep in step.
 * Entities (Patient, Condition, FamilyHistory, DietRecord) live beside their input schemas;
 * assessments in assessment.ts.
 */

/* ---------- errors (lib/http/errors.ts) ---------- */

const FieldIssue = z.object({ path: z.string(), message: z.string() }) satisfies z.ZodType<FieldIssueType>;

/**
 * The error envelope every API error uses: `{ error: { code, message, details? } }`.
 * `details.issues` names each offending field for validation_failed (and duplicate_mrn); other
 * codes may carry their own details (patient_mismatch: the DICOM and record identities).
 */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.looseObject({ issues: z.array(FieldIssue).optional() }).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/* ---------- patients ---------- */

export const PatientListRow = Patient.extend({
  lastAssessmentAt: timestamp.nullable(),
  /** the highest calibrated probability of the latest finished assessment */
  maxRisk: z.number().nullable(),
  /** the latest finished assessment's scores, labelled with the active model's outcomes */
  latestRisk: z.array(HeadScoreView),
  /** the record changed after the latest score: which parts (null: the score is current, or there is none) */
  recordChangedSinceScore: z.strictObject({ parts: z.array(RecordPart) }).nullable(),
});
export type PatientListRow = z.infer<typeof PatientListRow>;

export const PatientListPage = z.strictObject({
  items: z.array(PatientListRow),
  /** capped at 1000 for free-text searches; then `totalIsLowerBound` is true */
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  totalIsLowerBound: z.boolean(),
});
export type PatientListPage = z.infer<typeof PatientListPage>;

export const ScanSummary = z.strictObject({
  id,
  modality: z.string(),
  acquisitionDate: isoDate.nullable(),
  bodyPart: z.string().nullable(),
  rows: z.number().int(),
  columns: z.number().int(),
  frames: z.number().int(),
  contentType: z.string(),
  byteSize: z.number().int(),
  transferSyntaxUid: z.string().nullable(),
  photometricInterpretation: z.string().nullable(),
  createdAt: timestamp,
  /** the header names another patient or nobody and a clinician attached it anyway (with `identityReason`) */
  identityFlag: ScanIdentityFlag.nullable(),
  identityReason: z.string().nullable(),
});
export type ScanSummary = z.infer<typeof ScanSummary>;

export const AssessmentSummary = z.strictObject({
  id,
  scanId: id.nullable(),
  modelName: z.string(),
  modelVersion: z.string(),
  strategy: FusionStrategy,
  status: AssessmentStatus,
  error: z.string().nullable(),
  /** as stored (lib/domain/assessment.ts StoredScores); null until done, or when the stored scores cannot be read */
  scores: StoredScores.nullable(),
  flags: z.array(z.string()),
  createdAt: timestamp,
  completedAt: timestamp.nullable(),
  /** a finished row whose stored scores do not match the schema: what is wrong */
  resultError: z.string().nullable(),
  /** the record version it read (null while queued) */
  recordVersion: z.number().int().nullable(),
});
export type AssessmentSummary = z.infer<typeof AssessmentSummary>;

/**
 * GET /api/patients/{id}: the whole record, its scans (metadata only) and its latest 50
 * assessments — scans and assessments entered in error, and assessments superseded by one, are
 * left out (the admin view /admin/entered-in-error keeps them).
 */
export const FullPatientRecord = Patient.extend({
  /** bumped by every change of demographics, history, family history or diet */
  recordVersion: z.number().int(),
  conditions: z.array(Condition),
  familyHistory: z.array(FamilyHistory),
  dietRecords: z.array(DietRecord),
  scans: z.array(ScanSummary),
  assessments: z.array(AssessmentSummary),
});
export type FullPatientRecord = z.infer<typeof FullPatientRecord>;

/* ---------- scans and assessments ---------- */

export const QueuedAssessment = z.strictObject({ id, status: AssessmentStatus, modelName: z.string(), modelVersion: z.string(), strategy: FusionStrategy });
export type QueuedAssessment = z.infer<typeof QueuedAssessment>;

export const UploadedScan = z.strictObject({
  id,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  modality: z.string(),
  rows: z.number().int(),
  columns: z.number().int(),
  frames: z.number().int(),
  contentType: z.string(),
  byteSize: z.number().int(),
  createdAt: timestamp,
});
export type UploadedScan = z.infer<typeof UploadedScan>;

export const UploadResult = z.strictObject({
  scan: UploadedScan,
  /** the queued assessment (null only for a duplicate whose assessment no longer exists) */
  assessment: QueuedAssessment.nullable(),
  /** true: the same bytes were already stored for this patient (200, nothing new stored) */
  duplicate: z.boolean(),
});
export type UploadResult = z.infer<typeof UploadResult>;

export const RequestedAssessment = QueuedAssessment.extend({ scanId: id.nullable(), createdAt: timestamp });
export type RequestedAssessment = z.infer<typeof RequestedAssessment>;

export const ReassessResult = z.strictObject({ assessment: RequestedAssessment });

/** POST /api/scans/{id}/entered-in-error: the scan, the assessments it superseded, the re-assessment queued. */
export const ScanEnteredInErrorResult = z.strictObject({
  scan: z.strictObject({ id, enteredInErrorAt: timestamp, enteredInErrorReason: z.string() }),
  supersededAssessmentIds: z.array(id),
  /** null when no model is registered yet (the record is re-assessed once one is) */
  reassessment: RequestedAssessment.nullable(),
});
export type ScanEnteredInErrorResult = z.infer<typeof ScanEnteredInErrorResult>;

/** POST /api/assessments/{id}/entered-in-error */
export const AssessmentEnteredInErrorResult = z.strictObject({
  assessment: z.strictObject({ id, enteredInErrorAt: timestamp, enteredInErrorReason: z.string() }),
});
export type AssessmentEnteredInErrorResult = z.infer<typeof AssessmentEnteredInErrorResult>;
export type ReassessResult = z.infer<typeof ReassessResult>;

/** One row of the viewer's tag panel (lib/dicom/tags.ts); binary and huge values are summarised. */
export const DicomTag = z.strictObject({
  /** "(0010,0010)" */
  tag: z.string(),
  /** "PatientName", "" when unknown, "Private" for odd groups */
  keyword: z.string(),
  vr: z.string(),
  value: z.string(),
});
export type DicomTag = z.infer<typeof DicomTag>;

export const ScanTags = z.strictObject({
  scanId: id,
  /** empty for PNG / JPEG scans */
  tags: z.array(DicomTag),
});
export type ScanTags = z.infer<typeof ScanTags>;

/* ---------- models ---------- */

export const ModelSummary = z.strictObject({
  name: z.string(),
  version: z.string(),
  strategy: z.string().nullable(),
  heads: z.array(z.string()),
  active: z.boolean(),
  /** registry status (candidate → shadow → active → retired); null for a bundle only on disk */
  status: ModelStatus.nullable(),
  createdAt: timestamp.nullable(),
  hasCard: z.boolean(),
  assessments: z.number().int(),
  sources: z.array(z.enum(["database", "files", "assessments"])),
});
export type ModelSummary = z.infer<typeof ModelSummary>;

export const ModelList = z.strictObject({ items: z.array(ModelSummary) });
export type ModelList = z.infer<typeof ModelList>;

export const ModelDetail = ModelSummary.extend({
  card: z.record(z.string(), z.unknown()).nullable(),
  metrics: z.record(z.string(), z.unknown()).nullable(),
  reportMd: z.string().nullable(),
  /** file names, served by GET /api/models/{name}/{version}/plots/{file} */
  plots: z.array(z.string()),
  /** provenance of a registered version (null fields: not recorded, e.g. a bundle shipped in models/) */
  registry: z
    .strictObject({
      weightsSha256: z.string().nullable(),
      snapshotSha256: z.string().nullable(),
      codeCommit: z.string().nullable(),
      seed: z.number().int().nullable(),
      trainingJobId: z.string().nullable(),
      statusReason: z.string().nullable(),
      statusChangedAt: timestamp.nullable(),
      activatedAt: timestamp.nullable(),
      previousActive: z.string().nullable(),
    })
    .nullable(),
});
export type ModelDetail = z.infer<typeof ModelDetail>;

/* ---------- service ---------- */

export const Health = z.looseObject({
  status: z.enum(["ok", "degraded"]),
  database: z.looseObject({ kind: z.enum(["postgres", "embedded"]), ok: z.boolean(), migrations: z.number().int() }),
  model: z.object({ backend: z.string().nullable(), active: z.string().nullable() }),
  time: timestamp,
  /** admins only: software versions (the database part then also has serverVersion and error) */
  versions: z.object({ app: z.string(), node: z.string() }).optional(),
});
export type Health = z.infer<typeof Health>;

/* ---------- sessions and accounts ---------- */

export const SignedInUser = z.strictObject({ username: z.string(), displayName: z.string(), role: UserRole });
export type SignedInUser = z.infer<typeof SignedInUser>;

export const LoginResult = z.strictObject({
  user: SignedInUser,
  csrfToken: z.string(),
  expiresAt: timestamp,
  /** the role requires MFA and none is enrolled: only enrolment (/account/mfa, /api/auth/mfa/…) and signing out work */
  mfaEnrolmentRequired: z.boolean(),
});
export type LoginResult = z.infer<typeof LoginResult>;
/** The password was right and the user has MFA: no session yet; send the code to POST /api/auth/login/mfa. */
export const MfaChallengeResult = z.strictObject({ mfaRequired: z.literal(true), mfaToken: z.string(), expiresAt: timestamp });
export type MfaChallengeResult = z.infer<typeof MfaChallengeResult>;
export const SignInStepResult = z.union([LoginResult, MfaChallengeResult]);
export type SignInStepResult = z.infer<typeof SignInStepResult>;
export const MfaStatus = z.strictObject({
  enabled: z.boolean(),
  enabledAt: timestamp.nullable(),
  required: z.boolean(),
  enrolmentPending: z.boolean(),
  recoveryCodesLeft: z.number().int(),
});
export type MfaStatus = z.infer<typeof MfaStatus>;
export const MfaEnrolment = z.strictObject({
  secret: z.string().describe("base32, for typing into an authenticator app"),
  otpauthUri: z.string().describe("otpauth://totp/… (RFC 6238: SHA1, 6 digits, 30 s)"),
  qrCode: z.string().describe("the URI as an SVG QR code, a data: URL"),
});
export type MfaEnrolment = z.infer<typeof MfaEnrolment>;
export const MfaConfirmResult = z.strictObject({ recoveryCodes: z.array(z.string()), revokedOtherSessions: z.number().int() });
export type MfaConfirmResult = z.infer<typeof MfaConfirmResult>;
export const MfaRecoveryCodes = z.strictObject({ recoveryCodes: z.array(z.string()) });
export type MfaRecoveryCodes = z.infer<typeof MfaRecoveryCodes>;
export const OkResult = z.strictObject({ ok: z.literal(true) });
export type OkResult = z.infer<typeof OkResult>;

export const SessionSummary = z.strictObject({
  id,
  current: z.boolean(),
  createdAt: timestamp,
  lastSeenAt: timestamp,
  expiresAt: timestamp,
  clientAddress: z.string().nullable(),
  userAgent: z.string().nullable(),
});
export type SessionSummary = z.infer<typeof SessionSummary>;

export const SessionInfo = z.strictObject({
  sessions: z.array(SessionSummary),
  user: SignedInUser,
  csrfToken: z.string(),
  expiresAt: timestamp.optional(),
  idleExpiresAt: timestamp.optional(),
  /** the role requires MFA and none is enrolled: only enrolment (/api/auth/mfa/…) and signing out answer */
  mfaEnrolmentRequired: z.boolean(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

export const LogoutResult = z.strictObject({ ok: z.literal(true), revoked: z.number().int().optional() });
export type LogoutResult = z.infer<typeof LogoutResult>;

export const PasswordChangeResult = z.strictObject({ ok: z.literal(true), revokedOtherSessions: z.number().int() });
export type PasswordChangeResult = z.infer<typeof PasswordChangeResult>;

/** PATCH /api/auth/preferences */
export const PreferencesResult = z.strictObject({ ok: z.literal(true), locale: Locale.nullable() });
export type PreferencesResult = z.infer<typeof PreferencesResult>;

/** An account as admins see it (never its password hash). */
export const PublicUser = z.strictObject({
  id,
  username: z.string(),
  displayName: z.string(),
  role: UserRole,
  disabled: z.boolean(),
  /** when the second factor was turned on; null = none */
  mfaEnabledAt: timestamp.nullable(),
  lastLoginAt: timestamp.nullable(),
  createdAt: timestamp,
});
export type PublicUser = z.infer<typeof PublicUser>;

export const UserList = z.strictObject({ items: z.array(PublicUser) });
export type UserList = z.infer<typeof UserList>;
export const UserResult = z.strictObject({ user: PublicUser });
export type UserResult = z.infer<typeof UserResult>;
export const UserUpdateResult = z.strictObject({ user: PublicUser, revokedSessions: z.number().int() });
export type UserUpdateResult = z.infer<typeof UserUpdateResult>;

/* ---------- the audit trail ---------- */

export const AuditEventOut = z.strictObject({
  /** a bigint, as a string */
  id: z.string(),
  occurredAt: timestamp,
  userId: id.nullable(),
  username: z.string().nullable(),
  role: UserRole.nullable(),
  action: z.string(),
  entityType: z.string().nullable(),
  entityId: z.string().nullable(),
  patientId: id.nullable(),
  outcome: AuditOutcome,
  clientAddress: z.string().nullable(),
  source: z.string().nullable(),
  details: z.unknown(),
});
export type AuditEventOut = z.infer<typeof AuditEventOut>;

export const AuditPage = z.strictObject({
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  /** pass as `cursor` for the next page (keyset: stable while events are added); null at the end */
  nextCursor: z.string().nullable(),
  items: z.array(AuditEventOut),
  /** true when the `patientMrn` filter names no patient (then there are no events) */
  unknownMrn: z.literal(true).optional(),
});
export type AuditPage = z.infer<typeof AuditPage>;

/** The FHIR R4 searchset Bundle of AuditEvent resources (lib/auth/fhir-audit.ts); the resources are FHIR's, not ours to restate. */
export const FhirAuditBundle = z.looseObject({
  resourceType: z.literal("Bundle"),
  type: z.literal("searchset"),
  timestamp,
  total: z.number().int(),
  /** `self`, and `next` while there are more (a keyset cursor: follow it, do not count pages) */
  link: z.array(z.strictObject({ relation: z.enum(["self", "next"]), url: z.string() })).optional(),
  entry: z.array(z.looseObject({ fullUrl: z.string(), resource: z.looseObject({ resourceType: z.literal("AuditEvent") }), search: z.object({ mode: z.literal("match") }) })),
});
export type FhirAuditBundle = z.infer<typeof FhirAuditBundle>;

/* ---------- the research export ---------- */

/** What a cohort holds, learned before streaming (lib/export: the column set depends on it). */
export const ExportCohort = z.strictObject({
  patients: z.number().int(),
  models: z.array(z.strictObject({ name: z.string(), version: z.string(), strategy: z.string(), rows: z.number().int() })),
  heads: z.array(z.string()),
  dims: z.strictObject({ image: z.number().int(), tabular: z.number().int(), fused: z.number().int() }),
});
export type ExportCohort = z.infer<typeof ExportCohort>;

/** A count as shown to researchers: the number, or "<k" below the small-cell threshold k (lib/export/small-cells.ts). */
export const CellCount = z.union([z.number().int(), z.string().regex(/^<\d+$/)]);
export type CellCount = z.infer<typeof CellCount>;

/** The cohort's size as researchers see it (count endpoint, data dictionary): small cells as "<k". */
export const ExportPublicCohort = z.strictObject({
  /** assessments (rows) in the cohort; "<k" when the cohort has fewer than k patients */
  assessments: CellCount,
  /** distinct patients; "<k" below the small-cell threshold k (FUSION_MIN_CELL_SIZE) */
  patients: CellCount,
  /** at least minCellSize patients: the export is allowed */
  exportable: z.boolean(),
  minCellSize: z.number().int(),
  /** empty for a cohort under the threshold */
  models: z.array(z.strictObject({ name: z.string(), version: z.string(), strategy: z.string(), rows: CellCount })),
});
export type ExportPublicCohort = z.infer<typeof ExportPublicCohort>;

export const ExportCount = ExportPublicCohort.extend({
  /** empty (and dims 0) for a cohort under the threshold */
  heads: ExportCohort.shape.heads,
  dims: ExportCohort.shape.dims,
  /** columns the export with these parameters would have */
  columns: z.number().int(),
});
export type ExportCount = z.infer<typeof ExportCount>;

export const ExportDictionary = z.looseObject({
  spec: z.string(),
  generatedAt: timestamp,
  format: z.enum(["csv", "parquet", "ndjson"]).nullable(),
  /** one entry per column: name, type, unit, source, de-identification */
  columns: z.array(z.looseObject({ name: z.string() })),
});
export type ExportDictionary = z.infer<typeof ExportDictionary>;

/* ---------- trusted EHRs, FHIR R4 and CDS Hooks (lib/fhir) ---------- */

/** A trusted EHR as answered (lib/fhir/cds/ehrs.ts). */
export const TrustedEhrView = z.strictObject({
  id,
  name: z.string(),
  issuer: z.string(),
  jwksUrl: z.string().nullable(),
  jwks: z.unknown(),
  clientId: z.string().nullable(),
  enabled: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type TrustedEhrView = z.infer<typeof TrustedEhrView>;
export const TrustedEhrList = z.strictObject({ items: z.array(TrustedEhrView) });
export type TrustedEhrList = z.infer<typeof TrustedEhrList>;
export const TrustedEhrResult = z.strictObject({ ehr: TrustedEhrView });
export type TrustedEhrResult = z.infer<typeof TrustedEhrResult>;

// ---- answers of the FHIR API and the CDS Hooks service (the document's response schemas) ---------
// FHIR resources are validated against R4 itself by lib/fhir/validator.ts; these describe the
// envelope the OpenAPI document promises.

/** A FHIR OperationOutcome: the error body of the FHIR API (lib/fhir/outcome.ts). */
export const OperationOutcome = z.looseObject({
  resourceType: z.literal("OperationOutcome"),
  issue: z.array(
    z.looseObject({
      severity: z.enum(["fatal", "error", "warning", "information"]),
      code: z.string(),
      diagnostics: z.string().optional(),
      expression: z.array(z.string()).optional(),
      /** the app's error code (system `urn:fusion-cds:error-code`), as `error.code` of the JSON API */
      details: z.looseObject({ coding: z.array(z.looseObject({ system: z.string(), code: z.string() })) }).optional(),
    }),
  ),
});
const fhirResource = z.looseObject({ resourceType: z.string(), id: z.string().optional() });
/** A searchset Bundle (searches, $everything) or a transaction-response / batch-response Bundle (import). */
export const FhirBundle = z.looseObject({
  resourceType: z.literal("Bundle"),
  type: z.enum(["searchset", "transaction-response", "batch-response"]),
  total: z.number().int().optional(),
  entry: z
    .array(z.looseObject({ fullUrl: z.string().optional(), resource: fhirResource.optional(), response: z.looseObject({ status: z.string(), location: z.string().optional() }).optional() }))
    .optional(),
});
export const FhirPatient = z.looseObject({ resourceType: z.literal("Patient"), id });
export const CapabilityStatement = z.looseObject({ resourceType: z.literal("CapabilityStatement"), fhirVersion: z.literal("4.0.1") });

export const CdsDiscovery = z.strictObject({
  services: z.array(
    z.strictObject({
      hook: z.string(),
      id: z.string(),
      title: z.string().optional(),
      description: z.string(),
      prefetch: z.record(z.string(), z.string()).optional(),
      usageRequirements: z.string().optional(),
    }),
  ),
});
export type CdsDiscovery = z.infer<typeof CdsDiscovery>;
/** CDS Hooks 2.0 "CDS Service Response": cards (no suggestions or system actions here). */
export const CdsCards = z.strictObject({
  cards: z.array(
    z.strictObject({
      uuid: z.uuid().optional(),
      summary: z.string().max(140),
      detail: z.string().optional(),
      indicator: z.enum(["info", "warning", "critical"]),
      source: z.strictObject({ label: z.string(), url: z.url().optional(), icon: z.url().optional(), topic: z.looseObject({ code: z.string() }).optional() }),
      links: z.array(z.strictObject({ label: z.string(), url: z.url(), type: z.enum(["absolute", "smart"]), appContext: z.string().optional() })).optional(),
    }),
  ),
});
export type CdsCards = z.infer<typeof CdsCards>;
