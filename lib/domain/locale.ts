import { z } from "zod";

/**
 * The languages of the user interface (issue 17 item 3). Plain language subtags: the same values
 * name the narrative's language (lib/domain/narrative.ts), the message files (messages/<locale>.json)
 * and User.locale. Adding one: here, messages/<locale>.json, lib/narrative/messages/<locale>.ts.
 */
export const localeValues = ["en", "ko"] as const;
export const Locale = z.enum(localeValues);
export type Locale = z.infer<typeof Locale>;
export const defaultLocale: Locale = "en";

/** Each language named in itself, for the language selector. */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", ko: "한국어" };

/** The BCP 47 tag a locale is spoken / written as (html lang, speech synthesis). */
export const LOCALE_TAGS: Record<Locale, string> = { en: "en", ko: "ko-KR" };

/** PATCH /api/auth/preferences: one's own interface language; null: no choice (the browser's language decides). */
export const PreferencesUpdate = z.strictObject({ locale: Locale.nullable() });
export type PreferencesUpdate = z.infer<typeof PreferencesUpdate>;

export const isLocale = (v: unknown): v is Locale => typeof v === "string" && (localeValues as readonly string[]).includes(v);
