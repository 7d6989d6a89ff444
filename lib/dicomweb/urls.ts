/**
 * URLs of this server's DICOMweb resources (RetrieveURL in answers), under /dicomweb on the origin
 * the request came to.
 */
export const DICOMWEB_ROOT = "/dicomweb";

export function dicomwebUrls(req: Request) {
  const root = `${new URL(req.url).origin}${DICOMWEB_ROOT}`;
  return {
    root,
    study: (study: string) => `${root}/studies/${study}`,
    series: (study: string, series: string) => `${root}/studies/${study}/series/${series}`,
    instance: (study: string, series: string, sop: string) => `${root}/studies/${study}/series/${series}/instances/${sop}`,
  };
}
