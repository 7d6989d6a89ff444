import { createRequire } from "node:module";
import path from "node:path";

/**
 * A plain Node `require`, resolving packages from the app's root (the working directory of the
 * server, CLIs and tests). It is built from a run-time path on purpose: webpack rewrites
 * `createRequire(import.meta.url)` into its own module require, and then `require.resolve()` returns
 * a module id (a number) instead of a file path — which broke WASM loading in the production build.
 */
export function nodeRequire(): NodeJS.Require {
  return createRequire(path.join(process.cwd(), "package.json"));
}
