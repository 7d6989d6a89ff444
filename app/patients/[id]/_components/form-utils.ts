"use client";
import { useIssueText } from "@/app/_components/useIssueText";
import { useApiError } from "@/app/_components/useApiError";
import { useState } from "react";
import type { z } from "zod";
import type { ApiIssue } from "./api";

export type FieldErrors = Record<string, string>;

/** zod issues (client) or API issues (server) → one message per field, keyed by its path. */
export function issuesToErrors(issues: { path: PropertyKey[] | string; message: string }[]): FieldErrors {
  const out: FieldErrors = {};
  for (const i of issues) {
    const key = Array.isArray(i.path) ? i.path.map(String).join(".") || "_form" : (i.path as string) || "_form";
    out[key] ??= i.message;
  }
  return out;
}

/**
 * Form state of raw strings, validated with the same zod schema the API uses. `toInput` turns
 * the strings into the schema's input (numbers, nulls, booleans).
 */
export function useSchemaForm<S extends z.ZodType>(schema: S, initial: Record<string, string>, toInput: (v: Record<string, string>) => unknown) {
  const issueText = useIssueText();
  const apiError = useApiError();
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = (k: string, v: string) => {
    setValues((old) => ({ ...old, [k]: v }));
    if (errors[k]) setErrors(({ [k]: _drop, ...rest }) => rest);
  };
  const validate = (): z.output<S> | null => {
    const r = schema.safeParse(toInput(values));
    if (r.success) {
      setErrors({});
      return r.data;
    }
    setErrors(issuesToErrors(r.error.issues.map((i) => ({ path: i.path, message: issueText(i) }))));
    return null;
  };
  const serverErrors = (issues: ApiIssue[], message: string, code?: string, status = 400) =>
    setErrors(issues.length ? issuesToErrors(issues.map((i) => ({ path: i.path, message: issueText(i) }))) : { _form: apiError({ error: { code, message } }, status) });
  const reset = () => {
    setValues(initial);
    setErrors({});
  };
  return { values, errors, set, validate, serverErrors, reset, setErrors };
}

export const numOrNull = (s: string) => (s.trim() === "" ? null : Number(s));
export const strOrNull = (s: string) => (s.trim() === "" ? null : s.trim());
