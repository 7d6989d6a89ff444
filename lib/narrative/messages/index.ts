import type { NarrativeLang } from "@/lib/domain/narrative";
import type { NarrativeMessages } from "./types";
import { en } from "./en";
import { ko } from "./ko";

export type { NarrativeMessages };

/** Every narrative language's messages: adding `ko` to NarrativeLang fails to compile until its messages are here. */
export const MESSAGES: Record<NarrativeLang, NarrativeMessages> = { en, ko };
