import { createHash } from "node:crypto";
import { InvalidBlobKeyError } from "./types";

const KEY = /^[0-9a-f]{64}$/;

export const isBlobKey = (key: unknown): key is string => typeof key === "string" && KEY.test(key);

/** Throws unless `key` is a SHA-256 in lowercase hex: nothing else ever becomes a path. */
export function assertBlobKey(key: string): string {
  if (!isBlobKey(key)) throw new InvalidBlobKeyError(String(key));
  return key;
}

/** `ab/cd/abcd…`: two levels of 256 folders keep any folder small at millions of files. */
export const blobRelativePath = (key: string) => `${key.slice(0, 2)}/${key.slice(2, 4)}/${assertBlobKey(key)}`;

export const sha256Hex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
