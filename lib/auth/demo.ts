import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { demoUsersMode } from "./config";
import { DEMO_USERS } from "./users";
import { otpauthUri, qrCodeDataUrl } from "./mfa";

export type DemoAccountListing = {
  /** the demo accounts that exist here and can sign in; empty where they may not */
  accounts: { username: string; role: Role; password: string; totp: { secret: string; otpauthUri: string; qrCode: string } | null }[];
  /** why they are usable here, for the sign-in page; null when they are not */
  why: string | null;
  /** the same reason as a kind (the sign-in page says it in the interface language) and the host it listens on */
  reason: { kind: "loopback" | "env"; host: string } | null;
};

/**
 * What the sign-in page shows about the demo accounts: only while they work (loopback, or
 * FUSION_DEMO_USERS=1), with the reason, and the published password unless it has been changed —
 * and the demo admin's published TOTP secret (admins must use MFA), as text and QR code.
 */
export async function demoAccountsForSignIn(db: Pick<PrismaClient, "user">, env: NodeJS.ProcessEnv = process.env): Promise<DemoAccountListing> {
  const mode = demoUsersMode(env);
  if (!mode.allowed) return { accounts: [], why: null, reason: null };
  const present = await db.user.findMany({
    where: { username: { in: DEMO_USERS.map((u) => u.username) }, disabled: false },
    select: { username: true, createdAt: true, passwordChangedAt: true },
  });
  const accounts = DEMO_USERS.flatMap((d) => {
    const row = present.find((p) => p.username === d.username);
    if (!row) return [];
    const unchanged = !row.passwordChangedAt || row.passwordChangedAt.getTime() - row.createdAt.getTime() < 5_000;
    const uri = d.totpSecret ? otpauthUri(d.totpSecret, d.username) : null;
    const totp = d.totpSecret && uri ? { secret: d.totpSecret, otpauthUri: uri, qrCode: qrCodeDataUrl(uri) } : null;
    return [{ username: d.username, role: d.role, password: unchanged ? d.password : "(changed)", totp }];
  });
  const why =
    mode.why === "loopback"
      ? `This server only listens on this computer (${env.HOSTNAME}), so these demo accounts with published passwords work here. ` +
        "They stop working as soon as it listens on a network address."
      : "Switched on by FUSION_DEMO_USERS=1 although this server may be reachable from the network: anyone who can reach it can sign in " +
        "with these published passwords. Never on a system that holds real patient data.";
  return { accounts, why, reason: { kind: mode.why === "loopback" ? "loopback" : "env", host: env.HOSTNAME ?? "" } };
}
