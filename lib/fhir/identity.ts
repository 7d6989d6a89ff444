import { createHash } from "node:crypto";

/**
 * The identity an imported resource keeps in the record (`fhirSource` of Condition, FamilyHistory,
 * DietRecord), so that importing the same resource again finds its entry:
 *   1. its first identifier with a system and a value: "Condition|system|value";
 *   2. else its logical id: "Condition/id" (ids are unique per type on the sending server);
 *   3. else its fullUrl when that is a real URL (not a urn:uuid, which senders mint per export);
 *   4. else a hash of the resource without meta/text/id: the same content is the same entry, but a
 *      changed resource without any identity becomes a new entry (the sender gave nothing to match).
 * A resource that yields several entries (a FamilyMemberHistory with several conditions) adds "#n".
 */
export function sourceKey(resource: Record<string, unknown>, fullUrl: string | undefined): string {
  const type = String(resource.resourceType);
  const ids = Array.isArray(resource.identifier) ? (resource.identifier as { system?: unknown; value?: unknown }[]) : [];
  const id0 = ids.find((i) => typeof i?.system === "string" && typeof i?.value === "string" && i.value);
  if (id0) return `${type}|${id0.system}|${id0.value}`;
  if (typeof resource.id === "string" && resource.id) return `${type}/${resource.id}`;
  if (fullUrl && !/^urn:(uuid|oid):/i.test(fullUrl)) return `${type}@${fullUrl}`;
  const { meta: _m, text: _t, id: _i, ...rest } = resource;
  return `${type}#${createHash("sha256").update(stableJson(rest)).digest("hex").slice(0, 32)}`;
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v as object).sort().map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`).join(",")}}`;
  return JSON.stringify(v);
}
