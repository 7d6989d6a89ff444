import { text } from "./common";

/**
 * Characters a person's name never needs and that make one name look like another, hide text or
 * reorder it on screen (Trojan-Source-style spoofing in lists, audit views and exports):
 * Cc controls (tab, newline, ESC, DEL, C1), Cf format characters (bidi embeddings, overrides and
 * isolates, LRM/RLM/ALM, zero-width space / joiner / non-joiner, word joiner, BOM, soft hyphen),
 * Zl/Zp line and paragraph separators, Co private use, Cs lone surrogates.
 * (ZWNJ/ZWJ do occur in some Persian and Indic spellings; records are matched on the visible
 * letters, which NFC keeps, so refusing them is the safer trade.)
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}]/u;

function codePoint(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * The one schema for a person's name (patient given / family names, user display names; any new
 * name field uses it too): no NUL, normalised to NFC (so "Zoe" + combining diaeresis and "Zoë"
 * are stored, searched and compared as the same name), trimmed, free of the characters above
 * (a 400 names the field and the code point), 1..max characters.
 */
export const personName = (max: number) =>
  text()
    .overwrite((s) => s.normalize("NFC"))
    .trim()
    .superRefine((s, ctx) => {
      const bad = INVISIBLE.exec(s);
      if (bad)
        ctx.addIssue({
          code: "custom",
          message: `must not contain invisible, direction-changing or control characters (found ${codePoint(bad[0])})`,
          abort: true,
        });
    })
    .min(1, "is required")
    .max(max, `must be ${max} characters or fewer`);
