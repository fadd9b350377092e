import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, Outlet, useLoaderData } from "@remix-run/react";
import { AdminNav } from "~/components/admin-nav";
import { SiteFooter, SiteHeader } from "~/components/site-chrome";
import { publicationPage } from "~/utils/admin.server";
import { privatePage } from "~/utils/headers.server";

export const headers = privatePage;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { publication, role, user } = await publicationPage(request, context, params.pub);
  return { publication, role, user };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.publication.name} — Folio` : "Publication — Folio" },
];

/** Every `/admin/{pub}/...` page: the publication bar, its sections, then the page. */
export default function PublicationLayout() {
  const { publication, role, user } = useLoaderData<typeof loader>();
  return (
    <>
      <SiteHeader user={user} />
      <div className="pub-bar">
        <div className="container">
          <p className="pub-bar__title">
            <Link to={`/admin/${publication.slug}`}>{publication.name}</Link>
            <span className="badge" title="Your role">
              {role}
            </span>
          </p>
          <AdminNav slug={publication.slug} role={role} />
        </div>
      </div>
      <main id="main" className="container page">
        <Outlet />
      </main>
      <SiteFooter />
    </>
  );
}
