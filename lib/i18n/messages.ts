import type { Locale } from "@/lib/domain/locale";
import type en from "@/messages/en.json";

export type Messages = typeof en;

/** One language's interface messages (messages/<locale>.json), loaded on the server only. */
export async function loadMessages(locale: Locale): Promise<Messages> {
  const all: Record<Locale, () => Promise<{ default: Messages }>> = {
    en: () => import("@/messages/en.json"),
    ko: () => import("@/messages/ko.json"),
  };
  return (await all[locale]()).default;
}
