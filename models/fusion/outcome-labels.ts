// The outcome words in every interface language, one place: cohort.ts writes the English ones into
// each trained bundle (which then owns them); lib/domain/clinical-terms.ts reads the translations.
export const OUTCOME_LABELS = {
  "lung_cancer_2y": {
    "en": {
      "label": "Lung cancer diagnosis within 2 years",
      "shortLabel": "Lung ca 2y"
    },
    "ko": {
      "label": "2년 내 폐암 진단",
      "shortLabel": "폐암 2년"
    }
  },
  "mace_5y": {
    "en": {
      "label": "Major adverse cardiovascular event within 5 years",
      "shortLabel": "MACE 5y"
    },
    "ko": {
      "label": "5년 내 주요 심혈관 사건(MACE)",
      "shortLabel": "MACE 5년"
    }
  }
} as const satisfies Record<string, Record<"en" | "ko", { label: string; shortLabel: string }>>;
