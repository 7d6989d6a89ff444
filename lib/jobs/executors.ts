import type { PGlite } from "@electric-sql/pglite";
import type { Prisma } from "@/lib/generated/prisma/client";

/** pg-boss talks to the database through `executeSql(text, values) → { rows }`. */
export type SqlExecutor = { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> };

// pg serialises plain objects as JSON; the other drivers want the JSON text.
const prep = (values: unknown[] = []) =>
  values.map((v) => (v !== null && typeof v === "object" && !(v instanceof Date) && !Array.isArray(v) && !(v instanceof Uint8Array) ? JSON.stringify(v) : v));

/**
 * Embedded database: pg-boss's schema scripts are several statements without parameters, which
 * only PGlite's `exec` accepts; everything else goes through `query`.
 */
export function pgliteExecutor(db: PGlite): SqlExecutor {
  return {
    async executeSql(text, values) {
      if (!values || values.length === 0) {
        const results = await db.exec(text);
        return { rows: results.length ? results[results.length - 1].rows : [] };
      }
      const r = await db.query(text, prep(values) as never[]);
      return { rows: r.rows };
    },
  };
}

/** Runs pg-boss statements inside a Prisma interactive transaction (transactional enqueue). */
export function prismaTxExecutor(tx: Prisma.TransactionClient): SqlExecutor {
  return {
    async executeSql(text, values) {
      const rows = await tx.$queryRawUnsafe<unknown[]>(text, ...prep(values));
      return { rows };
    },
  };
}
