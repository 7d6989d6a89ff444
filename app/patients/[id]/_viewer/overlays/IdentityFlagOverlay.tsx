import { useTranslations } from "next-intl";
import type { ScanIdentityFlag } from "@/lib/domain/scan";

/**
 * Over the image, always (loading, preview or drawn): the scan's header does not name this
 * record's patient — it was attached anyway, with a reason (issue 12, "the right patient").
 */
export function IdentityFlagOverlay({ flag }: { flag: ScanIdentityFlag }) {
  const t = useTranslations("risk.identityFlag");
  return (
    <div className="viewer-identity-flag" role="note" data-testid="viewer-identity-flag">
      ⚠ {t(flag)}
    </div>
  );
}
