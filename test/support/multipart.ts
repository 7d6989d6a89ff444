/** A multipart upload Request as a browser sends it (FormData body, real boundary). */
export function uploadRequest(
  url: string,
  file: { bytes: Uint8Array; name: string; type?: string } | null,
  fields: Record<string, string> = {},
  headers: Record<string, string> = {},
): Request {
  const form = new FormData();
  if (file) form.append("file", new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type ?? "application/dicom" }), file.name);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return new Request(url, { method: "POST", body: form, headers });
}
