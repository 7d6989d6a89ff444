import { z } from "zod";
import {
  CodeSystem, DietMethod, DietRecordCreate, PatientCreate, Relationship, UserRole, conditionStatusValues, isoDate,
  type Condition, type DietRecord, type FamilyHistory, type Patient,
} from "@/lib/domain";
import { FusionStrategy } from "@/lib/domain/assessment";
import type { FullPatientRecord } from "@/lib/db/patients";
import type { PatientListRow } from "@/lib/db/patient-list";
import type { AssessmentDetail } from "@/lib/db/assessments";
import type { ModelDetail, ModelSummary } from "@/lib/db/models";
import type { StoredUpload } from "@/lib/ingest/store";
import type { queueAssessment } from "@/lib/jobs/queue-assessment";
import type { PublicUser } from "@/lib/auth/users";
import type { SessionSummary } from "@/lib/auth/sessions";
import type { CohortShape } from "@/lib/export/columns";
import type { DicomTag } from "@/lib/dicom/tags";
import type { Assert, Jsonify, Same } from "./type-assert";

/*
 * What the API answers, as zod schemas, so the document's response schemas come from the same
 * generator as its request schemas. Entities extend the lib/domain input schemas; the types at the
 * bottom of this file make `tsc` fail when a schema and the type the handler returns drift apart.
 */

const timestamp = z.iso.datetime();
const uuid = z.uuid();
const id = { id: uuid };
const stamps = { createdAt: timestamp, updatedAt: timestamp };

export const PatientOut = PatientCreate.extend({ ...id, ...stamps });

export const ConditionOut = z.strictObject({
  ...id,
  patientId: uuid,
  codeSystem: CodeSystem,
  code: z.string(),
  display: z.string(),
  onsetDate: isoDate.nullable(),
  status: z.enum(conditionStatusValues),
  ...stamps,
});

export const FamilyHistoryOut = z.strictObject({
  ...id,
  patientId: uuid,
  relationship: Relationship,
  codeSystem: CodeSystem,
  code: z.string(),
  display: z.string(),
  ageAtOnset: z.number().int().nullable(),
  deceased: z.boolean(),
  ...stamps,
});

export const DietRecordOut = DietRecordCreate.extend({ ...id, patientId: uuid, method: DietMethod, note: z.string().nullable(), ...stamps });

/** lib/db/assessments.ts HeadScore: the read side of the risk panel. */
const HeadScoreView = z.strictObject({
  head: z.string(),
  label: z.string(),
  probability: z.number().min(0).max(1),
  interval: z.tuple([z.number(), z.number()]).nullable(),
  category: z.enum(["low", "moderate", "high", "unknown"]),
});

export const PatientListPage = z.strictObject({
  items: z.array(
    PatientOut.extend({
      lastAssessmentAt: timestamp.nullable(),
      /** the highest calibrated probability of the latest finished assessment */
      maxRisk: z.number().nullable(),
      latestRisk: z.array(HeadScoreView),
    }),
  ),
  /** capped at 1000 for free-text searches; then `totalIsLowerBound` is true */
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  totalIsLowerBound: z.boolean(),
});

const ScanSummary = z.strictObject({
  ...id,
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
});

const AssessmentSummary = z.strictObject({
  ...id,
  scanId: uuid.nullable(),
  modelName: z.string(),
  modelVersion: z.string(),
  strategy: z.string(),
  status: z.string(),
  error: z.string().nullable(),
  /** as stored: `{ [head]: { probability, interval, category } }`, null while queued */
  scores: z.unknown(),
  flags: z.array(z.string()),
  createdAt: timestamp,
  completedAt: timestamp.nullable(),
});

export const PatientRecordOut = PatientOut.extend({
  conditions: z.array(ConditionOut),
  familyHistory: z.array(FamilyHistoryOut),
  dietRecords: z.array(DietRecordOut),
  scans: z.array(ScanSummary),
  assessments: z.array(AssessmentSummary),
});

const direction = z.enum(["raises", "lowers"]);
const assessmentStatus = z.enum(["queued", "running", "done", "failed"]);
export const AssessmentDetailOut = z.strictObject({
  ...id,
  patientId: uuid,
  scanId: uuid.nullable(),
  modelName: z.string(),
  modelVersion: z.string(),
  strategy: z.string(),
  status: assessmentStatus,
  error: z.string().nullable(),
  flags: z.array(z.string()),
  createdAt: timestamp,
  completedAt: timestamp.nullable(),
  scores: z.array(HeadScoreView),
  modalityContributions: z.array(z.strictObject({ modality: z.string(), label: z.string(), share: z.number(), direction })),
  explainedHead: z.string().nullable(),
  featureAttributions: z.array(z.strictObject({ feature: z.string(), label: z.string(), contribution: z.number(), direction, value: z.string().nullable() })),
  hasSaliency: z.boolean(),
  /** the image out-of-distribution check (distance of the image's features to the training images), when the image was checked */
  imageCheck: z.strictObject({ distance: z.number(), threshold: z.number(), inDistribution: z.boolean() }).nullable(),
  /** the pipeline's flags in words, cautions first (empty until done) */
  notices: z.array(z.strictObject({ flag: z.string(), severity: z.enum(["caution", "info"]), text: z.string() })),
  timings: z.record(z.string(), z.number()),
  /** Grad-CAM: base64 of width×height uint8 over the whole frame */
  saliency: z.strictObject({ width: z.number().int(), height: z.number().int(), data: z.string(), frame: z.number().int() }).nullable(),
});

