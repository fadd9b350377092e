import { eq } from "drizzle-orm";
import { memberships, posts, publications, users } from "../db/schema";
import { uuidv7 } from "../lib/crypto";
import type { ServiceContext } from "./context";
import { demoPosts } from "./demo-content";
import { hashPassword } from "./passwords";
import { createPost } from "./posts";
import { publishNow } from "./publishing";

export const DEMO_PASSWORD = "folio-demo-password";
export const DEMO_PUBLICATION = "dispatch";

const people = [
  { email: "demo@folio.example", name: "Dana Demo", handle: "dana", role: "owner" as const },
  { email: "ines@folio.example", name: "Inês Duarte", handle: "ines", role: "author" as const },
];

/**
 * Demo data for local development, created through the same tables and rules
 * as the product. Idempotent: running it again changes nothing.
 */
export async function seedDemo(ctx: ServiceContext) {
  const log: string[] = [];
  const now = new Date().toISOString();

  let pub = await ctx.db.query.publications.findFirst({
    where: eq(publications.slug, DEMO_PUBLICATION),
  });
  if (!pub) {
    const id = uuidv7();
    await ctx.db.insert(publications).values({
      id,
      slug: DEMO_PUBLICATION,
      name: "The Folio Dispatch",
      description:
        "Notes on writing, publishing and the open web, from the people who build Folio.",
      timezone: "Europe/Lisbon",
    });
    pub = (await ctx.db.query.publications.findFirst({ where: eq(publications.id, id) }))!;
    log.push(`publication /@${DEMO_PUBLICATION} created`);
  }

  for (const person of people) {
    let user = await ctx.db.query.users.findFirst({ where: eq(users.email, person.email) });
    if (!user) {
      const id = uuidv7();
      await ctx.db.insert(users).values({
        id,
        email: person.email,
        name: person.name,
        handle: person.handle,
        passwordHash: await hashPassword(DEMO_PASSWORD, ctx.env.PASSWORD_PEPPER),
        emailVerifiedAt: now,
      });
      user = (await ctx.db.query.users.findFirst({ where: eq(users.id, id) }))!;
      log.push(`user ${person.email} created`);
    }
    await ctx.db
      .insert(memberships)
      .values({ publicationId: pub.id, userId: user.id, role: person.role })
      .onConflictDoNothing();
  }
  const created = await seedDemoPosts(ctx, pub.id);
  if (created) log.push(`${created} demo posts written and published`);
  if (log.length === 0) log.push("demo data already present");
  return {
    log,
    demo: { email: people[0]!.email, password: DEMO_PASSWORD, publication: DEMO_PUBLICATION },
  };
}

/** Writes and publishes the demo posts that are missing (matched by title). */
async function seedDemoPosts(ctx: ServiceContext, publicationId: string): Promise<number> {
  const existing = await ctx.db.query.posts.findMany({
    where: eq(posts.publicationId, publicationId),
    columns: { title: true },
  });
  const have = new Set(existing.map((p) => p.title));
  let created = 0;
  for (const demo of demoPosts) {
    if (have.has(demo.title)) continue;
    const author = await ctx.db.query.users.findFirst({ where: eq(users.handle, demo.author) });
    if (!author) continue;
    const actor = { kind: "user" as const, userId: author.id, via: "session" as const };
    const post = await createPost(ctx, actor, DEMO_PUBLICATION, {
      title: demo.title,
      body_markdown: demo.body,
      tags: demo.tags,
    });
    // Backdate so the home page reads like a real publication's history.
    const when = new Date(Date.now() - demo.daysAgo * 86_400_000).toISOString();
    await ctx.db
      .update(posts)
      .set({ publishedAt: when, createdAt: when })
      .where(eq(posts.id, post.id));
    await publishNow(ctx, actor, publicationId, post.id);
    created++;
  }
  return created;
}
