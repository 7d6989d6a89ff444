import { forwardedProto } from "@/lib/auth/actor";

/** FHIR and CDS Hooks settings (root README, "Configuration"). */
export type FhirImportConfig = { mrnSystem: string; maxEntries: number; maxBytes: number };

const positive = (v: string | undefined, dflt: number) => {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : dflt;
};

export function fhirImportConfig(env: Record<string, string | undefined> = process.env): FhirImportConfig {
  return {
    // the Patient.identifier system whose value is the MRN (the key patients are matched by)
    mrnSystem: env.FUSION_FHIR_MRN_SYSTEM?.trim() || "urn:fusion-cds:mrn",
    maxEntries: positive(env.FUSION_FHIR_MAX_ENTRIES, 5000),
    maxBytes: positive(env.FUSION_FHIR_MAX_BUNDLE_BYTES, 16 * 1024 * 1024),
  };
}

/**
 * The address this service is reached at by browsers and EHRs (links in CDS cards, the `aud` a CDS
 * Hooks JWT must carry). Set FUSION_PUBLIC_URL in production: without it the request's own Host and
 * the X-Forwarded-Proto / -Host of a trusted proxy are used (scripts/server.mjs drops forwarding
 * headers from any other peer; FUSION_TRUSTED_PROXIES).
 */
export function publicBaseUrl(req: Request | null, env: Record<string, string | undefined> = process.env): string {
  const configured = env.FUSION_PUBLIC_URL?.trim().replace(/\/+$/, "");
  if (configured) return configured;
  if (!req) return "http://127.0.0.1:3000";
  const url = new URL(req.url);
  const proto = forwardedProto(req.headers, env)?.split(",")[0].trim() || url.protocol.replace(":", "");
  const host = req.headers.get("x-forwarded-host")?.split(",")[0].trim() || req.headers.get("host") || url.host;
  return `${proto}://${host}`;
}
