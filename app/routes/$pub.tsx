import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import {
  isRouteErrorResponse,
  Outlet,
  useLoaderData,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { pubPath, ReaderFooter, ReaderHeader } from "~/components/reader-chrome";
import { type RouteHandle, ErrorBoundary as SiteErrorBoundary } from "~/root";
import readerStyles from "~/styles/reader.css?url";
import { readerFor } from "~/utils/reader.server";

/**
 * The reader site's layout: every `/@{pub}/...` page. Remix flat routes cannot
 * put a parameter after a literal `@` in one segment, so this route takes the
 * whole segment as `$pub` and answers 404 unless it is `@` + a publication's
 * slug. Static routes (/login, /admin, /account, ...) rank above it.
 */

export const handle: RouteHandle = { hydrate: false };

export const links: LinksFunction = () => [{ rel: "stylesheet", href: readerStyles }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { view } = await readerFor(request, context, params.pub);
  return { pub: view };
}

// Pages below set their own; this one titles the error page of a publication.
export const meta: MetaFunction<typeof loader> = ({ data, error }) => {
  const status = isRouteErrorResponse(error) ? error.status : error ? 500 : 200;
  const title = status === 404 ? "Page not found" : error ? "Something went wrong" : null;
  if (!data) return [{ title: title ?? "Folio" }];
  return [{ title: title ? `${title} — ${data.pub.name}` : data.pub.name }];
};

export default function ReaderLayout() {
  const { pub } = useLoaderData<typeof loader>();
  return (
    // `display: contents`: a language for the publication's text without a layout box.
    <div className="reader" lang={pub.locale}>
      <ReaderHeader pub={pub} />
      <main id="main" className="reader-main">
        <Outlet />
      </main>
      <ReaderFooter pub={pub} />
    </div>
  );
}

/**
 * A page inside a known publication that fails (an unpublished post, an unknown
 * tag) keeps the publication's chrome and leads back to its home. When the
 * publication itself is unknown, the site-wide error page answers.
 */
export function ErrorBoundary() {
  const data = useRouteLoaderData<typeof loader>("routes/$pub");
  const error = useRouteError();
  if (!data) return <SiteErrorBoundary />;
  const { pub } = data;
  const status = isRouteErrorResponse(error) ? error.status : 500;
  return (
    <div className="reader" lang={pub.locale}>
      <ReaderHeader pub={pub} />
      <main id="main" className="reader-main">
        <header className="reader-intro">
          <p className="reader-intro__eyebrow">Error {status}</p>
          <h1>{status === 404 ? "Page not found" : "Something went wrong"}</h1>
          <p className="reader-intro__lede">
            {status === 404
              ? "There is nothing at this address. It may have moved or been unpublished."
              : "This page could not be loaded. Please try again in a moment."}
          </p>
        </header>
        <p>
          <a className="button" href={pubPath(pub)}>
            Go to {pub.name}
          </a>{" "}
          <a className="button button--secondary" href={pubPath(pub, "/search")}>
            Search
          </a>
        </p>
      </main>
      <ReaderFooter pub={pub} />
    </div>
  );
}
