-- One stored-assessment schema (lib/domain/assessment.ts StoredAssessment) and the model registry
-- as the database's owner of outcome labels and risk-category thresholds (issue 11).

-- 1. ModelVersion.outcomes: the model's heads in words and their category thresholds
--    ([{ head, label, shortLabel, categories: { moderateFrom, highFrom } }], lib/domain/outcomes.ts),
--    written from the bundle's inference.json whenever a model is registered. Rows registered
--    before this migration get them from the model card they stored (card.heads: name, label,
--    categories); the short label is the label until the model is registered again.
ALTER TABLE "ModelVersion" ADD COLUMN "outcomes" JSONB;

UPDATE "ModelVersion" AS mv
   SET "outcomes" = o.outcomes
  FROM (
    SELECT v."id",
           jsonb_agg(
             jsonb_build_object(
               'head', h ->> 'name',
               'label', h ->> 'label',
               'shortLabel', COALESCE(h ->> 'shortLabel', h ->> 'label'),
               'categories', jsonb_build_object('moderateFrom', h -> 'categories' -> 'moderateFrom', 'highFrom', h -> 'categories' -> 'highFrom'))
             ORDER BY t.ord) AS outcomes
      FROM "ModelVersion" AS v
      CROSS JOIN LATERAL jsonb_array_elements(v."card" -> 'heads') WITH ORDINALITY AS t(h, ord)
     WHERE jsonb_typeof(v."card" -> 'heads') = 'array'
     GROUP BY v."id"
    -- only cards whose every head has a name, a label and both thresholds
    HAVING bool_and(jsonb_typeof(h -> 'name') = 'string' AND jsonb_typeof(h -> 'label') = 'string'
                    AND jsonb_typeof(h -> 'categories' -> 'moderateFrom') = 'number'
                    AND jsonb_typeof(h -> 'categories' -> 'highFrom') = 'number')
  ) AS o
 WHERE o."id" = mv."id";

-- 2. Finished assessments written by the first fusion engine (before model 1.0.0) kept every
--    head's modality contributions in "modalityContributions"; since then that field holds the
--    headline head's and "modalityContributionsByHead" holds every head's.
UPDATE "Assessment"
   SET "explanation" = "explanation"
         || jsonb_build_object(
              'modalityContributionsByHead', "explanation" -> 'modalityContributions',
              'modalityContributions', "explanation" -> 'modalityContributions' -> ("explanation" ->> 'modalityContributionsHead'))
 WHERE "status" = 'done'
   AND jsonb_typeof("explanation") = 'object'
   AND NOT ("explanation" ? 'modalityContributionsByHead')
   AND jsonb_typeof("explanation" -> 'modalityContributions' -> ("explanation" ->> 'modalityContributionsHead')) = 'object';

-- 3. Finished assessments written before the image out-of-distribution check (model 1.0.0 and the
--    first weeks of 1.1.0) have no "imageCheck": no image was checked, which is now said as null.
UPDATE "Assessment"
   SET "explanation" = "explanation" || '{"imageCheck": null}'::jsonb
 WHERE "status" = 'done'
   AND jsonb_typeof("explanation") = 'object'
   AND "explanation" ? 'path'
   AND NOT ("explanation" ? 'imageCheck');
