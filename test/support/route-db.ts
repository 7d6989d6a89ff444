// Route handlers reach the database through lib/db/client's one-per-process handle. Integration
// tests that run the same cases on both engines point that handle at the engine under test.
import type { DbHandle } from "@/lib/db/client";

/** Makes `prisma()` / `getDb()` (and so every route handler) use this engine's database. */
export function routeHandlersUse(engine: DbHandle): void {
  (globalThis as unknown as { __fusionDb?: Promise<DbHandle> }).__fusionDb = Promise.resolve(engine);
}

/** Forgets the handle again (the engine itself is closed by its own drop()). */
export function routeHandlersRelease(): void {
  delete (globalThis as unknown as { __fusionDb?: Promise<DbHandle> }).__fusionDb;
}
