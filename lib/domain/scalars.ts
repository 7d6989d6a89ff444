import { z } from "zod";

/** Scalars of API answers and stored JSON. */

/** A moment as JSON carries it: `Date.toISOString()` (UTC, milliseconds, `Z`). */
export const timestamp = z.iso.datetime();

/** A row id as answered (no custom message: answers are produced, not typed in). */
export const id = z.uuid();

/** A calibrated probability. */
export const probability = z.number().min(0).max(1);
