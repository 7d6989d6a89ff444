/** Transfer syntaxes this layer knows by name, and how each one stores pixel data. */
export type PixelEncoding =
  | "native"
  | "jpeg-baseline"
  | "jpeg-extended"
  | "jpeg-lossless"
  | "jpeg-ls"
  | "jpeg-2000"
  | "htj2k"
  | "rle"
  | "jpeg-xl"
  | "video"
  | "unknown";

export interface TransferSyntaxInfo {
  uid: string;
  name: string;
  encoding: PixelEncoding;
  littleEndian: boolean;
  explicitVr: boolean;
  deflated: boolean;
}

const t = (
  uid: string,
  name: string,
  encoding: PixelEncoding,
  extra: Partial<Pick<TransferSyntaxInfo, "littleEndian" | "explicitVr" | "deflated">> = {},
): TransferSyntaxInfo => ({ uid, name, encoding, littleEndian: true, explicitVr: true, deflated: false, ...extra });

export const IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";
export const EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
export const DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1.99";
export const EXPLICIT_VR_BIG_ENDIAN = "1.2.840.10008.1.2.2";

const TABLE: TransferSyntaxInfo[] = [
  t(IMPLICIT_VR_LITTLE_ENDIAN, "Implicit VR Little Endian", "native", { explicitVr: false }),
  t(EXPLICIT_VR_LITTLE_ENDIAN, "Explicit VR Little Endian", "native"),
  t(DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, "Deflated Explicit VR Little Endian", "native", { deflated: true }),
  t(EXPLICIT_VR_BIG_ENDIAN, "Explicit VR Big Endian (retired)", "native", { littleEndian: false }),
  t("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", "jpeg-baseline"),
  t("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", "jpeg-extended"),
  t("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", "jpeg-lossless"),
  t("1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [SV1])", "jpeg-lossless"),
  t("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless", "jpeg-ls"),
  t("1.2.840.10008.1.2.4.81", "JPEG-LS Near-Lossless", "jpeg-ls"),
  t("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)", "jpeg-2000"),
  t("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression", "jpeg-2000"),
  t("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component (Lossless Only)", "jpeg-2000"),
  t("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component", "jpeg-2000"),
  t("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 (Lossless Only)", "htj2k"),
  t("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options (Lossless Only)", "htj2k"),
  t("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000", "htj2k"),
  t("1.2.840.10008.1.2.4.110", "JPEG XL Lossless", "jpeg-xl"),
  t("1.2.840.10008.1.2.4.111", "JPEG XL JPEG Recompression", "jpeg-xl"),
  t("1.2.840.10008.1.2.4.112", "JPEG XL", "jpeg-xl"),
  t("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level", "video"),
  t("1.2.840.10008.1.2.4.101", "MPEG2 Main Profile / High Level", "video"),
  t("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1", "video"),
  t("1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1", "video"),
  t("1.2.840.10008.1.2.4.104", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video", "video"),
  t("1.2.840.10008.1.2.4.105", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video", "video"),
  t("1.2.840.10008.1.2.4.106", "MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2", "video"),
  t("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1", "video"),
  t("1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10 Profile / Level 5.1", "video"),
  t("1.2.840.10008.1.2.5", "RLE Lossless", "rle"),
];

const BY_UID = new Map(TABLE.map((e) => [e.uid, e]));

export function transferSyntaxInfo(uid: string): TransferSyntaxInfo {
  return BY_UID.get(uid) ?? t(uid, `Unknown transfer syntax ${uid}`, "unknown");
}

/**
 * The standard name of a transfer syntax this table knows, or null. Unlike
 * `transferSyntaxInfo(uid).name`, never echoes the UID: a file header can put any text there.
 */
export function knownTransferSyntaxName(uid: unknown): string | null {
  return typeof uid === "string" ? (BY_UID.get(uid.trim())?.name ?? null) : null;
}

/** Encodings `decodeFrame` can turn into pixels in Node. */
export const DECODABLE_ENCODINGS: ReadonlySet<PixelEncoding> = new Set<PixelEncoding>([
  "native",
  "jpeg-baseline",
  "jpeg-extended",
  "jpeg-lossless",
  "jpeg-ls",
  "jpeg-2000",
  "rle",
]);
