import Link from "next/link";
import { TopBar } from "@/app/_components/TopBar";
import { requirePageActor } from "@/lib/auth/page";
import { prisma } from "@/lib/db/client";
import { listModels } from "@/lib/db/models";
import { roleMay } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

export default async function ModelsPage() {
  const actor = await requirePageActor("model:read");
  const models = await listModels(await prisma());
  return (
    <>
      <TopBar actor={actor} />
      <main>
        <h1>Models</h1>
        <p className="research-label">Synthetic demo models — research use only, not for diagnosis.</p>
        {roleMay(actor.role, "model:train") && <p><Link href="/models/training">Training: snapshots and candidates →</Link></p>}
        <div className="panel" style={{ padding: 0 }}>
          <table aria-label="Model versions">
            <thead><tr><th>Model</th><th>Version</th><th>Strategy</th><th>Outcomes</th><th>Status</th><th className="num">Assessments</th><th>Card</th></tr></thead>
            <tbody>
              {models.map((m) => (
                <tr key={`${m.name}@${m.version}`}>
                  <td><a href={`/models/${encodeURIComponent(m.name)}/${encodeURIComponent(m.version)}`}>{m.name}</a></td>
                  <td>{m.version}</td>
                  <td>{m.strategy ?? "—"}</td>
                  <td>{m.heads.join(", ") || "—"}</td>
                  <td>{m.status ? <span className={`badge status-${m.status}`}>{m.status}</span> : m.active ? "active" : ""}</td>
                  <td className="num">{m.assessments}</td>
                  <td>{m.hasCard ? "published" : <span className="muted">none yet</span>}</td>
                </tr>
              ))}
              {!models.length && <tr><td colSpan={7} className="muted">No model versions are registered yet.</td></tr>}
            </tbody>
          </table>
        </div>
      </main>
    </>
  );
}
