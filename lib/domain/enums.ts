import { z } from "zod";
import * as db from "@/lib/generated/prisma/enums";

/*
 * Every enum of prisma/schema.prisma as a zod enum, derived from the generated Prisma enum objects
 * (`lib/generated/prisma/enums`, plain constants with no client code, safe in browser bundles).
 * The database owns the value sets; a value added to schema.prisma (and its migration) reaches the
 * API validation, the OpenAPI document and the forms after `npm run db:generate`, with no second
 * list to keep in step. `enums.test.ts` checks that every enum in schema.prisma is here.
 */
const oneOf = (values: readonly string[]) => ({ message: `must be one of ${values.join(", ")}` });

export const Sex = z.enum(db.Sex, oneOf(Object.values(db.Sex)));
export type Sex = z.infer<typeof Sex>;
export const sexValues = Sex.options;

export const ConditionStatus = z.enum(db.ConditionStatus, { message: "must be active or resolved" });
export type ConditionStatus = z.infer<typeof ConditionStatus>;
export const conditionStatusValues = ConditionStatus.options;

export const CodeSystem = z.enum(db.CodeSystem, { message: "must be ICD10 or SNOMED" });
export type CodeSystem = z.infer<typeof CodeSystem>;
export const codeSystemValues = CodeSystem.options;

export const Relationship = z.enum(db.Relationship, oneOf(Object.values(db.Relationship)));
export type Relationship = z.infer<typeof Relationship>;
export const relationshipValues = Relationship.options;

export const DietMethod = z.enum(db.DietMethod, oneOf(Object.values(db.DietMethod)));
export type DietMethod = z.infer<typeof DietMethod>;
export const dietMethodValues = DietMethod.options;

export const AssessmentStatus = z.enum(db.AssessmentStatus);
export type AssessmentStatus = z.infer<typeof AssessmentStatus>;

export const FusionStrategy = z.enum(db.FusionStrategy, oneOf(Object.values(db.FusionStrategy)));
export type FusionStrategy = z.infer<typeof FusionStrategy>;
export const fusionStrategyValues = FusionStrategy.options;

/** Prisma `Role`: what a user may do (lib/auth/permissions.ts). */
export const UserRole = z.enum(db.Role);
export type UserRole = z.infer<typeof UserRole>;
export const roleValues = UserRole.options;

export const AuditOutcome = z.enum(db.AuditOutcome);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

/** How the app authenticates to a DICOMweb source (lib/dicomweb/sources.ts). */
export const DicomwebAuth = z.enum(db.DicomwebAuth, { message: "must be none, basic or bearer" });
export type DicomwebAuth = z.infer<typeof DicomwebAuth>;
export const dicomwebAuthValues = DicomwebAuth.options;

/** Where an observed outcome came from (lib/outcomes). */
export const OutcomeSource = z.enum(db.OutcomeSource, oneOf(Object.values(db.OutcomeSource)));
export type OutcomeSource = z.infer<typeof OutcomeSource>;

export const OutcomeStatus = z.enum(db.OutcomeStatus);
export type OutcomeStatus = z.infer<typeof OutcomeStatus>;

/** A model version's place in the registry (lib/training/registry.ts). */
export const ModelStatus = z.enum(db.ModelStatus);
export type ModelStatus = z.infer<typeof ModelStatus>;

export const TrainingJobStatus = z.enum(db.TrainingJobStatus);
export type TrainingJobStatus = z.infer<typeof TrainingJobStatus>;

/** The domain enum of each Prisma enum, by its name in schema.prisma. */
export const prismaEnums = {
  Sex,
  ConditionStatus,
  CodeSystem,
  Relationship,
  DietMethod,
  AssessmentStatus,
  FusionStrategy,
  Role: UserRole,
  AuditOutcome,
  DicomwebAuth,
  OutcomeSource,
  OutcomeStatus,
  ModelStatus,
  TrainingJobStatus,
} as const;
