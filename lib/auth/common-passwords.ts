import { dictionary } from "@zxcvbn-ts/language-common";

/**
 * Is this password, or what is left of it after the usual decorations, a commonly used one?
 *
 * The list is zxcvbn-ts's `passwords-common` (49k passwords ranked by how often they appear in
 * breach corpora, lower case), plus a few words this application invites. A password counts as
 * common when, after NFKC + lower case, any of these is on the list:
 *   the whole of it; it without spaces, dots, dashes, underscores ("pass word" → "password");
 *   its core: without a trailing and a leading run of up to 6 digits/symbols each
 *   ("Password123!" → "password", "Welcome2026!!" → "welcome", "2024Summer" → "summer");
 *   the core with leet substitutions undone ("P@ssw0rd2024!" → "password");
 *   the unit of a repeated core ("letmein-letmein" → "letmein").
 * Cores shorter than 4 characters are not checked (the length rule covers those passwords).
 */
const EXTRA = [
  "hospital", "doctor", "nurse", "medical", "clinic", "clinician", "research", "researcher", "radiology", "patient",
  "fusion", "fusioncds", "fusion-cds", "changeme", "administrator", "correcthorsebatterystaple",
];

let common: Set<string> | null = null;
function list(): Set<string> {
  common ??= new Set([...dictionary["passwords-common"], ...EXTRA]);
  return common;
}

const LEET: Record<string, string> = { "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a", $: "s", "!": "i", "+": "t", "|": "l" };
const unleet = (s: string) => s.replace(/[0134578@$!+|9]/g, (c) => LEET[c] ?? c);

function core(s: string): string {
  let out = s;
  const tail = /[^\p{L}]+$/u.exec(out);
  if (tail && tail[0].length <= 6) out = out.slice(0, out.length - tail[0].length);
  const head = /^[^\p{L}]+/u.exec(out);
  if (head && head[0].length <= 6) out = out.slice(head[0].length);
  return out;
}

/** The forms of a password that are looked up (exported for tests). */
export function commonPasswordForms(password: string): string[] {
  const lower = password.normalize("NFKC").toLowerCase();
  const compact = lower.replace(/[\s._-]+/g, "");
  const forms = new Set([lower, compact, lower.replace(/[^\p{L}\p{N}]+$/u, ""), compact.replace(/[^\p{L}\p{N}]+$/u, "")]);
  for (const base of [lower, compact]) {
    const c = core(base);
    if ([...c].length < 4) continue;
    forms.add(c);
    forms.add(unleet(c));
    const rep = /^(.{4,}?)\1+$/u.exec(c);
    if (rep) forms.add(rep[1]);
  }
  return [...forms].filter(Boolean);
}

export function isCommonPassword(password: string): boolean {
  const l = list();
  return commonPasswordForms(password).some((f) => l.has(f));
}
