import type { NarrativeLang } from "@/lib/domain/narrative";

/**
 * Which speech-synthesis voice reads a narrative aloud (the Web Speech API is the browser's; this
 * is the pure part, so it is tested without one). A language's BCP 47 tag for the utterance, and
 * the voice: one whose language is exactly that tag, else one of the same primary language
 * ("en-US" reads "en"), the browser's default among them first. None: the reader says so.
 */
const SPEECH_LANG: Record<NarrativeLang, string> = { en: "en", ko: "ko-KR" };

/** The utterance's `lang` for a narrative language (ko → "ko-KR"). */
export function speechLang(lang: NarrativeLang): string {
  return SPEECH_LANG[lang];
}

/** What the reader needs of a SpeechSynthesisVoice. */
export type VoiceLike = { lang: string; name: string; default?: boolean };

const primary = (tag: string) => tag.toLowerCase().replace(/_/g, "-").split("-")[0];

export function pickVoice<V extends VoiceLike>(voices: readonly V[], lang: NarrativeLang): V | null {
  const tag = speechLang(lang).toLowerCase();
  const exact = voices.filter((v) => v.lang.toLowerCase().replace(/_/g, "-") === tag);
  const same = voices.filter((v) => primary(v.lang) === primary(tag));
  const pool = exact.length ? exact : same;
  return pool.find((v) => v.default) ?? pool[0] ?? null;
}
