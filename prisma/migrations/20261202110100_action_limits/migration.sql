-- Per-user limits on costly actions (issue 10, Low 20): scan uploads and re-assessments each decode
-- an image and run the model. One token bucket per (user, action), in the database so that every
-- web process shares it (lib/auth/action-limit.ts takes a token in one atomic statement).
CREATE TABLE "ActionLimit" (
    "userId" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ActionLimit_pkey" PRIMARY KEY ("userId", "action")
);
