import type { ReactNode } from "react";
import { type HeaderUser, SiteFooter, SiteHeader } from "./site-chrome";

/** Header, one `<main id="main">`, footer: the frame of every page. */
export function Page({
  user,
  narrow = false,
  children,
}: {
  user?: HeaderUser | null;
  /** A single short form (log in, sign up): a readable column. */
  narrow?: boolean;
  children: ReactNode;
}) {
  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className={narrow ? "container narrow" : "container page"}>
        {children}
      </main>
      <SiteFooter />
    </>
  );
}
