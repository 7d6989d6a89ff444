import type { Metadata } from "next";
import type { ReactNode } from "react";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getTranslations } from "next-intl/server";
import { LOCALE_TAGS } from "@/lib/domain/locale";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("app");
  // each page names itself: "Patients · Fusion CDS"
  return { title: { template: "%s · Fusion CDS", default: "Fusion CDS" }, description: t("description") };
}

/** The request's language (i18n/request.ts) on <html lang> and, with its messages, for client components. */
export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await getLocale();
  return (
    <html lang={LOCALE_TAGS[locale]}>
      <body>
        <NextIntlClientProvider>{children}</NextIntlClientProvider>
      </body>
    </html>
  );
}
