/**
 * Process-wide state (pools, caches, the queue): kept on `globalThis`, because Next.js evaluates a
 * module once per bundle (server, route handlers, instrumentation) and again on every dev reload, so
 * a module-level variable would not be one per process. The caller names and types its own keys
 * (prefixed `__fusion` / `__fcds` / `__fhir` / `__cds`); they start undefined.
 */
export function processGlobals<T extends Record<string, unknown>>(): Partial<T> {
  return globalThis as unknown as Partial<T>;
}
