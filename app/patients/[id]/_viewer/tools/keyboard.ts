/**
 * Keyboard shortcuts of the viewer (active while the viewport has focus). The shell maps the
 * action names to tool modules; the help list renders from this table.
 */
import type { MouseTool } from "./types";

export type KeyAction =
  | { kind: "mouseTool"; tool: MouseTool["id"] }
  | { kind: "invert" }
  | { kind: "reset" }
  | { kind: "frame"; delta: number }
  | { kind: "zoom"; factor: number }
  | { kind: "preset"; key: string }
  | { kind: "saliency" }
  | { kind: "window"; dWidth: number; dCenter: number }
  | { kind: "pan"; dx: number; dy: number }
  | { kind: "rotate"; direction: 1 | -1 }
  | { kind: "flip"; axis: "horizontal" | "vertical" }
  | { kind: "cine" };

export const SHORTCUTS: { keys: string; label: string }[] = [
  { keys: "W / P / Z", label: "Left-drag does window/level, pan or zoom" },
  { keys: "L / A / E / B / V", label: "Left-drag draws a length, angle, ellipse ROI, rectangle ROI or probe (saved when finished)" },
  { keys: "1–4", label: "Window presets" },
  { keys: "Shift + ← →", label: "Window width narrower / wider" },
  { keys: "Shift + ↑ ↓", label: "Window level up / down" },
  { keys: "Alt + arrows", label: "Pan the image" },
  { keys: "[ / ]", label: "Rotate 90° left / right" },
  { keys: "H / F", label: "Flip horizontally / vertically" },
  { keys: "C", label: "Cine play / stop (multi-frame scans)" },
  { keys: "I", label: "Invert" },
  { keys: "R", label: "Reset view" },
  { keys: "↑ ↓ or PageUp/PageDown", label: "Previous / next frame" },
  { keys: "+ / −", label: "Zoom in / out" },
  { keys: "S", label: "Saliency overlay on/off" },
];

const ARROWS: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

export function keyAction(e: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey"> & { shiftKey?: boolean }): KeyAction | null {
  if (e.ctrlKey || e.metaKey) return null;
  const arrow = ARROWS[e.key];
  if (e.altKey) return arrow ? { kind: "pan", dx: arrow[0], dy: arrow[1] } : null;
  if (e.shiftKey && arrow) return { kind: "window", dWidth: arrow[0], dCenter: -arrow[1] || 0 };
  switch (e.key) {
    case "w": case "W": return { kind: "mouseTool", tool: "windowLevel" };
    case "p": case "P": return { kind: "mouseTool", tool: "pan" };
    case "z": case "Z": return { kind: "mouseTool", tool: "zoom" };
    case "l": case "L": return { kind: "mouseTool", tool: "length" };
    case "a": case "A": return { kind: "mouseTool", tool: "angle" };
    case "e": case "E": return { kind: "mouseTool", tool: "ellipticalRoi" };
    case "b": case "B": return { kind: "mouseTool", tool: "rectangleRoi" };
    case "v": case "V": return { kind: "mouseTool", tool: "probe" };
    case "i": case "I": return { kind: "invert" };
    case "r": case "R": return { kind: "reset" };
    case "s": case "S": return { kind: "saliency" };
    case "h": case "H": return { kind: "flip", axis: "horizontal" };
    case "f": case "F": return { kind: "flip", axis: "vertical" };
    case "c": case "C": return { kind: "cine" };
    case "[": return { kind: "rotate", direction: -1 };
    case "]": return { kind: "rotate", direction: 1 };
    case "ArrowUp": case "PageUp": return { kind: "frame", delta: -1 };
    case "ArrowDown": case "PageDown": return { kind: "frame", delta: 1 };
    case "+": case "=": return { kind: "zoom", factor: 1.25 };
    case "-": case "_": return { kind: "zoom", factor: 0.8 };
    default:
      return /^[1-9]$/.test(e.key) ? { kind: "preset", key: e.key } : null;
  }
}
