"use client";
import { useTranslations } from "next-intl";
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
  const tv = useTranslations("viewer");
  // a tool or preset without words in messages/<locale>.json keeps its own label
  const toolLabel = (x: MouseTool) => (tv.has(`tools.${x.id}` as never) ? tv(`tools.${x.id}` as never) : x.label);
  const presetLabel = (p: Preset) => (tv.has(`presets.${p.id}` as never) ? tv(`presets.${p.id}` as never) : p.label);
  return (
    <div className="viewer-toolbar" role="toolbar" aria-label={tv("toolbar")}>
      <div role="radiogroup" aria-label={tv("leftMouse")} className="tool-group">
        {mouseTools.map((t) => (
          <button key={t.id} type="button" role="radio" aria-checked={primary === t.id} className={primary === t.id ? "tool on" : "tool"} onClick={() => onPrimary(t.id)} disabled={disabled} title={`${toolLabel(t)} (${t.shortcut})`}>
            {toolLabel(t)}
          </button>
        ))}
      </div>
      {presets.length > 0 && (
        <div className="tool-group" aria-label={tv("presetsGroup")} role="group">
          {presets.map((p) => (
            <button key={p.id} type="button" className="tool" onClick={() => onPreset(p)} disabled={disabled || state.color} title={`W ${p.width} / L ${p.center}${p.key ? ` (${p.key})` : ""}`} data-testid={`preset-${p.id}`}>
              {presetLabel(p)}
            </button>
          ))}
        </div>
      )}
      <div className="tool-group" role="group" aria-label={tv("view")}>
        <button type="button" className={state.invert ? "tool on" : "tool"} aria-pressed={state.invert} onClick={onInvert} disabled={disabled} title={tv("invertTitle")}>{tv("invert")}</button>
        <button type="button" className="tool" onClick={() => onZoom(1.25)} disabled={disabled} title={tv("zoomInTitle")} aria-label={tv("zoomIn")}>+</button>
        <button type="button" className="tool" onClick={() => onZoom(0.8)} disabled={disabled} title={tv("zoomOutTitle")} aria-label={tv("zoomOut")}>−</button>
        <button type="button" className="tool" onClick={onReset} disabled={disabled} title={tv("resetTitle")}>{tv("reset")}</button>
      </div>
      {state.frames > 1 && (
        <label className="tool-group frame-slider">
          <span>{tv("frame")}</span>
          <input type="range" min={1} max={state.frames} value={state.frame + 1} onChange={(e) => onFrame(Number(e.target.value) - 1)} disabled={disabled} aria-valuetext={tv("frameOf", { frame: state.frame + 1, frames: state.frames })} data-testid="frame-slider" />
        </label>
      )}
    </div>
  );
}
