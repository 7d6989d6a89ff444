import "server-only";
import { cache } from "react";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { prisma } from "@/lib/db/client";
import { clientAddressFrom, type Actor, type RequestInfo } from "./actor";
import { audit } from "./audit";
import { actorFromToken, authorize, type AuthorizeOptions } from "./guard";
import { roleMay, type Permission } from "./permissions";
import type { ResolvedSession } from "./sessions";
import { MFA_ENROLMENT_PATH, SESSION_COOKIE_NAMES } from "./constants";

/** Header proxy.ts sets on every page request: the path + query the browser asked for. */
export const PATH_HEADER = "x-fcds-path";

/**
 * The signed-in actor of the current page / server action request, or null. Once per request
 * (React's cache): the page and the interface language (i18n/request.ts) both ask.
 */
export const getPageActor = cache(async function getPageActor(): Promise<ResolvedSession | null> {
  const jar = await cookies();
  const token = SESSION_COOKIE_NAMES.map((n) => jar.get(n)?.value).find(Boolean);
  return actorFromToken(token);
});

/** Request facts for audit rows written by pages and server actions (cf. requestInfo for API routes). */
export async function pageRequestInfo(source = "page"): Promise<RequestInfo> {
  const h = await headers();
  return { clientAddress: clientAddressFrom(h), userAgent: h.get("user-agent")?.slice(0, 512) ?? null, source };
}

async function currentPath(): Promise<string> {
  const p = (await headers()).get(PATH_HEADER);
  return p && p.startsWith("/") && !p.startsWith("//") ? p : "/";
}

/**
 * The gate for every server component page (call it first, before loading data):
 *   const actor = await requirePageActor("patient:read");
 * Signed out (or session expired) → redirect to /login?next=<this page>. An admin without MFA →
 * /account/mfa (enrolment) until enrolled. Signed in with a role that lacks the permission → the
 * refusal is audited and the user lands on /access-denied.
 */
export async function requirePageActor(permission: Permission, opts: AuthorizeOptions = {}): Promise<Actor> {
  const actor = await getPageActor();
  if (!actor) redirect(`/login?next=${encodeURIComponent(await currentPath())}`);
  // an admin who has not enrolled MFA yet can only enrol
  if (actor.mfaEnrolmentRequired && !opts.duringMfaEnrolment) redirect(MFA_ENROLMENT_PATH);
  if (!roleMay(actor.role, permission)) {
    const path = await currentPath();
    try {
      await audit(await prisma(), {
        actor,
        action: "access.denied",
        outcome: "denied",
        request: await pageRequestInfo(),
        details: { permission, path },
      });
    } catch (e) {
      console.error("[audit] could not record an access denial:", (e as Error).message);
    }
    redirect(`/access-denied?need=${encodeURIComponent(permission)}&from=${encodeURIComponent(path)}`);
  }
  return actor;
}

/**
 * For server actions ("use server"): throws AuthError 401/403 instead of redirecting. Next.js
 * already rejects server-action POSTs whose Origin differs from the Host.
 */
export async function requireActionActor(permission: Permission): Promise<Actor> {
  return authorize(await getPageActor(), permission);
}
