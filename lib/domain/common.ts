import { z } from "zod";

/** A calendar date as `YYYY-MM-DD` that really exists (no 2023-02-30). */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, "is not a real calendar date");

export const uuid = z.uuid({ message: "must be a UUID" });

/** PostgreSQL cannot store U+0000 in text (it answered 500): refused as bad input instead. */
export const NUL_MESSAGE = "must not contain NUL characters (U+0000)";
export const hasNul = (s: string) => s.includes("\u0000");

/**
 * Every free-text field of an API input starts here instead of `z.string()`: a string without NUL
 * characters (checked first, on the raw value, so the 400 names the field). Chain `.trim()`,
 * `.max()` etc. as usual. Query parameters are checked the same way in lib/http/body queryObject.
 */
export const text = () => z.string().refine((s) => !hasNul(s), { message: NUL_MESSAGE, abort: true });

/** Today's date (UTC) as YYYY-MM-DD; a function so tests can reason about "the future". */
export function todayIso(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export const notInFuture = (s: string) => s <= todayIso();

/**
 * `.refine(...atLeastOneField)` on a PATCH body: it must change something. Unknown keys are refused
 * by the strict shape; a body of only unknown keys gets that message alone, not this one too.
 */
export const atLeastOneField = [
  (v: object) => Object.keys(v).length > 0,
  {
    message: "give at least one field to change",
    when: (p: { issues: readonly { code?: string }[] }) => !p.issues.some((i) => i.code === "unrecognized_keys"),
  },
] as const;

export const pageQuery = z.strictObject({
  page: z.coerce.number().int().min(1, "must be 1 or more").default(1),
  pageSize: z.coerce.number().int().min(1, "must be 1 or more").max(200, "must be 200 or less").default(25),
});

export type Page<T> = { items: T[]; total: number; page: number; pageSize: number };

/** Date -> YYYY-MM-DD (dates are stored as SQL `date`, returned by the driver at UTC midnight). */
export function toIsoDate(d: Date): string;
export function toIsoDate(d: Date | null | undefined): string | null;
export function toIsoDate(d: Date | null | undefined): string | null {
  return d ? d.toISOString().slice(0, 10) : null;
}

export function fromIsoDate(s: string): Date {
  return new Date(`${s}T00:00:00.000Z`);
}
