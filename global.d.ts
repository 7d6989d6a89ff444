import type { Locale } from "@/lib/domain/locale";
import type en from "./messages/en.json";

// next-intl's type checking: a t("key") that messages/en.json lacks does not compile
declare module "next-intl" {
  interface AppConfig {
    Locale: Locale;
    Messages: typeof en;
  }
}