const QueuedAssessment = z.strictObject({ ...id, status: z.string(), modelName: z.string(), modelVersion: z.string(), strategy: z.string() });

export const UploadResult = z.strictObject({
  scan: z.strictObject({
    ...id,
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    modality: z.string(),
    rows: z.number().int(),
    columns: z.number().int(),
    frames: z.number().int(),
    contentType: z.string(),
    byteSize: z.number().int(),
    createdAt: timestamp,
  }),
  /** the queued assessment (null only for a duplicate whose assessment no longer exists) */
  assessment: QueuedAssessment.nullable(),
  /** true: the same bytes were already stored for this patient (200, nothing new stored) */
  duplicate: z.boolean(),
});

export const ReassessResult = z.strictObject({
  assessment: QueuedAssessment.extend({ status: assessmentStatus, strategy: FusionStrategy, scanId: uuid.nullable(), createdAt: timestamp }),
});

export const ScanTags = z.strictObject({
  scanId: uuid,
  /** empty for PNG / JPEG scans */
  tags: z.array(z.strictObject({ tag: z.string(), keyword: z.string(), vr: z.string(), value: z.string() })),
});

const ModelSummaryOut = z.strictObject({
  name: z.string(),
  version: z.string(),
  strategy: z.string().nullable(),
  heads: z.array(z.string()),
  active: z.boolean(),
  createdAt: timestamp.nullable(),
  hasCard: z.boolean(),
  assessments: z.number().int(),
  sources: z.array(z.enum(["database", "files", "assessments"])),
});
export const ModelList = z.strictObject({ items: z.array(ModelSummaryOut) });
export const ModelDetailOut = ModelSummaryOut.extend({
  card: z.record(z.string(), z.unknown()).nullable(),
  metrics: z.record(z.string(), z.unknown()).nullable(),
  reportMd: z.string().nullable(),
  /** file names, served by GET /api/models/{name}/{version}/plots/{file} */
  plots: z.array(z.string()),
});

export const HealthOut = z.looseObject({
  status: z.enum(["ok", "degraded"]),
  database: z.looseObject({ kind: z.enum(["postgres", "embedded"]), ok: z.boolean(), migrations: z.number().int() }),
  model: z.object({ backend: z.string().nullable(), active: z.string().nullable() }),
  time: timestamp,
  /** admins only: software versions (the database part then also has serverVersion and error) */
  versions: z.object({ app: z.string(), node: z.string() }).optional(),
});

const SignedInUser = z.strictObject({ username: z.string(), displayName: z.string(), role: UserRole });
export const LoginResult = z.strictObject({ user: SignedInUser, csrfToken: z.string(), expiresAt: timestamp });

const SessionSummaryOut = z.strictObject({
  ...id,
  current: z.boolean(),
  createdAt: timestamp,
  lastSeenAt: timestamp,
  expiresAt: timestamp,
  clientAddress: z.string().nullable(),
  userAgent: z.string().nullable(),
});
export const SessionInfo = z.strictObject({
  sessions: z.array(SessionSummaryOut),
  user: SignedInUser,
  csrfToken: z.string(),
  expiresAt: timestamp.optional(),
  idleExpiresAt: timestamp.optional(),
});
export const LogoutResult = z.strictObject({ ok: z.literal(true), revoked: z.number().int().optional() });
export const PasswordChangeResult = z.strictObject({ ok: z.literal(true), revokedOtherSessions: z.number().int() });

const PublicUserOut = z.strictObject({
  ...id,
  username: z.string(),
  displayName: z.string(),
  role: UserRole,
  disabled: z.boolean(),
  lockedUntil: timestamp.nullable(),
  lastLoginAt: timestamp.nullable(),
  createdAt: timestamp,
});
export const UserList = z.strictObject({ items: z.array(PublicUserOut) });
export const UserResult = z.strictObject({ user: PublicUserOut });
export const UserUpdateResult = z.strictObject({ user: PublicUserOut, revokedSessions: z.number().int() });

export const AuditPage = z.strictObject({
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  items: z.array(
    z.strictObject({
      /** a bigint, as a string */
      id: z.string(),
      occurredAt: timestamp,
      userId: uuid.nullable(),
      username: z.string().nullable(),
      role: UserRole.nullable(),
      action: z.string(),
      entityType: z.string().nullable(),
      entityId: z.string().nullable(),
      patientId: uuid.nullable(),
      outcome: z.enum(["success", "failure", "denied"]),
      clientAddress: z.string().nullable(),
      source: z.string().nullable(),
      details: z.unknown(),
    }),
  ),
});

