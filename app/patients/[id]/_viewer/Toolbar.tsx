"use client";
import { useTranslations } from "next-intl";
import type { MouseTool } from "./tools/types";
import type { Preset } from "./tools/presets";
import { CINE_RATES } from "./tools/cine";
import type { ViewportState } from "./types";

/** The toolbar's words in the interface language (messages/<locale>.json → viewer). */
function useToolbarText() {
  const tv = useTranslations("viewer");
  return {
    toolbar: tv("toolbar"),
    leftButton: tv("leftMouse"),
    measure: tv("measure"),
    presets: tv("presetsGroup"),
    view: tv("view"),
    invert: tv("invert"),
    invertTitle: tv("invertTitle"),
    zoomIn: tv("zoomIn"),
    zoomInTitle: tv("zoomInTitle"),
    zoomOut: tv("zoomOut"),
    zoomOutTitle: tv("zoomOutTitle"),
    reset: tv("reset"),
    resetTitle: tv("resetTitle"),
    rotateLeft: tv("rotateLeft"),
    rotateLeftTitle: tv("rotateLeftTitle"),
    rotateRight: tv("rotateRight"),
    rotateRightTitle: tv("rotateRightTitle"),
    flipH: tv("flipH"),
    flipHTitle: tv("flipHTitle"),
    flipV: tv("flipV"),
    flipVTitle: tv("flipVTitle"),
    frame: tv("frame"),
    frameOf: (i: number, n: number) => tv("frameOf", { frame: i, frames: n }),
    cine: tv("cine"),
    play: tv("play"),
    stop: tv("stop"),
    playTitle: tv("playTitle"),
    rate: tv("rate"),
    fps: (n: number) => tv("fps", { n }),
    // a tool or preset without words in the messages keeps its own label
    tool: (x: MouseTool) => (tv.has(`tools.${x.id}` as never) ? tv(`tools.${x.id}` as never) : x.label),
    preset: (p: Preset) => (tv.has(`presets.${p.id}` as never) ? tv(`presets.${p.id}` as never) : p.label),
  };
}

type Props = {
  mouseTools: MouseTool[];
  measureTools: MouseTool[];
  primary: MouseTool["id"];
  onPrimary: (id: MouseTool["id"]) => void;
  presets: Preset[];
  onPreset: (p: Preset) => void;
  onInvert: () => void;
  onReset: () => void;
  onZoom: (factor: number) => void;
  onFrame: (index: number) => void;
  onRotate: (direction: 1 | -1) => void;
  onFlip: (axis: "horizontal" | "vertical") => void;
  cine: { playing: boolean; fps: number; onToggle: () => void; onRate: (fps: number) => void };
  state: ViewportState;
  disabled: boolean;
};

export function Toolbar({ mouseTools, measureTools, primary, onPrimary, presets, onPreset, onInvert, onReset, onZoom, onFrame, onRotate, onFlip, cine, state, disabled }: Props) {
  const TEXT = useToolbarText();
  const toolButton = (t: MouseTool) => (
    <button key={t.id} type="button" role="radio" aria-checked={primary === t.id} className={primary === t.id ? "tool on" : "tool"} onClick={() => onPrimary(t.id)} disabled={disabled} title={`${TEXT.tool(t)} (${t.shortcut})`} data-testid={`tool-${t.id}`}>
      {TEXT.tool(t)}
    </button>
  );
  return (
    <div className="viewer-toolbar" role="toolbar" aria-label={TEXT.toolbar}>
      <div role="radiogroup" aria-label={TEXT.leftButton} className="tool-group tool-radios">
        {mouseTools.map(toolButton)}
        <span className="tool-sep" aria-hidden="true" />
        {measureTools.map(toolButton)}
      </div>
      {presets.length > 0 && (
        <div className="tool-group" aria-label={TEXT.presets} role="group">
          {presets.map((p) => (
            <button key={p.id} type="button" className="tool" onClick={() => onPreset(p)} disabled={disabled || state.color} title={`W ${p.width} / L ${p.center}${p.key ? ` (${p.key})` : ""}`} data-testid={`preset-${p.id}`}>
              {TEXT.preset(p)}
            </button>
          ))}
        </div>
      )}
      <div className="tool-group" role="group" aria-label={TEXT.view}>
        <button type="button" className={state.invert ? "tool on" : "tool"} aria-pressed={state.invert} onClick={onInvert} disabled={disabled} title={TEXT.invertTitle}>{TEXT.invert}</button>
        <button type="button" className="tool" onClick={() => onZoom(1.25)} disabled={disabled} title={TEXT.zoomInTitle} aria-label={TEXT.zoomIn}>+</button>
        <button type="button" className="tool" onClick={() => onZoom(0.8)} disabled={disabled} title={TEXT.zoomOutTitle} aria-label={TEXT.zoomOut}>−</button>
        <button type="button" className="tool" onClick={() => onRotate(-1)} disabled={disabled} title={TEXT.rotateLeftTitle} aria-label={TEXT.rotateLeft} data-testid="rotate-left">⟲</button>
        <button type="button" className="tool" onClick={() => onRotate(1)} disabled={disabled} title={TEXT.rotateRightTitle} aria-label={TEXT.rotateRight} data-testid="rotate-right">⟳</button>
        <button type="button" className={state.flipHorizontal ? "tool on" : "tool"} aria-pressed={state.flipHorizontal} onClick={() => onFlip("horizontal")} disabled={disabled} title={TEXT.flipHTitle} aria-label={TEXT.flipH} data-testid="flip-h">⇆</button>
        <button type="button" className={state.flipVertical ? "tool on" : "tool"} aria-pressed={state.flipVertical} onClick={() => onFlip("vertical")} disabled={disabled} title={TEXT.flipVTitle} aria-label={TEXT.flipV} data-testid="flip-v">⇅</button>
        <button type="button" className="tool" onClick={onReset} disabled={disabled} title={TEXT.resetTitle}>{TEXT.reset}</button>
      </div>
      {state.frames > 1 && (
        <div className="tool-group" role="group" aria-label={TEXT.cine}>
          <button type="button" className={cine.playing ? "tool on" : "tool"} aria-pressed={cine.playing} onClick={cine.onToggle} disabled={disabled} title={TEXT.playTitle} data-testid="cine-toggle">
            {cine.playing ? TEXT.stop : TEXT.play}
          </button>
          <label className="cine-rate">
            <span className="sr-only">{TEXT.rate}</span>
            <select value={cine.fps} onChange={(e) => cine.onRate(Number(e.target.value))} disabled={disabled} data-testid="cine-rate">
              {CINE_RATES.map((r) => (
                <option key={r} value={r}>{TEXT.fps(r)}</option>
              ))}
            </select>
          </label>
        </div>
      )}
      {state.frames > 1 && (
        <label className="tool-group frame-slider">
          <span>{TEXT.frame}</span>
          <input type="range" min={1} max={state.frames} value={state.frame + 1} onChange={(e) => onFrame(Number(e.target.value) - 1)} disabled={disabled} aria-valuetext={TEXT.frameOf(state.frame + 1, state.frames)} data-testid="frame-slider" />
        </label>
      )}
    </div>
  );
}
