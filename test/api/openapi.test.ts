import { describe, expect, it } from "vitest";
import { api } from "../../worker/api/app";
import { buildOpenApiDocument, openApi, operations } from "../../worker/api/openapi";
import { app } from "../../worker/app";
import { postInput } from "../../worker/services/posts";
import { call, jsonRequest } from "../helpers";

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Hono's `/api/v1/publications/:pub/posts/:id` in OpenAPI form. */
function openApiPath(honoPath: string): string {
  const path = honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, "{$1}");
  return path.length > 1 ? path.replace(/\/$/, "") : path;
}

/**
 * Every route served under /api, as `METHOD /api/path`: the gateway's routes
 * (worker/api/app.ts, mounted at /api) plus any router mounted under /api on the
 * root app directly. Middleware and the 404/405 catch-alls are method ALL.
 */
function registeredRoutes(): Set<string> {
  const routes = new Set<string>();
  const candidates = [
    ...api.routes.map((r) => ({ method: r.method, path: `/api${r.path === "/" ? "" : r.path}` })),
    ...app.routes.filter((r) => r.path === "/api" || r.path.startsWith("/api/")),
  ];
  for (const route of candidates) {
    if (route.method === "ALL") continue;
    if (/^\/api\/dev(\/|$)/.test(route.path)) continue; // development-only, 404 elsewhere
    routes.add(`${route.method.toUpperCase()} ${openApiPath(route.path)}`);
  }
  return routes;
}

function documentedRoutes(): Set<string> {
  const routes = new Set<string>();
  for (const [path, item] of Object.entries(openApi().document.paths)) {
    for (const method of Object.keys(item)) routes.add(`${method.toUpperCase()} ${path}`);
  }
  return routes;
}

function* walk(node: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(node)) for (const n of node) yield* walk(n);
  else if (node && typeof node === "object") {
    yield node as Record<string, unknown>;
    for (const v of Object.values(node)) yield* walk(v);
  }
}

function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (!node || typeof node !== "object" || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

describe("OpenAPI document", () => {
  const { document: doc } = openApi();

  it("looks like OpenAPI 3.1", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: "Folio API", version: "1.0.0" });
    expect(doc.servers).toEqual([{ url: "/" }]);
    expect(Object.keys(doc.paths).length).toBeGreaterThan(30);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
      "apiKey",
      "bearerAuth",
      "cookieAuth",
    ]);
    expect(doc.components.securitySchemes.cookieAuth).toMatchObject({
      type: "apiKey",
      in: "cookie",
      name: "__Host-folio_session",
    });
    expect(doc.components.schemas.Problem).toMatchObject({
      required: expect.arrayContaining(["type", "title", "status", "code"]),
      properties: { errors: { type: "array" } },
    });
    const tagNames = new Set(doc.tags.map((t) => t.name));

    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path).toMatch(/^\/api\//);
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(HTTP_METHODS, where).toContain(method);
        expect(op.operationId, where).toMatch(/^[A-Za-z][A-Za-z0-9]*$/);
        expect(operationIds.has(op.operationId), `duplicate operationId at ${where}`).toBe(false);
        operationIds.add(op.operationId);
        expect(Object.keys(op.responses).length, where).toBeGreaterThan(0);
        for (const [status, response] of Object.entries(op.responses)) {
          expect(status, where).toMatch(/^[1-5]\d\d$/);
          expect(typeof response.description, `${where} ${status}`).toBe("string");
        }
        expect(
          op.tags.every((t) => tagNames.has(t)),
          where,
        ).toBe(true);
        for (const requirement of op.security) {
          for (const scheme of Object.keys(requirement)) {
            expect(doc.components.securitySchemes, where).toHaveProperty(scheme);
          }
        }

        // Path parameters: exactly the {names} of the path, all required.
        const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
        const declared = (op.parameters ?? [])
          .filter((p) => !("$ref" in p) && p.in === "path")
          .map((p) => ("name" in p ? p.name : ""))
          .sort();
        expect(declared, `path parameters of ${where}`).toEqual(inPath);
        for (const p of op.parameters ?? []) {
          if (!("$ref" in p) && p.in === "path") expect(p.required).toBe(true);
        }
      }
    }
  });

  it("resolves every $ref inside the document", () => {
    const refs = [...walk(doc)].flatMap((node) =>
      typeof node.$ref === "string" ? [node.$ref] : [],
    );
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(resolvePointer(doc, ref), ref).toBeDefined();
  });

  it("represents every request schema in JSON Schema", () => {
    // A gap is a zod type with no JSON Schema form (a Date, a bigint...), emitted as `{}`.
    expect(openApi().gaps).toEqual([]);
    expect(JSON.stringify(doc)).not.toContain('"$schema"');
  });

  it("documents request bodies from the validators' own schemas", () => {
    const create = doc.paths["/api/v1/publications/{pub}/posts"]!.post!;
    const schema = create.requestBody!.content["application/json"]!.schema as {
      required: string[];
      properties: Record<string, { maxLength?: number; default?: unknown; minLength?: number }>;
    };
    expect(schema.required).toEqual(["title"]);
    const title = schema.properties.title!;
    expect(title.minLength).toBe(1);
    // The documented limit is the validator's limit, to the character.
    expect(postInput.safeParse({ title: "x".repeat(title.maxLength!) }).success).toBe(true);
    expect(postInput.safeParse({ title: "x".repeat(title.maxLength! + 1) }).success).toBe(false);
    // Input side: a defaulted field is optional for the client.
    expect(schema.properties.body_markdown!.default).toBe("");
    expect(schema.required).not.toContain("body_markdown");

    // Query parameters are expanded from the query schema, coerced numbers as integers.
    const list = doc.paths["/api/v1/content/{pub}/posts"]!.get!;
    const limit = list.parameters!.find((p) => "name" in p && p.name === "limit");
    expect(limit).toMatchObject({
      in: "query",
      required: false,
      schema: { type: "integer", minimum: 1, maximum: 50 },
    });

    // `.toLowerCase().pipe(z.email())` still documents an e-mail; refinements are named.
    const signup = doc.paths["/api/v1/auth/signup"]!.post!.requestBody!.content["application/json"]!
      .schema as { properties: Record<string, Record<string, unknown>> };
    expect(signup.properties.email).toMatchObject({ type: "string", format: "email" });
    const newPub = doc.paths["/api/v1/publications"]!.post!.requestBody!.content[
      "application/json"
    ]!.schema as { properties: Record<string, Record<string, unknown>> };
    expect(newPub.properties.timezone!["x-checks"]).toEqual(["Unknown time zone."]);

    // The OAuth token endpoint takes either grant, form-encoded or JSON.
    const token = doc.paths["/api/v1/auth/token"]!.post!.requestBody!.content;
    expect(Object.keys(token)).toEqual(["application/x-www-form-urlencoded", "application/json"]);
    expect((token["application/json"]!.schema as { oneOf: unknown[] }).oneOf).toHaveLength(2);
  });

  it("documents the limit the server enforces (422 past the documented maxLength)", async () => {
    const create = doc.paths["/api/v1/publications/{pub}/posts"]!.post!;
    const max = (
      create.requestBody!.content["application/json"]!.schema as {
        properties: { title: { maxLength: number } };
      }
    ).properties.title.maxLength;
    const res = await call(
      "/api/v1/publications/nowhere/posts",
      jsonRequest("POST", { title: "x".repeat(max + 1) }),
    );
    expect(res.status).toBe(422);
    const body = await res.json<{ errors: { field: string }[] }>();
    expect(body.errors.map((e) => e.field)).toContain("title");
  });

  it("is built once per isolate", () => {
    expect(openApi()).toBe(openApi());
    // Building afresh gives the same document (nothing depends on request state).
    expect(buildOpenApiDocument().document).toEqual(doc);
  });
});

