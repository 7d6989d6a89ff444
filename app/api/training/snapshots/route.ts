import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { requestInfo } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { SnapshotCreate, parseOrThrow } from "@/lib/domain";
import { buildSnapshot, listSnapshots } from "@/lib/training/snapshots";

export const dynamic = "force-dynamic";

/** Training snapshots built from the database (lib/training/README.md). */
export const GET = route("model:train", async () => ({ items: await listSnapshots(await getDb()) }));

/** Builds a de-identified training snapshot (audited); the same data give the same sha256 (200, existing). */
export const POST = route("model:train", async ({ req, actor }) => {
  const input = parseOrThrow(SnapshotCreate, await readJson(req), "snapshot");
  const s = await buildSnapshot(await getDb(), input, { actor, request: requestInfo(req) });
  return Response.json(s, { status: s.existing ? 200 : 201 });
});
