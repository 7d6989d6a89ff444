import { route } from "@/lib/http/route";
import { prisma } from "@/lib/db/client";
import { listModels } from "@/lib/db/models";
import type { ModelList } from "@/lib/domain/responses";

export const dynamic = "force-dynamic";

/** Model versions (database registry + committed bundles + versions assessments used). */
export const GET = route("model:read", async () => ({ items: await listModels(await prisma()) }) satisfies ModelList);
