import { describe, expect, it } from "vitest";
import { pickVoice, speechLang } from "./speech";

describe("read-aloud voice", () => {
  it("speaks English as en, with an English voice of any region, the browser's default first", () => {
    expect(speechLang("en")).toBe("en");
    const voices = [
      { name: "Yuna", lang: "ko-KR" },
      { name: "Daniel", lang: "en-GB" },
      { name: "Samantha", lang: "en_US", default: true },
    ];
    expect(pickVoice(voices, "en")?.name).toBe("Samantha");
    expect(pickVoice(voices.slice(0, 2), "en")?.name).toBe("Daniel");
  });
  it("no voice for the language: null (the button says so)", () => {
    expect(pickVoice([{ name: "Yuna", lang: "ko-KR" }], "en")).toBeNull();
    expect(pickVoice([], "en")).toBeNull();
  });
});
