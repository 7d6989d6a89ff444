import { route } from "@/lib/http/route";
import { readModelPlot } from "@/lib/db/models";
import { NotFoundError } from "@/lib/domain/errors";

export const dynamic = "force-dynamic";
type P = { name: string; version: string; file: string };

/** ROC / calibration plots of a model bundle (generated SVG; served inert: no scripts, no fetches). */
export const GET = route<P>("model:read", async ({ params }) => {
  const plot = readModelPlot(params.name, params.version, params.file);
  if (!plot) throw new NotFoundError("Plot", `${params.name}/${params.version}/${params.file}`);
  return new Response(new Uint8Array(plot.bytes), {
    headers: {
      "content-type": plot.contentType,
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
      "x-content-type-options": "nosniff",
      "cache-control": "private, max-age=300",
    },
  });
});
