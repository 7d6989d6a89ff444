import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  // each page names itself: "Patients · Fusion CDS"
  title: { template: "%s · Fusion CDS", default: "Fusion CDS" },
  description: "Multimodal clinical decision support — research use only, not for diagnosis",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
