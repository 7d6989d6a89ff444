import { z } from "zod";
import { parseOrThrow } from "@/lib/domain/validate";
import { uuid } from "@/lib/domain/common";

const IdParams = z.object({ id: uuid });
const EntryParams = z.object({ id: uuid, entryId: uuid });

/** Path ids are UUIDs; anything else is a 400 naming the parameter, not a database error. */
export const patientParams = (p: unknown) => parseOrThrow(IdParams, p, "path");
export const entryParams = (p: unknown) => parseOrThrow(EntryParams, p, "path");
