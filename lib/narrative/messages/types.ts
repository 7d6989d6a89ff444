import type { ImageFacts, ModelFacts, OutcomeFacts } from "../facts";

/** One language's sentences for the facts of a narrative; null: nothing to say. */
export type NarrativeMessages = {
  outcome(o: OutcomeFacts): string;
  image(f: ImageFacts): string | null;
  notes(texts: string[]): string | null;
  model(m: ModelFacts): string;
  notice(): string;
};
