import { useTranslations } from "next-intl";

/** Shown wherever a score is: the model is a synthetic demo, not a medical device. */
export function ResearchLabel({ modelName, modelVersion }: { modelName?: string; modelVersion?: string }) {
  const href = modelName && modelVersion ? `/models/${encodeURIComponent(modelName)}/${encodeURIComponent(modelVersion)}` : "/models";
  const t = useTranslations("risk");
  return (
    <p className="research-label" data-testid="research-label">
      {t("researchLabel")} <a href={href}>{t("modelCard")}</a>
    </p>
  );
}
