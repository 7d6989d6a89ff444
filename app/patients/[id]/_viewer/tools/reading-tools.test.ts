import { describe, expect, it } from "vitest";
import { orientationLetters } from "./orientation";
import { keyAction } from "./keyboard";

describe("orientation letters (DICOM patient axes: +x left, +y posterior, +z head)", () => {
  it("names the axis a direction points along, strongest first", () => {
    expect(orientationLetters([1, 0, 0])).toBe("L");
    expect(orientationLetters([-1, 0, 0])).toBe("R");
    expect(orientationLetters([0, 1, 0])).toBe("P");
    expect(orientationLetters([0, -1, 0])).toBe("A");
    expect(orientationLetters([0, 0, 1])).toBe("H");
    expect(orientationLetters([0, 0, -1])).toBe("F");
    // oblique: two letters, the larger component first; small components are left out
    expect(orientationLetters([-0.8, 0.6, 0.05])).toBe("RP");
    expect(orientationLetters([0.1, 0, -0.99])).toBe("F");
  });
});

describe("viewer keyboard", () => {
  const k = (key: string, mods: { shiftKey?: boolean; altKey?: boolean; ctrlKey?: boolean } = {}) => keyAction({ key, ctrlKey: false, metaKey: false, altKey: false, ...mods });
  it("chooses the measure tools", () => {
    expect(k("l")).toEqual({ kind: "mouseTool", tool: "length" });
    expect(k("A")).toEqual({ kind: "mouseTool", tool: "angle" });
    expect(k("e")).toEqual({ kind: "mouseTool", tool: "ellipticalRoi" });
    expect(k("b")).toEqual({ kind: "mouseTool", tool: "rectangleRoi" });
    expect(k("v")).toEqual({ kind: "mouseTool", tool: "probe" });
  });
  it("Shift+arrows change the window, Alt+arrows pan, plain ↑↓ still change frame", () => {
    expect(k("ArrowRight", { shiftKey: true })).toEqual({ kind: "window", dWidth: 1, dCenter: 0 });
    expect(k("ArrowUp", { shiftKey: true })).toEqual({ kind: "window", dWidth: 0, dCenter: 1 });
    expect(k("ArrowLeft", { altKey: true })).toEqual({ kind: "pan", dx: -1, dy: 0 });
    expect(k("ArrowDown")).toEqual({ kind: "frame", delta: 1 });
    expect(k("ArrowDown", { ctrlKey: true })).toBeNull();
  });
  it("rotates, flips and starts cine", () => {
    expect(k("]")).toEqual({ kind: "rotate", direction: 1 });
    expect(k("[")).toEqual({ kind: "rotate", direction: -1 });
    expect(k("h")).toEqual({ kind: "flip", axis: "horizontal" });
    expect(k("F")).toEqual({ kind: "flip", axis: "vertical" });
    expect(k("c")).toEqual({ kind: "cine" });
  });
});
