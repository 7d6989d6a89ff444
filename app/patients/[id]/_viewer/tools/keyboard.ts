/**
 * Keyboard shortcuts of the viewer (active while the viewport has focus). The shell maps the
 * action names to tool modules; the help list renders from this table.
 */
export type KeyAction =
  | { kind: "mouseTool"; tool: "windowLevel" | "pan" | "zoom" }
  | { kind: "invert" }
  | { kind: "reset" }
  | { kind: "frame"; delta: number }
  | { kind: "zoom"; factor: number }
  | { kind: "preset"; key: string }
  | { kind: "saliency" };

export const SHORTCUTS: { keys: string; label: string }[] = [
  { keys: "W / P / Z", label: "Left-drag does window/level, pan or zoom" },
  { keys: "1–4", label: "Window presets" },
  { keys: "I", label: "Invert" },
  { keys: "R", label: "Reset view" },
  { keys: "↑ ↓ or PageUp/PageDown", label: "Previous / next frame" },
  { keys: "+ / −", label: "Zoom in / out" },
  { keys: "S", label: "Saliency overlay on/off" },
];

export function keyAction(e: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey">): KeyAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  switch (e.key) {
    case "w": case "W": return { kind: "mouseTool", tool: "windowLevel" };
    case "p": case "P": return { kind: "mouseTool", tool: "pan" };
    case "z": case "Z": return { kind: "mouseTool", tool: "zoom" };
    case "i": case "I": return { kind: "invert" };
    case "r": case "R": return { kind: "reset" };
    case "s": case "S": return { kind: "saliency" };
    case "ArrowUp": case "PageUp": return { kind: "frame", delta: -1 };
    case "ArrowDown": case "PageDown": return { kind: "frame", delta: 1 };
    case "+": case "=": return { kind: "zoom", factor: 1.25 };
    case "-": case "_": return { kind: "zoom", factor: 0.8 };
    default:
      return /^[1-9]$/.test(e.key) ? { kind: "preset", key: e.key } : null;
  }
}
