import type { LinksFunction } from "@remix-run/cloudflare";
import {
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useMatches,
  useRouteError,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { useNonce } from "./components/nonce";
import { SiteFooter, SiteHeader } from "./components/site-chrome";
import styles from "./styles/app.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

/**
 * Route modules opt out of client JavaScript with `handle = { hydrate: false }`:
 * reader pages are complete HTML and need no bundle to be read.
 */
export interface RouteHandle {
  hydrate?: boolean;
}

function useHydrate(): boolean {
  const matches = useMatches();
  return !matches.some((m) => (m.handle as RouteHandle | undefined)?.hydrate === false);
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const hydrate = useHydrate();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        {children}
        {hydrate ? (
          <>
            <ScrollRestoration nonce={nonce} />
            <Scripts nonce={nonce} />
          </>
        ) : null}
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const title =
    status === 404 ? "Page not found" : status === 403 ? "Not allowed" : "Something went wrong";
  const message =
    status === 404
      ? "We looked everywhere, but there is nothing at this address. It may have moved or been unpublished."
      : status === 403
        ? "You do not have access to this page."
        : "An unexpected error stopped this page from loading. It has been logged; please try again in a moment.";
  return (
    <>
      <SiteHeader />
      <main id="main" className="container error-page">
        <p className="eyebrow">Error {status}</p>
        <h1>{title}</h1>
        <p className="lede">{message}</p>
        <p>
          <Link className="button" to="/">
            Go to the home page
          </Link>
        </p>
      </main>
      <SiteFooter />
    </>
  );
}
