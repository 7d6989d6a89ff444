"use client";
import { useTranslations } from "next-intl";
// The saved measurements of the open scan (issue 16): tool, value with units, author, time;
// choosing one shows its frame; the author may delete their own.
import type { MeasurementView } from "@/lib/domain/measurement";
import { formatMeasurement, MEASURE_TOOLS } from "./tools/measure";

/** The panel's words in the interface language (messages/<locale>.json → viewer.measurements). */
function usePanelText() {
  const t = useTranslations("viewer.measurements");
  const tv = useTranslations("viewer");
  return {
    title: t("title"),
    empty: t("empty"),
    frame: (n: number) => t("frame", { n }),
    show: t("show"),
    showTitle: t("showTitle"),
    delete: t("delete"),
    deleteLabel: (tool: string, value: string) => t("deleteLabel", { tool, value }),
    roiStats: (v: Parameters<NonNullable<Parameters<typeof formatMeasurement>[1]>>[0]) => t("roiStats", v),
    tool: (id: MeasurementView["toolType"]) => (tv.has(`tools.${id}` as never) ? tv(`tools.${id}` as never) : (MEASURE_TOOLS.find((m) => m.id === id)?.label ?? id)),
  };
}

const pad = (n: number) => String(n).padStart(2, "0");
/** YYYY-MM-DD HH:mm in the reader's time zone (unambiguous in every locale). */
export function formatWhen(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

type Props = { items: MeasurementView[]; message: string | null; frames: number; onShow: (m: MeasurementView) => void; onDelete: (m: MeasurementView) => void };

export function MeasurementPanel({ items, message, frames, onShow, onDelete }: Props) {
  const TEXT = usePanelText();
  return (
    <section className="measurements" aria-labelledby="measurements-title" data-testid="measurements">
      <h3 id="measurements-title">{TEXT.title} <span className="muted">({items.length})</span></h3>
      <p className="measurements-status" role="status" data-testid="measurement-status">{message ?? ""}</p>
      {items.length === 0 ? (
        <p className="muted">{TEXT.empty}</p>
      ) : (
        <ul>
          {items.map((m) => {
            const tool = TEXT.tool(m.toolType);
            const value = formatMeasurement(m, TEXT.roiStats);
            return (
              <li key={m.id} data-testid="measurement-row" data-tool={m.toolType} data-frame={m.frameIndex}>
                <button type="button" className="measurement-show" onClick={() => onShow(m)} title={TEXT.showTitle}>
                  <span className="sr-only">{TEXT.show} </span>
                  <span className="measurement-tool">{tool}</span>
                  <span className="measurement-value mono">{value}</span>
                </button>
                <span className="measurement-meta muted">
                  {m.author.displayName} · <time dateTime={m.createdAt}>{formatWhen(m.createdAt)}</time>
                  {frames > 1 ? ` · ${TEXT.frame(m.frameIndex + 1)}` : ""}
                </span>
                {m.mine && (
                  <button type="button" className="tool measurement-delete" onClick={() => onDelete(m)} aria-label={TEXT.deleteLabel(tool, value)}>
                    {TEXT.delete}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
