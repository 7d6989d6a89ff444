import { z } from "zod";
import { ValidationError, type FieldIssue } from "./errors";

/** Parse with a zod schema; on failure throw a ValidationError whose message names each field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what = "input"): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw validationErrorFrom(r.error, what);
}

export function validationErrorFrom(error: z.ZodError, what = "input"): ValidationError {
  const issues: FieldIssue[] = error.issues.map((i) => {
    let path = i.path.map(String).join(".");
    let message = i.message;
    if (i.code === "unrecognized_keys") {
      path = [...i.path.map(String), ...i.keys].join(", ") || i.keys.join(", ");
      message = `unknown field${i.keys.length > 1 ? "s" : ""}: ${i.keys.join(", ")}`;
    }
    return { path: path || "(body)", message };
  });
  const summary = issues.map((i) => (i.message.startsWith("unknown field") ? i.message : `${i.path}: ${i.message}`));
  return new ValidationError(`Invalid ${what}: ${summary.join("; ")}`, issues);
}
