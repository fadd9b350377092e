/** The demo publication's posts: realistic enough to judge typography, lists and search. */
export interface DemoPost {
  title: string;
  author: "dana" | "ines";
  tags: string[];
  daysAgo: number;
  body: string;
}

export const demoPosts: DemoPost[] = [
  {
    title: "Why we publish from the edge",
    author: "dana",
    tags: ["Engineering", "Performance"],
    daysAgo: 1,
    body: `A reader on a train with one bar of signal does not care where our servers are. They care that the words arrive before the tunnel.

## Distance is latency

Every round trip to a distant data centre costs tens of milliseconds, and a page usually needs several. Serving a cached page from the location nearest the reader removes most of them.

## What we cache, and what we never cache

Published posts, lists and feeds are cached close to readers and retired precisely when something changes. Drafts, previews and anything shown to a signed-in writer never enter a shared cache.

> The fastest request is the one that never leaves the reader's city.

We measure this continuously: the benchmark compares every page with the runtime's own floor, so a regression shows up as a ratio, not a feeling.`,
  },
  {
    title: "A style guide for calm writing",
    author: "ines",
    tags: ["Writing"],
    daysAgo: 3,
    body: `Good prose is quiet. It lets the idea speak without shouting over it.

## Short sentences carry weight

A long sentence can be beautiful, but it asks the reader to hold many things at once. Use it when the thought really is long.

## Cut the throat-clearing

Most first paragraphs can be deleted. Start where the story starts.

- Prefer verbs to nouns: *decide*, not *make a decision*.
- Prefer the concrete: *a 40-minute commute*, not *a long commute*.
- Read it aloud. Your ear is a better editor than your eye.`,
  },
  {
    title: "Scheduling posts to the minute",
    author: "dana",
    tags: ["Product", "Engineering"],
    daysAgo: 5,
    body: `Newsrooms schedule stories for 06:00 because that is when people read. "Around six" is not good enough.

Folio keeps one coordinator per publication that sets an alarm for the exact minute. When it fires, the post goes live, the caches that showed the old state are retired, and subscribers are notified, once.

## What if two people press Publish?

Both requests reach the same coordinator, which handles them one after the other. The second finds the post already live and does nothing.`,
  },
  {
    title: "Notes from the Lisbon meetup",
    author: "ines",
    tags: ["Community"],
    daysAgo: 8,
    body: `Forty writers, three editors and one very patient café owner. We talked about newsletters, about paywalls, and about why comment sections age badly.

## Three things we heard

1. Writers want to own their readers' e-mail addresses.
2. Editors want to see who changed what, and when.
3. Everyone wants search that actually finds things.

Thanks to everyone who came. The next one is in Porto.`,
  },
  {
    title: "Revisions, and the colleague who saved first",
    author: "dana",
    tags: ["Product", "Writing"],
    daysAgo: 11,
    body: `You open a post, make careful changes, press save, and a colleague's edits from five minutes ago vanish. Every editor has lived this.

Folio refuses that save. Each save carries the version it started from; if someone saved in between, you see both versions side by side and decide. Nothing is silently overwritten, and every version stays in the history, ready to restore.`,
  },
  {
    title: "Typography on small screens",
    author: "ines",
    tags: ["Design"],
    daysAgo: 14,
    body: `Most of our readers hold a phone. Line length, size and contrast matter more than any illustration.

## Our rules

- Body text at 17–19px with a generous line height.
- A measure of about 65 characters on wide screens.
- Real dark mode, not inverted colours.

\`\`\`css
article { max-width: 68ch; line-height: 1.7; }
\`\`\`

Images declare their width and height so the text does not jump while they load.`,
  },
  {
    title: "An API for every tool you already use",
    author: "dana",
    tags: ["Engineering", "API"],
    daysAgo: 18,
    body: `The Content API returns the same posts readers see, as JSON, with ETags and pagination that stays fast on page five hundred.

\`\`\`bash
curl https://folio.example/api/v1/content/dispatch/posts?limit=5
\`\`\`

Admin tools use scoped API keys: a key that may write drafts cannot publish, and a key for one publication cannot see another.`,
  },
  {
    title: "What readers told us about newsletters",
    author: "ines",
    tags: ["Community", "Writing"],
    daysAgo: 22,
    body: `We asked two hundred readers how they follow the writers they like. Most said RSS or e-mail; almost nobody said social media.

That is why every publication, tag and author on Folio has its own feed, in full text or summary, and why we keep those feeds fast and correct.`,
  },
  {
    title: "Search that respects the reader",
    author: "dana",
    tags: ["Engineering", "Search"],
    daysAgo: 27,
    body: `Search results should put the obvious answer first, show why they matched, and never break because someone typed a quotation mark.

Folio lists the posts whose title or tags hold your words first, then the newest posts that mention them, highlights the matching words, and treats whatever a reader types as words, never as query syntax. It answers just as fast with a hundred thousand posts as with a hundred.`,
  },
  {
    title: "Accessibility is part of the layout",
    author: "ines",
    tags: ["Design"],
    daysAgo: 33,
    body: `Landmarks, headings in order, visible focus, enough contrast: none of this is extra work if it is in the first draft of the design.

Every Folio page works with a keyboard and a screen reader, and reader pages need no JavaScript at all.`,
  },
  {
    title: "How we think about roles",
    author: "dana",
    tags: ["Product"],
    daysAgo: 40,
    body: `Owners, admins, editors, authors and contributors. Each role is a short list of things it may do; anything not on the list is denied.

Contributors write drafts. Authors publish their own work. Editors publish anyone's. Admins manage people and keys. Owners can do everything, including handing the publication to someone else.`,
  },
  {
    title: "A year of Folio",
    author: "ines",
    tags: ["Community"],
    daysAgo: 52,
    body: `A year ago this was a prototype on a laptop. Today it hosts publications on three continents.

Thank you for writing, reading and telling us what was broken. Here is to the next year.`,
  },
];
