/**
 * Patient-level split of a snapshot: each patient pseudonym goes to train, validation or test by
 * u = first 32 bits of SHA-256("<seed>:<pseudonym>") / 2³², so all rows of one patient land in the
 * same partition, the split of a patient never depends on who else is in the snapshot (the same
 * patient is in the same partition of next month's snapshot), and evaluating a model with its
 * training seed on any snapshot uses only patients it never trained on.
 */
import { createHash } from "node:crypto";

export type Partition = "train" | "val" | "test";
export type SplitFractions = { train: number; val: number; test: number };
export const DEFAULT_SPLIT: SplitFractions = { train: 0.6, val: 0.15, test: 0.25 };
export const SPLIT_METHOD = "u = SHA-256(\"<seed>:<patient_pseudonym>\")[0..4] / 2^32; train if u < f_train, validation if u < f_train + f_val, else test";

export function unitOf(seed: number, pseudonym: string): number {
  return createHash("sha256").update(`${seed}:${pseudonym}`).digest().readUInt32BE(0) / 2 ** 32;
}

export function partitionOf(seed: number, pseudonym: string, f: SplitFractions = DEFAULT_SPLIT): Partition {
  const u = unitOf(seed, pseudonym);
  const total = f.train + f.val + f.test;
  return u < f.train / total ? "train" : u < (f.train + f.val) / total ? "val" : "test";
}

/** Row indices per partition. */
export function splitRows(patients: readonly string[], seed: number, f: SplitFractions = DEFAULT_SPLIT): Record<Partition, number[]> {
  const memo = new Map<string, Partition>();
  const out: Record<Partition, number[]> = { train: [], val: [], test: [] };
  patients.forEach((p, i) => {
    let part = memo.get(p);
    if (!part) memo.set(p, (part = partitionOf(seed, p, f)));
    out[part].push(i);
  });
  return out;
}

/** k folds by patient (same hash, another salt): fold of each row, 0 … k − 1. */
export function foldsOf(patients: readonly string[], seed: number, k: number): Int32Array {
  const out = new Int32Array(patients.length);
  const memo = new Map<string, number>();
  patients.forEach((p, i) => {
    let f = memo.get(p);
    if (f === undefined) memo.set(p, (f = Math.min(k - 1, Math.floor(unitOf(seed, `fold:${p}`) * k))));
    out[i] = f;
  });
  return out;
}

export const COLUMN_SPLIT_METHOD = "the snapshot's split column (a partition fixed by whoever made the snapshot)";

/** Row indices per partition from a snapshot's own split column; refuses a patient in two partitions. */
export function splitFromColumn(patients: readonly string[], partition: readonly Partition[]): Record<Partition, number[]> {
  const out: Record<Partition, number[]> = { train: [], val: [], test: [] };
  const seen = new Map<string, Partition>();
  partition.forEach((p, i) => {
    const prev = seen.get(patients[i]);
    if (prev && prev !== p) throw new Error(`patient ${patients[i]} is in both ${prev} and ${p} of the snapshot's split column: the split must be by patient`);
    seen.set(patients[i], p);
    out[p].push(i);
  });
  return out;
}
