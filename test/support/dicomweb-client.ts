// The real `dicomweb-client` (0.11, the client OHIF uses) in Node: it speaks XMLHttpRequest, which
// Node lacks, so xhr2 (an XMLHttpRequest over node:http) stands in for the browser's. A browser
// sends the session cookie by itself; xhr2 refuses `Cookie` as a forbidden header like a browser
// would, so this subclass allows it — the only difference from the browser path.
import XHR2 from "xhr2";
import { api } from "dicomweb-client";

type XhrCtor = { new (): XMLHttpRequest; prototype: { _restrictedHeaders: Record<string, boolean> } };
const Base = XHR2 as unknown as XhrCtor;

class NodeXhr extends (Base as unknown as { new (): object }) {}
(NodeXhr.prototype as unknown as { _restrictedHeaders: Record<string, boolean> })._restrictedHeaders = Object.fromEntries(
  Object.entries(Base.prototype._restrictedHeaders).filter(([k]) => k !== "cookie"),
);

export function installXhr(): void {
  (globalThis as unknown as { XMLHttpRequest: unknown }).XMLHttpRequest = NodeXhr;
}

/** The client's methods as used here (its bundled typings require options it does not need). */
export type LooseDicomwebClient = Record<
  | "searchForStudies" | "searchForSeries" | "searchForInstances" | "retrieveInstance" | "retrieveSeries" | "retrieveStudy"
  | "retrieveStudyMetadata" | "retrieveSeriesMetadata" | "retrieveInstanceMetadata" | "retrieveInstanceFrames" | "storeInstances",
  (options: Record<string, unknown>) => Promise<unknown>
>;

/** A dicomweb-client for `root` (…/dicomweb) with these headers (cookie + CSRF, or a bearer token). */
export function dicomwebClient(root: string, headers: Record<string, string>): LooseDicomwebClient {
  installXhr();
  return new api.DICOMwebClient({ url: root, headers, verbose: false, errorInterceptor: () => {} } as never) as unknown as LooseDicomwebClient;
}

/** What a failed dicomweb-client call rejected with. */
export async function failure(p: Promise<unknown>): Promise<{ status: number; response: unknown }> {
  try {
    await p;
  } catch (e) {
    const err = e as { status?: number; response?: unknown };
    return { status: err.status ?? -1, response: err.response };
  }
  throw new Error("expected the request to fail");
}
