-- Issue 17 item 3: the interface language a user chose (lib/domain/locale.ts: 'en' or 'ko');
-- null = not chosen, the browser's Accept-Language decides.
ALTER TABLE "User" ADD COLUMN "locale" TEXT;
ALTER TABLE "User" ADD CONSTRAINT "User_locale_check" CHECK ("locale" IS NULL OR "locale" IN ('en', 'ko'));
