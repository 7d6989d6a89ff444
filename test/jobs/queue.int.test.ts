// The assessment queue (pg-boss) on both engines: transactional enqueue, fetch, retry, dead letter.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { engines, type TestEngine } from "../support/engines";
import { AssessmentQueue, ASSESSMENT_DEAD_LETTER } from "@/lib/jobs/queue";

describe.each(engines)("assessment queue on %s", (_name, open) => {
  let e: TestEngine;
  let q: AssessmentQueue;
  beforeAll(async () => {
    e = await open();
    q = await AssessmentQueue.open(e, { retryLimit: 1, retryDelay: 1 });
  });
  afterAll(async () => {
    await q?.stop();
    await e?.drop();
  });

  it("a job enqueued in a committed transaction is fetched once", async () => {
    const id = randomUUID();
    await e.prisma.$transaction(async (tx) => q.enqueueInTx(tx, { assessmentId: id }));
    const jobs = await q.fetch(5);
    expect(jobs.map((j) => j.id)).toEqual([id]);
    expect(jobs[0].data).toEqual({ assessmentId: id });
    expect(await q.fetch(5)).toEqual([]); // active, not handed out twice
    await q.complete(id);
  });

  it("a job enqueued in a rolled-back transaction never exists", async () => {
    const id = randomUUID();
    await expect(
      e.prisma.$transaction(async (tx) => {
        await q.enqueueInTx(tx, { assessmentId: id });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await q.fetch(5)).toEqual([]);
    expect(await q.boss.getJobById("assessment", id)).toBeNull();
  });

  it("a failed job is retried, then dead-lettered", async () => {
    const id = randomUUID();
    await e.prisma.$transaction(async (tx) => q.enqueueInTx(tx, { assessmentId: id }));
    const [first] = await q.fetch();
    expect(first.retryCount).toBe(0);
    await q.fail(id, new Error("first failure"));
    let retry: Awaited<ReturnType<AssessmentQueue["fetch"]>> = [];
    for (let i = 0; i < 40 && !retry.length; i++) {
      await new Promise((r) => setTimeout(r, 150));
      retry = await q.fetch();
    }
    expect(retry[0]?.id).toBe(id);
    expect(retry[0].retryCount).toBe(1);
    await q.fail(id, new Error("second failure"));
    const job = await q.boss.getJobById("assessment", id);
    expect(job?.state).toBe("failed");
    const dead = await q.boss.fetch(ASSESSMENT_DEAD_LETTER);
    expect(dead.length).toBe(1);
    expect(dead[0].data).toEqual({ assessmentId: id });
  });
});
