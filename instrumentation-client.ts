// Runs in the browser before the app's own code (Next.js instrumentation-client). zod 4 probes
// whether it may compile parsers with `new Function` when the first object schema is created; our
// CSP (proxy.ts: script-src with a nonce, no 'unsafe-eval') refuses it and the browser reports a
// CSP violation for every page that loads a schema, even though zod catches the error. Jitless
// mode skips the probe (and compiling): client-side validation is small, the interpreter is fast enough.
import { config } from "zod";

config({ jitless: true });
