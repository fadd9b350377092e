import type { MetaFunction } from "@remix-run/cloudflare";
import { SiteFooter, SiteHeader } from "~/components/site-chrome";
import type { RouteHandle } from "~/root";

export const meta: MetaFunction = () => [
  { title: "Folio — publishing at the edge" },
  {
    name: "description",
    content:
      "Folio hosts many publications on one platform: write in a calm editor, publish on schedule, and reach readers anywhere with pages served from the edge.",
  },
];

export const handle: RouteHandle = { hydrate: false };

const features = [
  {
    title: "Write without losing a word",
    body: "Markdown with live preview, autosave, revisions you can restore, and no silent overwrites when a colleague edits the same post.",
  },
  {
    title: "Publish to the minute",
    body: "Schedule a post and it goes live at its minute, caches refreshed and webhooks sent, once.",
  },
  {
    title: "Fast for every reader",
    body: "Pages are rendered and cached close to readers, complete without JavaScript, light on a slow phone.",
  },
  {
    title: "An API for everything",
    body: "A public Content API with ETags and edge caching, and an Admin API with scoped keys for your tools.",
  },
];

export default function Landing() {
  return (
    <>
      <SiteHeader />
      <main id="main">
        <section className="hero container">
          <p className="eyebrow">Edge-native publishing</p>
          <h1>Publications that load before the reader blinks.</h1>
          <p className="lede">
            Folio hosts many publications on one platform. Writers and editors work together in a
            calm admin; readers anywhere get pages served from the network edge; your tools read and
            manage everything through one API.
          </p>
        </section>
        <section className="container" aria-labelledby="features-heading">
          <h2 id="features-heading" className="visually-hidden">
            What Folio does
          </h2>
          <ul className="card-grid">
            {features.map((f) => (
              <li key={f.title} className="card">
                <h3>{f.title}</h3>
                <p>{f.body}</p>
              </li>
            ))}
          </ul>
        </section>
      </main>
      <SiteFooter />
    </>
  );
}
