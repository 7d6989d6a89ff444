import type { PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/domain/errors";
import { audit } from "@/lib/auth/audit";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import { dicomJsonOffThread, framesOffThread } from "@/lib/dicom/off-thread";
import { isDicomError } from "@/lib/dicom";
import type { DicomJson } from "@/lib/dicom/json-model";
import { readScanBytes } from "@/lib/db/scans";
import { scanStoreFor } from "@/lib/db/scan-store";
import { scanInForce } from "@/lib/db/in-force";
import { newBoundary, parseContentType, relatedStream } from "./multipart";
import { dicomwebUrls } from "./urls";

/**
 * WADO-RS (PS3.18 §10.4): a study's, a series' or one instance's Part 10 files as
 * multipart/related; type="application/dicom"; their headers as DICOM JSON (`/metadata`); and
 * frames (`/frames/1,2`) as stored or uncompressed (lib/dicom/frames.ts, in a decode thread).
 *
 * Transfer syntaxes. Instances are served as stored: an Accept naming another syntax answers 406
 * (a whole-file transcoder is not part of this server; the frames route converts pixel data).
 * PS3.18 makes Explicit VR Little Endian the default when `transfer-syntax` is absent; like most
 * archives this server then sends the stored file (OHIF and dicomweb-client ask for `*`).
 *
 * Every retrieval is audited, one row per patient, before the first byte is sent. Only DICOM scans
 * with their three UIDs are DICOMweb instances; one instance stored twice is served once (the
 * first stored); an instance entered in error (issue 12) is not served — 404, as if not stored.
 */
type Who = { actor: Actor; request: RequestInfo };
type Target = { study: string; series?: string; instance?: string };
type Instance = { id: string; patientId: string; storageKey: string | null; study: string; series: string; sop: string; transferSyntaxUid: string | null };

async function findInstances(db: PrismaClient, t: Target): Promise<Instance[]> {
  const rows = await db.scan.findMany({
    where: {
      studyInstanceUid: t.study,
      ...(t.series ? { seriesInstanceUid: t.series } : { seriesInstanceUid: { not: null } }),
      ...(t.instance ? { sopInstanceUid: t.instance } : { sopInstanceUid: { not: null } }),
      contentType: "application/dicom",
      ...scanInForce, // an instance entered in error is not served (QIDO-RS does not list it either)
    },
    orderBy: [{ seriesInstanceUid: "asc" }, { createdAt: "asc" }],
    select: { id: true, patientId: true, storageKey: true, studyInstanceUid: true, seriesInstanceUid: true, sopInstanceUid: true, transferSyntaxUid: true, metadata: true },
  });
  const seen = new Set<string>();
  const out: (Instance & { n: number })[] = [];
  for (const r of rows) {
    if (seen.has(r.sopInstanceUid!)) continue;
    seen.add(r.sopInstanceUid!);
    const n = Number((r.metadata as { tags?: { keyword: string; value: string }[] })?.tags?.find?.((x) => x.keyword === "InstanceNumber")?.value ?? NaN);
    out.push({ id: r.id, patientId: r.patientId, storageKey: r.storageKey, study: r.studyInstanceUid!, series: r.seriesInstanceUid!, sop: r.sopInstanceUid!, transferSyntaxUid: r.transferSyntaxUid, n });
  }
  // series together, instances in Instance Number order (as a viewer stacks them)
  out.sort((a, b) => (a.series === b.series ? (Number.isFinite(a.n) && Number.isFinite(b.n) ? a.n - b.n : 0) : a.series < b.series ? -1 : 1));
  if (!out.length) {
    const what = t.instance ? `Instance ${t.instance}` : t.series ? `Series ${t.series}` : `Study ${t.study}`;
    throw new AppError(404, "not_found", `${what} is not stored here.`);
  }
  return out;
}

async function auditRetrieve(db: PrismaClient, who: Who, instances: Instance[], t: Target, what: string): Promise<void> {
  const patients = [...new Set(instances.map((i) => i.patientId))];
  const entityType = t.instance ? "Instance" : t.series ? "Series" : "Study";
  for (const pid of patients)
    await audit(db, {
      ...who,
      action: "dicomweb.retrieve",
      entityType,
      entityId: t.instance ?? t.series ?? t.study,
      patientId: pid,
      outcome: "success",
      details: { what, study: t.study, series: t.series ?? null, instances: instances.filter((i) => i.patientId === pid).length },
    });
}

type MediaRange = { type: string; params: Record<string, string> };
export function parseAccept(header: string | null): MediaRange[] {
  if (!header?.trim()) return [{ type: "*/*", params: {} }];
  // split on commas outside quotes
  const ranges: string[] = [];
  let cur = "";
  let quoted = false;
  for (const ch of header) {
    if (ch === '"') quoted = !quoted;
    if (ch === "," && !quoted) {
      ranges.push(cur);
      cur = "";
    } else cur += ch;
  }
  ranges.push(cur);
  return ranges.map((r) => parseContentType(r)).map(({ mediaType, params }) => ({ type: mediaType, params }));
}

const notAcceptable = (message: string) => new AppError(406, "not_acceptable", message);

/** Instances: the Accept header must allow multipart/related; type="application/dicom" in the stored syntax. */
function checkInstanceAccept(accept: string | null, instances: Instance[]): void {
  const ranges = parseAccept(accept);
  for (const r of ranges) {
    if (r.type === "*/*" || r.type === "multipart/*") return;
    if (r.type !== "multipart/related") continue;
    const type = (r.params.type ?? "application/dicom").toLowerCase();
    if (type !== "application/dicom") continue;
    const ts = r.params["transfer-syntax"];
    if (!ts || ts === "*" || instances.every((i) => i.transferSyntaxUid === ts)) return;
  }
  const stored = [...new Set(instances.map((i) => i.transferSyntaxUid ?? "unknown"))].join(", ");
  throw notAcceptable(`Instances are sent as multipart/related; type="application/dicom" in their stored transfer syntax (${stored}); ask for transfer-syntax=* or that syntax.`);
}

/** The instances as a multipart/related stream of Part 10 files, read from the scan store one at a time. */
export async function retrieveInstances(db: PrismaClient, req: Request, t: Target, who: Who): Promise<Response> {
  const instances = await findInstances(db, t);
  checkInstanceAccept(req.headers.get("accept"), instances);
  await auditRetrieve(db, who, instances, t, "instances");
  const store = scanStoreFor(db);
  const urls = dicomwebUrls(req);
  const boundary = newBoundary();
  async function* parts() {
    for (const i of instances) {
      const bytes = await readScanBytes(db, store, { id: i.id, storageKey: i.storageKey });
      yield { contentType: `application/dicom${i.transferSyntaxUid ? `; transfer-syntax=${i.transferSyntaxUid}` : ""}`, bytes, location: urls.instance(i.study, i.series, i.sop) };
    }
  }
  return new Response(relatedStream(boundary, parts()), {
    status: 200,
    headers: { "content-type": `multipart/related; type="application/dicom"; boundary=${boundary}` },
  });
}

/** The headers in the DICOM JSON model (one object per instance), read from the stored files off-thread. */
export async function retrieveMetadata(db: PrismaClient, req: Request, t: Target, who: Who): Promise<DicomJson[]> {
  const instances = await findInstances(db, t);
  await auditRetrieve(db, who, instances, t, "metadata");
  const store = scanStoreFor(db);
  const urls = dicomwebUrls(req);
  const out: DicomJson[] = [];
  for (const i of instances) {
    const bytes = await readScanBytes(db, store, { id: i.id, storageKey: i.storageKey });
    try {
      const { dataset } = await dicomJsonOffThread(bytes);
      dataset["00081190"] = { vr: "UR", Value: [urls.instance(i.study, i.series, i.sop)] };
      out.push(dataset);
    } catch (e) {
      if (isDicomError(e) && e.code === "decoder_busy") throw new AppError(503, "decoder_busy", e.message);
      // a stored file that dcmjs cannot read (no Part 10 header): its UIDs at least
      out.push({ "0020000D": { vr: "UI", Value: [i.study] }, "0020000E": { vr: "UI", Value: [i.series] }, "00080018": { vr: "UI", Value: [i.sop] }, "00081190": { vr: "UR", Value: [urls.instance(i.study, i.series, i.sop)] } });
    }
  }
  return out;
}

/**
 * Frames of one instance. The Accept header's ranges are tried in order: multipart/related with
 * type application/octet-stream (transfer-syntax absent → Explicit VR Little Endian, `*` → as
 * stored, or a named syntax) or an image type (as stored); 406 when none can be met.
 */
export async function retrieveFrames(db: PrismaClient, req: Request, t: Required<Target>, numbers: number[], who: Who): Promise<Response> {
  const [instance] = await findInstances(db, t);
  const ranges = parseAccept(req.headers.get("accept"));
  const wants: (string | null)[] = [];
  for (const r of ranges) {
    if (r.type === "*/*" || r.type === "multipart/*") wants.push("*");
    else if (r.type === "multipart/related") {
      const type = (r.params.type ?? "application/octet-stream").toLowerCase();
      const ts = r.params["transfer-syntax"] ?? null;
      if (type === "application/octet-stream") wants.push(ts);
      else if (type.startsWith("image/")) wants.push(ts ?? "*");
    }
  }
  if (!wants.length) throw notAcceptable('Frames are sent as multipart/related; type="application/octet-stream" (or the image type of the stored compression).');
  await auditRetrieve(db, who, [instance], t, "frames");
  const bytes = await readScanBytes(db, scanStoreFor(db), { id: instance.id, storageKey: instance.storageKey });
  let lastError: AppError | null = null;
  for (const want of [...new Set(wants)]) {
    try {
      const got = await framesOffThread(bytes, numbers, want);
      const boundary = newBoundary();
      async function* parts() {
        for (const f of got.frames) yield { contentType: `${got.mediaType}; transfer-syntax=${got.transferSyntaxUid}`, bytes: f };
      }
      return new Response(relatedStream(boundary, parts()), {
        status: 200,
        headers: { "content-type": `multipart/related; type="${got.mediaType}"; boundary=${boundary}` },
      });
    } catch (e) {
      if (!isDicomError(e)) throw e;
      if (e.code === "transfer_syntax_unavailable") {
        lastError = notAcceptable(e.message);
        continue;
      }
      if (e.code === "frame_out_of_range") throw new AppError(404, "frame_not_found", e.message);
      if (e.code === "decoder_busy") throw new AppError(503, "decoder_busy", e.message);
      if (e.code === "no_pixel_data") throw new AppError(404, "no_frames", e.message);
      throw new AppError(422, e.code, e.message);
    }
  }
  throw lastError ?? notAcceptable("No acceptable representation of these frames.");
}
