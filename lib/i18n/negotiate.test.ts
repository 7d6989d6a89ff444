import { describe, expect, it } from "vitest";
import { localeFromAcceptLanguage, negotiateLocale, parseAcceptLanguage } from "./negotiate";

describe("parseAcceptLanguage", () => {
  it("orders ranges by q-value, then by position; drops q=0 and blanks", () => {
    expect(parseAcceptLanguage("en-US;q=0.8, ko-KR, ko;q=0.9, fr;q=0, ,de")).toEqual(["ko-kr", "de", "ko", "en-us"]);
  });
  it("nothing for a missing header", () => {
    expect(parseAcceptLanguage(null)).toEqual([]);
    expect(parseAcceptLanguage("")).toEqual([]);
  });
});

describe("localeFromAcceptLanguage", () => {
  it("the first range we have a language for, by its primary subtag", () => {
    expect(localeFromAcceptLanguage("ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7")).toBe("ko");
    expect(localeFromAcceptLanguage("fr-FR, ko;q=0.5, en;q=0.4")).toBe("ko");
    expect(localeFromAcceptLanguage("en-GB")).toBe("en");
  });
  it("* means any: the default; none of ours: null", () => {
    expect(localeFromAcceptLanguage("fr, *;q=0.1")).toBe("en");
    expect(localeFromAcceptLanguage("fr, de")).toBeNull();
  });
  it("a range that only starts like ours is not ours", () => {
    expect(localeFromAcceptLanguage("kok-IN, en;q=0.1")).toBe("en");
  });
});

describe("negotiateLocale", () => {
  it("the user's saved choice wins over the cookie and the browser", () => {
    expect(negotiateLocale({ user: "ko", cookie: "en", acceptLanguage: "en-US" })).toBe("ko");
    expect(negotiateLocale({ user: "en", cookie: "ko", acceptLanguage: "ko-KR" })).toBe("en");
  });
  it("no saved choice: the cookie, then Accept-Language", () => {
    expect(negotiateLocale({ user: null, cookie: "ko", acceptLanguage: "en-US" })).toBe("ko");
    expect(negotiateLocale({ user: null, cookie: undefined, acceptLanguage: "ko-KR,ko;q=0.9" })).toBe("ko");
  });
  it("values that are not our languages are ignored; default English", () => {
    expect(negotiateLocale({ user: "de", cookie: "ko-KR", acceptLanguage: "ja" })).toBe("en");
    expect(negotiateLocale({})).toBe("en");
  });
});
