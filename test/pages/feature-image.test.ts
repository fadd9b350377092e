import { describe, expect, it } from "vitest";
import { asUser, call, createPublication, createUser, jsonRequest, pngBytes } from "../helpers";

describe("feature images", () => {
  it("must come from the publication's library, and render with width, height and lazy loading", async () => {
    const owner = await createUser("feature");
    const pub = await createPublication(owner);
    const upload = await call(`/api/v1/publications/${pub.slug}/media`, {
      method: "POST",
      headers: asUser(owner, {
        "content-type": "application/octet-stream",
        "x-file-name": "cover.png",
      }),
      body: pngBytes(640, 360),
    });
    expect(upload.status).toBe(201);
    const medium = await upload.json<{ id: string; url: string }>();

    const posts = `/api/v1/publications/${pub.slug}/posts`;
    const bad = await call(
      posts,
      jsonRequest("POST", { title: "Bad cover", feature_media_id: "nope" }, asUser(owner)),
    );
    expect(bad.status).toBe(422);

    const created = await call(
      posts,
      jsonRequest(
        "POST",
        { title: "With a cover", body_markdown: "Text.", feature_media_id: medium.id },
        asUser(owner),
      ),
    );
    expect(created.status).toBe(201);
    const post = await created.json<{ id: string; slug: string }>();
    await call(`${posts}/${post.id}/publish`, { method: "POST", headers: asUser(owner) });

    const page = await (await call(`/@${pub.slug}/${post.slug}`)).text();
    const img = /<figure class="post__feature"><img ([^>]+)>/.exec(page)?.[1] ?? "";
    expect(img).toContain(`src="${medium.url}"`);
    expect(img).toContain('width="640"');
    expect(img).toContain('height="360"');
    expect(img).toContain('loading="lazy"');
    expect(page).toContain('property="og:image"');
  });

  it("the editor lists images to copy into the text and sets the feature image without JavaScript", async () => {
    const owner = await createUser("editor-images");
    const pub = await createPublication(owner);
    const upload = await call(`/api/v1/publications/${pub.slug}/media`, {
      method: "POST",
      headers: asUser(owner, {
        "content-type": "application/octet-stream",
        "x-file-name": "harbour.png",
      }),
      body: pngBytes(320, 200),
    });
    const medium = await upload.json<{ id: string; url: string }>();
    const created = await call(
      `/api/v1/publications/${pub.slug}/posts`,
      jsonRequest("POST", { title: "Pick a cover" }, asUser(owner)),
    );
    const post = await created.json<{ id: string }>();

    const editor = `/admin/${pub.slug}/posts/${post.id}`;
    const page = await (await call(editor, { headers: asUser(owner) })).text();
    expect(page).toContain(`![`);
    expect(page).toContain(medium.url);

    const res = await call(editor, {
      method: "POST",
      headers: asUser(owner, { "content-type": "application/x-www-form-urlencoded" }),
      body: new URLSearchParams({ intent: "feature", feature_media_id: medium.id }).toString(),
      redirect: "manual",
    });
    expect(res.status).toBe(200);
    const after = await call(`/api/v1/publications/${pub.slug}/posts/${post.id}`, {
      headers: asUser(owner),
    });
    expect((await after.json<{ feature_media_id: string }>()).feature_media_id).toBe(medium.id);
  });
});
