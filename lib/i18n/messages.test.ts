import { describe, expect, it } from "vitest";
import en from "@/messages/en.json";
import ko from "@/messages/ko.json";
import { localeValues } from "@/lib/domain/locale";
import { MESSAGES as NARRATIVE } from "@/lib/narrative/messages";
import { FLAG_WORD_KEYS } from "@/lib/domain/assessment-flags";
import { flattenMessages, placeholders } from "./message-keys";

/*
 * Every interface message exists in every language, with the same ICU arguments and rich-text
 * tags: a key added to one file only, or a {placeholder} renamed in one, fails here (and the
 * page would show the key instead of words).
 */
const files: Record<string, unknown> = { en, ko };

describe("interface messages (messages/<locale>.json)", () => {
  it("there is a file for every locale", () => {
    expect(Object.keys(files).sort()).toEqual([...localeValues].sort());
  });

  const base = flattenMessages(en);
  for (const locale of localeValues.filter((l) => l !== "en")) {
    const other = flattenMessages(files[locale]);
    it(`${locale} has every key of en, and en every key of ${locale}`, () => {
      expect(Object.keys(base).filter((k) => !(k in other)), `missing in ${locale}`).toEqual([]);
      expect(Object.keys(other).filter((k) => !(k in base)), `missing in en`).toEqual([]);
    });
    it(`${locale} uses the same placeholders and tags as en`, () => {
      const differ = Object.keys(base)
        .filter((k) => k in other)
        .filter((k) => placeholders(base[k]).join() !== placeholders(other[k]).join())
        .map((k) => `${k}: en {${placeholders(base[k]).join(", ")}} vs ${locale} {${placeholders(other[k]).join(", ")}}`);
      expect(differ).toEqual([]);
    });
    it(`${locale} has no empty message`, () => {
      expect(Object.entries(other).filter(([, v]) => !v.trim()).map(([k]) => k)).toEqual([]);
    });
  }
});

describe("narrative messages (lib/narrative/messages/<lang>.ts)", () => {
  it("every language has the same message functions", () => {
    const keys = (m: object) => Object.keys(m).sort();
    for (const lang of localeValues) expect(keys(NARRATIVE[lang]), lang).toEqual(keys(NARRATIVE.en));
  });
  it("every assessment flag has words in every language (lib/domain/assessment-flags.ts)", () => {
    for (const lang of localeValues) expect([...FLAG_WORD_KEYS[lang]].sort(), lang).toEqual([...FLAG_WORD_KEYS.en].sort());
  });
});

describe("flattenMessages / placeholders", () => {
  it("flattens nested namespaces to dotted keys", () => {
    expect(flattenMessages({ a: { b: "x", c: { d: "y" } }, e: "z" })).toEqual({ "a.b": "x", "a.c.d": "y", e: "z" });
  });
  it("finds ICU arguments (plural/select ones too) and rich-text tags, not plural cases", () => {
    expect(placeholders("Try again in {wait, plural, one {# second} other {# seconds}} as <b>{name}</b>.")).toEqual(["<b>", "name", "wait"]);
    expect(placeholders("{count}명 중 {shown}명")).toEqual(["count", "shown"]);
  });
  it("refuses a value that is neither text nor a namespace", () => {
    expect(() => flattenMessages({ a: 1 })).toThrow(/a: a message must be text/);
  });
});
