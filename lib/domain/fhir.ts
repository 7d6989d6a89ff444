import { z } from "zod";
import { atLeastOneField, text } from "./common";

/**
 * Inputs of the FHIR read API (query strings), the CDS Hooks service and the trusted-EHR
 * administration. FHIR resources themselves are checked by the R4 validator (lib/fhir/validator.ts)
 * and mapped by lib/fhir/mapping.ts with the record's own schemas.
 */

/** `patient=` of a FHIR search: a patient id, or a reference `Patient/{id}`. */
const patientRef = text()
  .trim()
  .transform((s) => s.replace(/^Patient\//, ""))
  .pipe(z.uuid({ message: "must be a patient id (a UUID) or Patient/{id}" }));

export const FhirPatientSearch = z.strictObject({
  /** `system|value` or a bare value (an MRN) */
  identifier: text().trim().min(1, "is required").max(300, "must be 300 characters or fewer"),
});
export const FhirByPatientSearch = z.strictObject({ patient: patientRef });
export const fhirObservationCategories = ["social-history", "survey"] as const;
export const FhirObservationSearch = z.strictObject({
  patient: patientRef,
  category: text()
    .trim()
    .transform((s) => s.replace(/^http:\/\/terminology\.hl7\.org\/CodeSystem\/observation-category\|/, ""))
    .pipe(z.enum(fhirObservationCategories, { message: `must be ${fhirObservationCategories.join(" or ")}` }))
    .optional(),
});

// ---- CDS Hooks 2.0 --------------------------------------------------------------------------------

const resourceLike = z.looseObject({ resourceType: z.string() });

/** The body of POST /cds-services/{id} for the patient-view hook (CDS Hooks 2.0 "HTTP Request"). */
export const CdsPatientViewRequest = z.looseObject({
  hook: z.literal("patient-view", { message: "this service answers the patient-view hook" }),
  hookInstance: text().min(1, "is required").max(200),
  fhirServer: z.url({ message: "must be the EHR's FHIR base URL" }).optional(),
  fhirAuthorization: z
    .looseObject({
      access_token: z.string().min(1),
      token_type: z.literal("Bearer"),
      expires_in: z.number().int().nonnegative(),
      scope: z.string(),
      subject: z.string(),
      patient: z.string().optional(),
    })
    .nullable()
    .optional(),
  context: z.looseObject({
    userId: text().min(1, "is required"),
    patientId: text().min(1, "is required").max(64),
    encounterId: text().optional(),
  }),
  prefetch: z.record(z.string(), resourceLike.nullable()).optional(),
});
export type CdsPatientViewRequest = z.infer<typeof CdsPatientViewRequest>;

// ---- trusted EHRs ----------------------------------------------------------------------------------

const jwk = z.looseObject({ kty: z.string() });
export const TrustedEhrCreate = z
  .strictObject({
    name: text().trim().min(1, "is required").max(120, "must be 120 characters or fewer"),
    /** the `iss` of the EHR's JWTs */
    issuer: text().trim().min(1, "is required").max(500),
    jwksUrl: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).max(2000).nullable().optional(),
    jwks: z.strictObject({ keys: z.array(jwk).min(1, "needs at least one key").max(20) }).nullable().optional(),
    /** when set, the JWT's `sub` must equal it */
    clientId: text().trim().min(1).max(200).nullable().optional(),
    enabled: z.boolean().default(true),
  })
  .refine((v) => !!v.jwksUrl || !!v.jwks, { message: "give jwksUrl or jwks (the keys that verify the EHR's tokens)", path: ["jwksUrl"] });
export type TrustedEhrCreate = z.infer<typeof TrustedEhrCreate>;

export const TrustedEhrUpdate = z
  .strictObject({
    name: text().trim().min(1).max(120).optional(),
    jwksUrl: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).max(2000).nullable().optional(),
    jwks: z.strictObject({ keys: z.array(jwk).min(1).max(20) }).nullable().optional(),
    clientId: text().trim().min(1).max(200).nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .refine(...atLeastOneField);
export type TrustedEhrUpdate = z.infer<typeof TrustedEhrUpdate>;

