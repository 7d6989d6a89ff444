// npm run fhir:import -- FILE.json|FILE.ndjson [--group 250]
//
// Imports a FHIR R4 Bundle (.json: transaction, batch, collection or searchset) or NDJSON (.ndjson,
// one resource per line) into the configured database (DATABASE_URL, else the embedded folder).
// Everything is checked before anything is written; a refused file prints the OperationOutcome's
// issues (entry or line, element, reason) and exits 1. Re-assessments of changed patients are queued
// for the workers on the model registry's active model (this command loads no model); on a database
// where no worker has registered a model yet, the records are imported all the same, nothing is
// queued, and the output says so. The embedded database is one process at a time: while the server runs, this
// command is refused with the lock message — import through the server then (POST /fhir/R4, or
// "Import FHIR records" on the dashboard's patient list).
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { createDb } from "@/lib/db/client";
import { DataDirLockedError } from "@/lib/db/data-dir-lock";
import { AssessmentQueue } from "@/lib/jobs/queue";
import { importBundle, parseJsonText, reassessmentNotQueued, type ImportContext, type ImportSummary } from "@/lib/fhir/import";
import { importNdjson } from "@/lib/fhir/ndjson";
import { FhirError } from "@/lib/fhir/outcome";

const USAGE = "usage: npm run fhir:import -- FILE.json|FILE.ndjson [--group PATIENTS_PER_TRANSACTION]";

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: { group: { type: "string", default: "250" }, help: { type: "boolean", short: "h", default: false } }, allowPositionals: true, strict: true });
  if (values.help || positionals.length !== 1) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const file = positionals[0];
  const text = await readFile(file, "utf8").catch((e: Error) => {
    console.error(`fhir:import: cannot read ${file}: ${e.message}`);
    return null;
  });
  if (text === null) return 1;
  let handle;
  try {
    handle = await createDb();
  } catch (e) {
    if (!(e instanceof DataDirLockedError)) throw e;
    console.error(`fhir:import: ${e.message}`);
    console.error("While the server runs, import through it: POST /fhir/R4 (application/fhir+json or application/x-ndjson), or \"Import FHIR records\" on /patients.");
    return 1;
  }
  const queue = await AssessmentQueue.open(handle);
  try {
    const ctx: ImportContext = { actor: null, request: { clientAddress: null, userAgent: null, source: "cli" }, queue };
    const t0 = performance.now();
    const s: ImportSummary = /\.ndjson$/i.test(file) ? await importNdjson(handle.prisma, text, ctx, Number(values.group)) : await importBundle(handle.prisma, parseJsonText(text), ctx);
    const seconds = (performance.now() - t0) / 1000;
    const created = s.patients.filter((p) => p.created).length;
    const changed = s.patients.filter((p) => p.changed && !p.created).length;
    const queued = s.patients.filter((p) => p.assessmentId).length;
    const skippedEntries = s.entries.filter((x) => x?.outcome?.some((i) => i !== reassessmentNotQueued)).length;
    console.log(
      `imported ${s.patients.length} patients from ${file} in ${seconds.toFixed(1)} s: ${created} new, ${changed} changed, ${s.patients.length - created - changed} unchanged; ` +
        `${queued} re-assessments queued; ${skippedEntries} entries not imported (see the outcome of each in the HTTP answer)`,
    );
    if (s.notQueued)
      console.log(
        `note: ${s.notQueued} changed patient(s) were not queued for re-assessment: no risk model is registered yet (no assessment worker has started on this database). ` +
          "Start one (npm start, or npm run worker), then re-assess them from their record pages.",
      );
    return 0;
  } catch (e) {
    if (e instanceof FhirError) {
      console.error(`fhir:import: ${file} was refused (${e.status}); nothing was written:`);
      for (const i of e.issues.slice(0, 50)) console.error(`  ${i.expression?.[0] ?? "(file)"}: ${i.diagnostics}`);
      if (e.issues.length > 50) console.error(`  … and ${e.issues.length - 50} more`);
      return 1;
    }
    throw e;
  } finally {
    await queue.stop();
    await handle.close();
  }
}

process.exitCode = await main();
