import { useTranslations } from "next-intl";
import type { RiskCategory } from "@/lib/domain/outcomes";

export const formatPct = (p: number) => `${(p * 100).toFixed(p < 0.1 ? 1 : 0)}%`;

/**
 * Colour-blind-safe badge (Okabe–Ito blue / orange / vermillion) that never relies on colour
 * alone: the word and a shape marker carry the category too.
 */
const MARK: Record<RiskCategory, string> = { low: "○", moderate: "◐", high: "●" };
export function CategoryBadge({ category }: { category: RiskCategory }) {
  const t = useTranslations("risk.category");
  return (
    <span className={`risk-badge risk-${category}`} data-category={category}>
      <span aria-hidden="true">{MARK[category]} </span>
      {t(category)}
    </span>
  );
}
