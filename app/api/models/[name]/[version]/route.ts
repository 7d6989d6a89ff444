import { route } from "@/lib/http/route";
import { prisma } from "@/lib/db/client";
import { getModel } from "@/lib/db/models";
import type { ModelDetail } from "@/lib/domain/responses";

export const dynamic = "force-dynamic";
type P = { name: string; version: string };

/** One model version: card, metrics, report (markdown) and the names of its plots. */
export const GET = route<P>("model:read", async ({ params }): Promise<ModelDetail> => getModel(await prisma(), params.name, params.version));
