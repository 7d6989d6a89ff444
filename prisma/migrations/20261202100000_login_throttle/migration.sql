-- Sign-in throttling replaces account lockout (issue 10 M5). Lockout let anyone lock a real user
-- out with five wrong guesses; now failures are counted per (account, address) with growing
-- waits, plus a per-address limit. The state is here, not in process memory, so every web process
-- agrees (lib/auth/throttle.ts).
CREATE TABLE "LoginThrottle" (
    -- "pair|<address>|<username as typed, normalised>" or "address|<address>"
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "username" TEXT,
    "address" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    -- address rows: start of the counting window
    "windowStart" TIMESTAMPTZ(3),
    "lastFailureAt" TIMESTAMPTZ(3),
    -- pair rows: the account last signed in from this address (a known address)
    "lastSuccessAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "LoginThrottle_pkey" PRIMARY KEY ("key"),
    CONSTRAINT "LoginThrottle_kind_check" CHECK ("kind" IN ('pair', 'address'))
);
CREATE INDEX "LoginThrottle_username_idx" ON "LoginThrottle"("username");
CREATE INDEX "LoginThrottle_updatedAt_idx" ON "LoginThrottle"("updatedAt");

-- The lockout columns go.
ALTER TABLE "User" DROP COLUMN "failedLogins";
ALTER TABLE "User" DROP COLUMN "lockedUntil";
ALTER TABLE "User" DROP COLUMN "lastFailedLoginAt";
