import busboy from "busboy";
import { Readable } from "node:stream";
import { AppError } from "@/lib/domain/errors";
import { BlobTooLargeError, type ScanStore, type StagedBlob } from "@/lib/storage";

/** The uploaded file, already on disk in the scan store's staging folder (hashed, not yet stored). */
export type UploadedFile = { staged: StagedBlob; filename: string; mimeType: string };
export type MultipartResult = { file: UploadedFile; fields: Record<string, string> };

/** Default ceiling for one uploaded file: 512 MiB (FUSION_UPLOAD_LIMIT_BYTES overrides). */
export const uploadLimitBytes = () => Number(process.env.FUSION_UPLOAD_LIMIT_BYTES ?? 512 * 1024 * 1024);

/**
 * Streams a multipart/form-data body: exactly one file in field `file`, a few small text fields.
 * The file part is streamed into a private temporary file of the scan store (`store.stage`),
 * hashed on the way — never held whole in memory. A file larger than `limit` is cut off (413) and
 * the rest of the stream discarded unread. Whatever goes wrong, the temporary file is removed
 * before this rejects; on success the caller owns it (`staged.commit()` or `staged.discard()`).
 */
export async function readMultipart(req: Request, store: Pick<ScanStore, "stage">, limit = uploadLimitBytes()): Promise<MultipartResult> {
  const ct = req.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data/i.test(ct))
    throw new AppError(415, "unsupported_media_type", "Send the scan as multipart/form-data with the file in the field `file`.");
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit + 64 * 1024) throw tooLarge(limit);
  if (!req.body) throw new AppError(400, "malformed_multipart", "The request has no body.");

  return new Promise<MultipartResult>((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: { "content-type": ct }, limits: { files: 1, fileSize: limit, fields: 20, fieldSize: 16 * 1024, parts: 30 } });
    } catch (e) {
      reject(new AppError(400, "malformed_multipart", `The multipart body could not be read: ${(e as Error).message}`));
      return;
    }
    const fields: Record<string, string> = {};
    let file: UploadedFile | null = null;
    let fileStream: Readable | null = null;
    let staging: Promise<unknown> = Promise.resolve();
    let failed: Error | null = null;
    let pending = 0;
    let finished = false;
    const source = Readable.fromWeb(req.body as never);
    const fail = (e: Error) => {
      if (failed) return;
      failed = e;
      source.unpipe(bb);
      source.destroy();
      fileStream?.destroy(); // ends staging, which removes its temporary file
      // reject only once nothing is left on disk
      void staging
        .catch(() => {})
        .then(() => file?.staged.discard())
        .catch(() => {})
        .finally(() => reject(e));
    };
    const maybeDone = () => {
      if (!finished || pending || failed) return;
      if (!file) return fail(new AppError(400, "file_missing", "No file was uploaded: put it in the multipart field `file`."));
      resolve({ file, fields });
    };
    bb.on("file", (name, stream, info) => {
      if (name !== "file") {
        stream.resume();
        return fail(new AppError(400, "unexpected_file_field", `Files go in the field \`file\`, not \`${name}\`.`));
      }
      pending++;
      fileStream = stream;
      stream.on("limit", () => fail(tooLarge(limit)));
      stream.on("error", (e) => fail(new AppError(400, "malformed_multipart", `The upload was interrupted: ${e.message}`)));
      staging = store.stage(stream, { maxBytes: limit }).then(
        (staged) => {
          pending--;
          fileStream = null;
          if (failed) return staged.discard();
          file = { staged, filename: info.filename ?? "", mimeType: info.mimeType ?? "" };
          maybeDone();
        },
        (e: NodeJS.ErrnoException) => {
          pending--;
          fileStream = null;
          if (e instanceof BlobTooLargeError) fail(tooLarge(limit));
          // the disk (full, not writable) is the server's problem, not the client's: a 500
          else if (e.syscall) fail(e);
          else fail(new AppError(400, "malformed_multipart", `The upload was interrupted: ${e.message}`));
        },
      );
    });
    bb.on("field", (name, value, info) => {
      if (info.valueTruncated) return fail(new AppError(400, "field_too_long", `The form field \`${name}\` is too long.`));
      fields[name] = value;
    });
    bb.on("filesLimit", () => fail(new AppError(400, "too_many_files", "Upload one file per request.")));
    bb.on("partsLimit", () => fail(new AppError(400, "malformed_multipart", "Too many parts in the multipart body.")));
    bb.on("error", (e: Error) => fail(new AppError(400, "malformed_multipart", `The multipart body is malformed: ${e.message}`)));
    bb.on("close", () => {
      finished = true;
      maybeDone();
    });
    source.on("error", (e) => fail(new AppError(400, "malformed_multipart", `The upload was interrupted: ${e.message}`)));
    source.pipe(bb);
  });
}

const tooLarge = (limit: number) =>
  new AppError(413, "file_too_large", `The file is larger than the upload limit of ${Math.round(limit / 1024 / 1024)} MiB.`);
