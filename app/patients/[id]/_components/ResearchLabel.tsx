/** Shown wherever a score is: the model is a synthetic demo, not a medical device. */
export function ResearchLabel({ modelName, modelVersion }: { modelName?: string; modelVersion?: string }) {
  const href = modelName && modelVersion ? `/models/${encodeURIComponent(modelName)}/${encodeURIComponent(modelVersion)}` : "/models";
  return (
    <p className="research-label" data-testid="research-label">
      Synthetic demo model — research use only, not for diagnosis. <a href={href}>Model card</a>
    </p>
  );
}