describe("drift guard: routes and documentation agree", () => {
  it("documents every route Hono registered under /api", () => {
    const undocumented = [...registeredRoutes()].filter((r) => !documentedRoutes().has(r));
    expect(
      undocumented,
      "Add these to `operations` in worker/api/openapi.ts (request schemas, auth, errors)",
    ).toEqual([]);
  });

  it("documents no operation that is not a route", () => {
    const registered = registeredRoutes();
    const phantom = [...documentedRoutes()].filter((r) => !registered.has(r));
    expect(phantom, "Documented in worker/api/openapi.ts but not served").toEqual([]);
  });

  it("declares each operation once", () => {
    const keys = operations.map((op) => `${op.method} ${op.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("sees routes as the guard expects (sanity check of the walk)", () => {
    const registered = registeredRoutes();
    expect(registered).toContain("GET /api/v1/publications/{pub}/posts/{id}");
    expect(registered).toContain("POST /api/v1/auth/token");
    expect(registered).toContain("GET /api/v1/openapi.json");
    expect([...registered].some((r) => r.includes("/dev/"))).toBe(false);
  });
});

describe("GET /api/v1/openapi.json", () => {
  it("serves the document, public and cacheable, with an ETag", async () => {
    const res = await call("/api/v1/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const body = await res.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(body.openapi).toBe("3.1.0");
    expect(body).toEqual(JSON.parse(JSON.stringify(openApi().document)));

    const etag = res.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    const again = await call("/api/v1/openapi.json", { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
  });
});

describe("GET /api/docs", () => {
  it("renders a self-contained HTML reference, styled with the response's nonce", async () => {
    const res = await call("/api/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    for (const path of [
      "/api/v1/publications/{pub}/posts/{id}",
      "/api/v1/auth/token",
      "/api/v1/content/{pub}/search",
      "/api/health",
    ]) {
      expect(html).toContain(`<code>${path}</code>`);
    }
    // Fields from the validators, with their limits.
    expect(html).toContain("<code>title</code>");
    expect(html).toContain("1–200 characters");
    expect(html).toContain('<span class="method patch">PATCH</span>');

    const nonce = /<style nonce="([^"]+)">/.exec(html)?.[1];
    expect(nonce).toBeTruthy();
    expect(res.headers.get("content-security-policy")).toContain(`'nonce-${nonce}'`);
    const second = await (await call("/api/docs")).text();
    expect(/<style nonce="([^"]+)">/.exec(second)?.[1]).not.toBe(nonce);
  });
});
