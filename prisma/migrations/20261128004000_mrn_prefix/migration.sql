-- MRN-shaped search words ("DEMO-00123") match MRNs by prefix through this btree: every MRN shares
-- the same leading trigrams, so the trigram index cannot narrow such a search at 100k patients.
CREATE INDEX "Patient_mrn_lower_prefix_idx" ON "Patient" (lower("mrn") text_pattern_ops);
