import { IDENTITY_FLAG_TEXT, type ScanIdentityFlag } from "@/lib/domain/scan";

/**
 * Over the image, always (loading, preview or drawn): the scan's header does not name this
 * record's patient — it was attached anyway, with a reason (issue 12, "the right patient").
 */
export function IdentityFlagOverlay({ flag }: { flag: ScanIdentityFlag }) {
  return (
    <div className="viewer-identity-flag" role="note" data-testid="viewer-identity-flag">
      ⚠ {IDENTITY_FLAG_TEXT[flag]}
    </div>
  );
}
