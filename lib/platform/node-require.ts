import { createRequire as importedCreateRequire } from "node:module";
import path from "node:path";

/**
 * A plain Node `require`, resolving packages from the app's root (the working directory of the
 * server, CLIs and tests). webpack rewrites `createRequire` calls into its own module system (in
 * the production build `require.resolve()` then returned module ids, or nothing), so the real one
 * is taken from `process.getBuiltinModule` (Node ≥ 20.16), which bundlers do not touch.
 */
export function nodeRequire(): NodeJS.Require {
  const builtin = (process as unknown as { getBuiltinModule?: (id: string) => typeof import("node:module") | undefined }).getBuiltinModule?.("node:module");
  const createRequire = builtin?.createRequire ?? importedCreateRequire;
  return createRequire(path.join(process.cwd(), "package.json"));
}