export const FhirAuditBundle = z.looseObject({
  resourceType: z.literal("Bundle"),
  type: z.literal("searchset"),
  timestamp,
  total: z.number().int(),
  /** FHIR R4 AuditEvent resources (lib/auth/fhir-audit.ts) */
  entry: z.array(z.looseObject({ fullUrl: z.string(), resource: z.looseObject({ resourceType: z.literal("AuditEvent") }), search: z.object({ mode: z.literal("match") }) })),
});

export const ExportCount = z.strictObject({
  /** assessments (rows) in the cohort */
  assessments: z.number().int(),
  patients: z.number().int(),
  models: z.array(z.strictObject({ name: z.string(), version: z.string(), strategy: z.string(), rows: z.number().int() })),
  heads: z.array(z.string()),
  dims: z.strictObject({ image: z.number().int(), tabular: z.number().int(), fused: z.number().int() }),
  /** columns the export with these parameters would have */
  columns: z.number().int(),
});

export const ExportDictionary = z.looseObject({
  spec: z.string(),
  generatedAt: timestamp,
  format: z.enum(["csv", "parquet", "ndjson"]).nullable(),
  /** one entry per column: name, type, unit, source, de-identification */
  columns: z.array(z.looseObject({ name: z.string() })),
});

// ---- drift checks: each schema's type equals what the handler returns (see type-assert.ts) ----
type Out<S extends z.ZodType> = z.output<S>;
export type ResponseSchemaChecks = [
  Assert<Same<Out<typeof PatientOut>, Patient>>,
  Assert<Same<Out<typeof ConditionOut>, Condition>>,
  Assert<Same<Out<typeof FamilyHistoryOut>, FamilyHistory>>,
  Assert<Same<Out<typeof DietRecordOut>, DietRecord>>,
  Assert<Same<Out<typeof PatientListPage>["items"][number], PatientListRow>>,
  Assert<Same<Out<typeof PatientRecordOut>, FullPatientRecord>>,
  Assert<Same<Out<typeof AssessmentDetailOut>, AssessmentDetail>>,
  Assert<Same<Out<typeof UploadResult>, Omit<StoredUpload, "created"> & { duplicate: boolean }>>,
  Assert<Same<Out<typeof ReassessResult>["assessment"], Jsonify<Awaited<ReturnType<typeof queueAssessment>>>>>,
  Assert<Same<Out<typeof ScanTags>["tags"][number], DicomTag>>,
  Assert<Same<Out<typeof ModelList>["items"][number], ModelSummary>>,
  Assert<Same<Out<typeof ModelDetailOut>, ModelDetail>>,
  Assert<Same<Out<typeof SessionInfo>["sessions"][number], Jsonify<SessionSummary>>>,
  Assert<Same<Out<typeof UserResult>["user"], Jsonify<PublicUser>>>,
  Assert<Same<Omit<Out<typeof ExportCount>, "columns" | "assessments">, Omit<CohortShape, "rows">>>,
];

// ---- FHIR R4 and CDS Hooks (lib/fhir) -------------------------------------------------------------

/** A FHIR OperationOutcome: the error body of the FHIR API (lib/fhir/outcome.ts). */
export const OperationOutcomeOut = z.looseObject({
  resourceType: z.literal("OperationOutcome"),
  issue: z.array(
    z.looseObject({
      severity: z.enum(["fatal", "error", "warning", "information"]),
      code: z.string(),
      diagnostics: z.string().optional(),
      expression: z.array(z.string()).optional(),
    }),
  ),
});
const fhirResource = z.looseObject({ resourceType: z.string(), id: z.string().optional() });
/** A searchset Bundle (searches, $everything) or a transaction-response / batch-response Bundle (import). */
export const FhirBundleOut = z.looseObject({
  resourceType: z.literal("Bundle"),
  type: z.enum(["searchset", "transaction-response", "batch-response"]),
  total: z.number().int().optional(),
  entry: z.array(z.looseObject({ fullUrl: z.string().optional(), resource: fhirResource.optional(), response: z.looseObject({ status: z.string(), location: z.string().optional() }).optional() })).optional(),
});
export const FhirPatientOut = z.looseObject({ resourceType: z.literal("Patient"), id: uuid });
export const CapabilityStatementOut = z.looseObject({ resourceType: z.literal("CapabilityStatement"), fhirVersion: z.literal("4.0.1") });

export const CdsDiscoveryOut = z.strictObject({
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
/** CDS Hooks 2.0 "CDS Service Response": cards (no suggestions or system actions here). */
export const CdsCardsOut = z.strictObject({
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

const TrustedEhrOut = z.strictObject({
  id: uuid,
  name: z.string(),
  issuer: z.string(),
  jwksUrl: z.string().nullable(),
  jwks: z.unknown(),
  clientId: z.string().nullable(),
  enabled: z.boolean(),
  ...stamps,
});
export const TrustedEhrList = z.strictObject({ items: z.array(TrustedEhrOut) });
export const TrustedEhrResult = z.strictObject({ ehr: TrustedEhrOut });
