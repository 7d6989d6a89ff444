"use client";
import type { MouseTool } from "./tools/types";
import type { Preset } from "./tools/presets";
import type { ViewportState } from "./types";

type Props = {
  mouseTools: MouseTool[];
  primary: MouseTool["id"];
  onPrimary: (id: MouseTool["id"]) => void;
  presets: Preset[];
  onPreset: (p: Preset) => void;
  onInvert: () => void;
  onReset: () => void;
  onZoom: (factor: number) => void;
  onFrame: (index: number) => void;
  state: ViewportState;
  disabled: boolean;
};

export function Toolbar({ mouseTools, primary, onPrimary, presets, onPreset, onInvert, onReset, onZoom, onFrame, state, disabled }: Props) {
  return (
    <div className="viewer-toolbar" role="toolbar" aria-label="Viewer tools">
      <div role="radiogroup" aria-label="Left mouse button" className="tool-group">
        {mouseTools.map((t) => (
          <button key={t.id} type="button" role="radio" aria-checked={primary === t.id} className={primary === t.id ? "tool on" : "tool"} onClick={() => onPrimary(t.id)} disabled={disabled} title={`${t.label} (${t.shortcut})`}>
            {t.label}
          </button>
        ))}
      </div>
      {presets.length > 0 && (
        <div className="tool-group" aria-label="Window presets" role="group">
          {presets.map((p) => (
            <button key={p.id} type="button" className="tool" onClick={() => onPreset(p)} disabled={disabled || state.color} title={`W ${p.width} / L ${p.center}${p.key ? ` (${p.key})` : ""}`} data-testid={`preset-${p.id}`}>
              {p.label}
            </button>
          ))}
        </div>
      )}
      <div className="tool-group" role="group" aria-label="View">
        <button type="button" className={state.invert ? "tool on" : "tool"} aria-pressed={state.invert} onClick={onInvert} disabled={disabled} title="Invert (I)">Invert</button>
        <button type="button" className="tool" onClick={() => onZoom(1.25)} disabled={disabled} title="Zoom in (+)" aria-label="Zoom in">+</button>
        <button type="button" className="tool" onClick={() => onZoom(0.8)} disabled={disabled} title="Zoom out (−)" aria-label="Zoom out">−</button>
        <button type="button" className="tool" onClick={onReset} disabled={disabled} title="Reset (R)">Reset</button>
      </div>
      {state.frames > 1 && (
        <label className="tool-group frame-slider">
          <span>Frame</span>
          <input type="range" min={1} max={state.frames} value={state.frame + 1} onChange={(e) => onFrame(Number(e.target.value) - 1)} disabled={disabled} aria-valuetext={`Frame ${state.frame + 1} of ${state.frames}`} data-testid="frame-slider" />
        </label>
      )}
    </div>
  );
}
