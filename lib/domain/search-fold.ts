/**
 * Accent- and apostrophe-insensitive patient search (issue 16): "Martinez" finds "Martínez",
 * "O’Brien" / "OBrien" find "O'Brien". One fold, applied identically by the database and the app:
 *
 * - the database keeps `Patient.searchKey`, a generated column
 *   `lower(translate(familyName || ' ' || givenName || ' ' || mrn, SEARCH_FOLD_FROM, SEARCH_FOLD_TO))`
 *   (migration 20261203130000_search_fold, trigram-indexed), so it works the same on PostgreSQL and the
 *   embedded PGlite without the `unaccent` extension (PGlite would need it loaded at start-up, and
 *   unaccent() is not IMMUTABLE, so it cannot feed an index or a generated column);
 * - the app folds each search word with `foldSearchText` (the same table, then lower-case).
 *
 * The table: every precomposed Latin letter (U+00C0–U+024F, U+1E00–U+1EFF) whose canonical
 * decomposition (NFD) is one ASCII letter plus combining marks maps to that letter, lower-case
 * (é → e, Ñ → n, Ș → s); a few letters without a decomposition map to their usual base letter
 * (ø, ł, đ, ħ, ı); apostrophe look-alikes (’ ‘ ʼ ʻ ` ´ ′ ‛ ') are dropped. Search text is NFC
 * (lib/domain/names.ts), so decomposed input arrives precomposed. The migration spells the two
 * strings out; test/db/search-fold.int.test.ts checks they equal these constants and that both
 * engines fold every character like `foldSearchText`.
 */

const EXTRA: [string, string][] = [["ø", "o"], ["Ø", "o"], ["ł", "l"], ["Ł", "l"], ["đ", "d"], ["Đ", "d"], ["ħ", "h"], ["Ħ", "h"], ["ı", "i"]];
/** Dropped from names and search words: the ASCII apostrophe and its look-alikes. */
export const SEARCH_APOSTROPHES = "'\u2019\u2018\u02BC\u02BB`\u00B4\u2032\u201B";

function buildTable(): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [lo, hi] of [[0xc0, 0x24f], [0x1e00, 0x1eff]]) {
    for (let cp = lo; cp <= hi; cp++) {
      const c = String.fromCodePoint(cp);
      const base = c.normalize("NFD").replace(/\p{M}/gu, "");
      if (base !== c && /^[A-Za-z]$/.test(base)) pairs.push([c, base.toLowerCase()]);
    }
  }
  return [...pairs, ...EXTRA];
}

const TABLE = buildTable();
const MAP = new Map(TABLE);
/** translate()'s `from`: the folded letters, then the apostrophes (beyond `to`'s length: deleted). */
export const SEARCH_FOLD_FROM = TABLE.map(([c]) => c).join("") + SEARCH_APOSTROPHES;
/** translate()'s `to`. */
export const SEARCH_FOLD_TO = TABLE.map(([, b]) => b).join("");

/** The search form of a text: the folding table applied, apostrophes dropped, lower-cased. */
export function foldSearchText(s: string): string {
  let out = "";
  for (const c of s.normalize("NFC")) {
    if (SEARCH_APOSTROPHES.includes(c)) continue;
    out += MAP.get(c) ?? c;
  }
  return out.toLowerCase();
}

/** The SQL literal of a string (standard_conforming_strings): quotes doubled. */
export const sqlLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;
