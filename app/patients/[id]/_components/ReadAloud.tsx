"use client";
// Reads the narrative aloud with the browser's speech synthesis (Web Speech API): one utterance per
// paragraph (long utterances are cut off by some browsers), in the narrative's language, with a
// voice for it (lib/narrative/speech.ts). Pause / resume / stop; every control is a real button.
// When the browser has no speech synthesis, or no voice for the language, the button says so.
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { useTranslations } from "next-intl";
import type { NarrativeLang } from "@/lib/domain/narrative";
import { pickVoice, speechLang } from "@/lib/narrative/speech";
import styles from "./AssessmentNarrative.module.css";

type Support = "checking" | "unsupported" | "no-voice" | "ready";
type Playback = "idle" | "speaking" | "paused";

/** Browsers load their voices after the page; wait this long for them before saying there is none. */
const VOICE_WAIT_MS = 2000;

export function ReadAloud({ lang, paragraphs }: { lang: NarrativeLang; paragraphs: string[] }) {
  const t = useTranslations("readAloud");
  const [playback, setPlayback] = useState<Playback>("idle");
  const [problem, setProblem] = useState<string | null>(null);
  // each reading gets a number: events of a stopped reading's utterances change nothing
  const run = useRef(0);
  // browsers load their voices after the page: "no voice" is said once voices came, or after a wait
  const waited = useRef(false);
  const subscribe = useCallback((changed: () => void) => {
    const synth = window.speechSynthesis;
    synth?.addEventListener?.("voiceschanged", changed);
    const timer = setTimeout(() => {
      waited.current = true;
      changed();
    }, VOICE_WAIT_MS);
    return () => {
      clearTimeout(timer);
      synth?.removeEventListener?.("voiceschanged", changed);
    };
  }, []);
  const support = useSyncExternalStore<Support>(
    subscribe,
    () => {
      const synth = window.speechSynthesis;
      if (!synth || typeof window.SpeechSynthesisUtterance !== "function") return "unsupported";
      const voices = synth.getVoices();
      if (pickVoice(voices, lang)) return "ready";
      return voices.length || waited.current ? "no-voice" : "checking";
    },
    () => "checking",
  );

  // a new text or leaving the page stops the reading
  useEffect(
    () => () => {
      run.current++;
      if (typeof window !== "undefined") window.speechSynthesis?.cancel();
    },
    [paragraphs],
  );

  const stop = useCallback(() => {
    run.current++;
    window.speechSynthesis.cancel();
    setPlayback("idle");
  }, []);

  const speak = useCallback(() => {
    const synth = window.speechSynthesis;
    const voice = pickVoice(synth?.getVoices() ?? [], lang);
    if (!voice) return;
    synth.cancel();
    const id = ++run.current;
    setProblem(null);
    paragraphs.forEach((text, i) => {
      const u = new SpeechSynthesisUtterance(text);
      u.lang = speechLang(lang);
      u.voice = voice;
      if (i === paragraphs.length - 1) u.onend = () => run.current === id && setPlayback("idle");
      u.onerror = (e) => {
        if (run.current !== id || e.error === "canceled" || e.error === "interrupted") return;
        run.current++;
        synth.cancel();
        setPlayback("idle");
        setProblem(t("stopped", { error: e.error }));
      };
      synth.speak(u);
    });
    setPlayback("speaking");
  }, [paragraphs, lang, t]);

  const pause = useCallback(() => {
    window.speechSynthesis.pause();
    setPlayback("paused");
  }, []);
  const resume = useCallback(() => {
    window.speechSynthesis.resume();
    setPlayback("speaking");
  }, []);

  if (support !== "ready") {
    const why =
      support === "checking" ? t("checking") : support === "unsupported" ? t("unsupported") : t("noVoice", { language: t(`language.${lang}`) });
    // focusable (aria-disabled, not disabled) so keyboard and screen-reader users hear why
    return (
      <div className={styles.controls}>
        <button type="button" className={`secondary small ${styles.unavailable}`} aria-disabled="true" data-testid="read-aloud" data-support={support} onClick={(e) => e.preventDefault()}>
          {why}
        </button>
      </div>
    );
  }
  return (
    <div className={styles.controls} role="group" aria-label={t("group")}>
      {playback === "idle" ? (
        <button type="button" className="secondary small" onClick={speak} data-testid="read-aloud" data-support={support}>
          {t("read")}
        </button>
      ) : (
        <>
          {playback === "speaking" ? (
            <button type="button" className="secondary small" onClick={pause} data-testid="read-aloud-pause">{t("pause")}</button>
          ) : (
            <button type="button" className="secondary small" onClick={resume} data-testid="read-aloud-resume">{t("resume")}</button>
          )}
          <button type="button" className="secondary small" onClick={stop} data-testid="read-aloud-stop">{t("stop")}</button>
        </>
      )}
      <span className={styles.status} role="status" data-testid="read-aloud-status">
        {playback === "speaking" ? t("reading") : playback === "paused" ? t("paused") : ""}
      </span>
      {problem && <span className="error-text" role="alert">{problem}</span>}
    </div>
  );
}
