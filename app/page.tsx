import { redirect } from "next/navigation";
import { getPageActor } from "@/lib/auth/page";

export const dynamic = "force-dynamic";

/** Sends each role to its own start page; shows nothing itself. */
export default async function Home() {
  const s = await getPageActor();
  if (!s) redirect("/login");
  redirect(s.role === "researcher" ? "/research/export" : s.role === "admin" ? "/admin/audit" : "/patients");
}
