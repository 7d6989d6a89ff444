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
  ],
  // Cornerstone's DICOM loader references `fs` in code paths the browser never takes.
  turbopack: { resolveAlias: { fs: { browser: "./lib/empty-module.js" } } },
  webpack: (config, { isServer }) => {
    if (!isServer) config.resolve.fallback = { ...(config.resolve.fallback ?? {}), fs: false };
    return config;
  },
};

export default nextConfig;
