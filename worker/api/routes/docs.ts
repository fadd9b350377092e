import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { sha256Hex } from "../../lib/crypto";
import { escapeHtml } from "../../lib/markdown";
import { problemTypes } from "../../lib/problem";
import {
  type OpenApiDocument,
  type OperationObject,
  openApi,
  type ParameterObject,
} from "../openapi";

/**
 * `GET /api/v1/openapi.json` and `GET /api/docs`, the same document twice: as
 * OpenAPI 3.1 for tools, and as a self-contained HTML reference for people
 * (no script, no external assets; the one style block carries the CSP nonce).
 * Mounted at the root of /api.
 */
export const docs = new Hono<AppEnv>()
  .get("/v1/openapi.json", async (c) => {
    const { json } = openApi();
    const etag = await documentEtag(json);
    const headers = {
      "Cache-Control": "public, max-age=300",
      // Public and credential-free, so any origin may read it (the CORS
      // middleware narrows this to the caller's origin when it is a configured one).
      "Access-Control-Allow-Origin": "*",
      ETag: etag,
    };
    const ifNoneMatch = c.req.header("if-none-match") ?? "";
    if (ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag)) {
      return c.body(null, 304, headers);
    }
    return c.body(json, 200, { ...headers, "Content-Type": "application/json; charset=utf-8" });
  })
  .get("/docs", (c) => {
    const [before, after] = referencePage();
    // The page is built once per isolate; only the nonce changes per response.
    return c.html(`${before}${escapeHtml(c.get("cspNonce"))}${after}`, 200, {
      "Cache-Control": "no-cache",
    });
  });

let etagOf: { json: string; etag: string } | undefined;
async function documentEtag(json: string): Promise<string> {
  if (etagOf?.json !== json) etagOf = { json, etag: `"${(await sha256Hex(json)).slice(0, 32)}"` };
  return etagOf.etag;
}

// ---- the HTML reference -----------------------------------------------------------------

type JsonSchema = Record<string, unknown>;

const NONCE_SLOT = "\u0000nonce\u0000";
let page: [string, string] | undefined;

function referencePage(): [string, string] {
  if (!page) {
    const html = renderReference(openApi().document, NONCE_SLOT);
    const at = html.indexOf(NONCE_SLOT);
    page = [html.slice(0, at), html.slice(at + NONCE_SLOT.length)];
  }
  return page;
}

const esc = (value: unknown) => escapeHtml(String(value));
/** Escaped text with `backticks` shown as code. */
const prose = (text: string) => esc(text).replace(/`([^`]+)`/g, "<code>$1</code>");
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-");

const AUTH_LABEL: Record<string, string> = {
  none: "None: public.",
  session_or_token:
    "A signed-in person: session cookie or bearer access token. API keys are refused.",
  api_key_ok: "Session cookie, bearer access token, or a publication API key",
};

const STYLE = `
:root { color-scheme: light dark; --fg: #1d1d1f; --muted: #5f6368; --line: #d9dce1; --bg: #fff; --code: #f4f5f7; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8eaed; --muted: #a0a4a8; --line: #3a3d42; --bg: #151618; --code: #222428; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
.layout { display: grid; grid-template-columns: 18rem 1fr; max-width: 84rem; margin: 0 auto; }
nav { position: sticky; top: 0; align-self: start; max-height: 100vh; overflow: auto; padding: 1.5rem 1rem; border-right: 1px solid var(--line); font-size: 14px; }
nav ul { list-style: none; margin: 0; padding: 0; }
nav li li a { display: flex; gap: .4rem; align-items: baseline; padding: .1rem 0; }
nav h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: 1rem 0 .3rem; }
main { padding: 1.5rem 2.5rem 4rem; min-width: 0; }
a { color: inherit; }
nav a { text-decoration: none; }
nav a:hover { text-decoration: underline; }
h1 { margin: 0 0 .3rem; }
h1 small { font-size: 1rem; color: var(--muted); font-weight: normal; }
h2.tag { margin-top: 3rem; padding-bottom: .3rem; border-bottom: 2px solid var(--line); }
article { border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; margin: 1.25rem 0; }
article h3 { margin: 0; font-size: 1.05rem; display: flex; gap: .6rem; align-items: center; flex-wrap: wrap; }
h4 { margin: 1rem 0 .4rem; font-size: .95rem; }
code { font: 13.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--code); padding: .05rem .3rem; border-radius: 4px; overflow-wrap: anywhere; }
h3 code { font-size: 15px; background: none; padding: 0; }
.method { display: inline-block; min-width: 4.2rem; text-align: center; font: 600 12px/1.8 ui-monospace, monospace; border-radius: 4px; color: #fff; padding: 0 .4rem; }
nav .method { min-width: 3.4rem; font-size: 10.5px; }
.get { background: #1a7f37; } .post { background: #0b5cad; } .patch { background: #8250df; } .put { background: #9a6700; } .delete { background: #cf222e; }
.summary { margin: .4rem 0; font-weight: 500; }
.muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin: .25rem 0 .5rem; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); padding: .35rem .5rem; }
th { font-weight: 600; color: var(--muted); font-size: 12.5px; text-transform: uppercase; letter-spacing: .03em; }
td.req { white-space: nowrap; }
ul.constraints { margin: 0; padding-left: 1rem; }
.status { font: 600 13px ui-monospace, monospace; }
dl.auth dt { font-weight: 600; margin-top: .6rem; }
dl.auth dd { margin: 0; }
@media (max-width: 52rem) { .layout { display: block; } nav { position: static; max-height: none; border-right: 0; border-bottom: 1px solid var(--line); } main { padding: 1rem; } }
`;

export function renderReference(doc: OpenApiDocument, nonce: string): string {
  const ops = operationsByTag(doc);
  const info = doc.info as { title: string; version: string; description?: string };

  const navigation = doc.tags
    .filter((t) => ops.get(t.name)?.length)
    .map(
      (t) =>
        `<li><h2><a href="#tag-${slug(t.name)}">${esc(t.name)}</a></h2><ul>${ops
          .get(t.name)!
          .map(
            ({ method, op }) =>
              `<li><a href="#${esc(op.operationId)}"><span class="method ${method}">${method.toUpperCase()}</span><span>${esc(op.summary)}</span></a></li>`,
          )
          .join("")}</ul></li>`,
    )
    .join("");

  const sections = doc.tags
    .filter((t) => ops.get(t.name)?.length)
    .map(
      (t) =>
        `<section id="tag-${slug(t.name)}"><h2 class="tag">${esc(t.name)}</h2><p>${prose(t.description)}</p>${ops
          .get(t.name)!
          .map(({ method, path, op }) => renderOperation(doc, method, path, op))
          .join("")}</section>`,
    )
    .join("");

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title)} reference</title>
<style nonce="${esc(nonce)}">${STYLE}</style></head>
<body><div class="layout">
<nav aria-label="Operations"><ul><li><h2><a href="#top">Overview</a></h2></li>${navigation}</ul></nav>
<main id="top">
<h1>${esc(info.title)} <small>${esc(info.version)}</small></h1>
${info.description ? `<p>${prose(info.description)}</p>` : ""}
<p>Machine-readable: <a href="/api/v1/openapi.json"><code>/api/v1/openapi.json</code></a> (OpenAPI ${esc(doc.openapi)}).</p>
${renderAuthentication(doc)}
${renderErrors(doc)}
${sections}
</main></div></body></html>
`;
}

interface Entry {
  method: string;
  path: string;
  op: OperationObject;
}

function operationsByTag(doc: OpenApiDocument): Map<string, Entry[]> {
  const byTag = new Map<string, Entry[]>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = op.tags[0] ?? "Other";
      const list = byTag.get(tag) ?? [];
      list.push({ method, path, op });
      byTag.set(tag, list);
    }
  }
  return byTag;
}

function renderAuthentication(doc: OpenApiDocument): string {
  const schemes = Object.entries(doc.components.securitySchemes)
    .map(([name, s]) => {
      const how =
        s.type === "apiKey"
          ? `Cookie <code>${esc(s.name)}</code>`
          : `<code>Authorization: Bearer</code> ${esc(s.bearerFormat ?? "")}`;
      return `<dt>${esc(name)}</dt><dd>${how}. ${prose(String(s.description ?? ""))}</dd>`;
    })
    .join("");
  return `<section id="authentication"><h2>Authentication</h2><dl class="auth">${schemes}</dl></section>`;
}

function renderErrors(doc: OpenApiDocument): string {
  const problem = doc.components.schemas.Problem as JsonSchema;
  const statuses = Object.entries(problemTypes)
    .map(
      ([status, t]) =>
        `<tr><td class="status">${esc(status)}</td><td><code>${esc(t.code)}</code></td><td>${esc(t.title)}</td></tr>`,
    )
    .join("");
  return `<section id="errors"><h2>Errors</h2>
<p>${prose(String(problem.description ?? ""))} Served as <code>application/problem+json</code>.</p>
${fieldsTable(problem)}
<h4>Statuses and their default codes</h4>
<table><thead><tr><th>Status</th><th>Code</th><th>Meaning</th></tr></thead><tbody>${statuses}</tbody></table></section>`;
}

function renderOperation(
  doc: OpenApiDocument,
  method: string,
  path: string,
  op: OperationObject,
): string {
  const scopes = op["x-scopes"]?.length
    ? ` (scopes: ${op["x-scopes"].map((s) => `<code>${esc(s)}</code>`).join(", ")})`
    : "";
  const auth = `${esc(AUTH_LABEL[op["x-auth"]] ?? op["x-auth"])}${op["x-auth"] === "api_key_ok" ? `${scopes}.` : ""}`;

  const parameters = (op.parameters ?? []).map((p) =>
    "$ref" in p ? resolveParameter(doc, p.$ref) : p,
  );
  const paramRows = parameters
    .map(
      (p) =>
        `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${esc(typeLabel(p.schema))}</td><td class="req">${p.required ? "required" : "optional"}</td><td>${constraintList(p.schema)}${p.description ? prose(p.description) : ""}</td></tr>`,
    )
    .join("");
  const paramTable = paramRows
    ? `<h4>Parameters</h4><table><thead><tr><th>Name</th><th>In</th><th>Type</th><th></th><th>Notes</th></tr></thead><tbody>${paramRows}</tbody></table>`
    : "";

  let body = "";
  if (op.requestBody) {
    // Content types sharing one schema are shown together.
    const groups = new Map<JsonSchema, string[]>();
    for (const [type, media] of Object.entries(op.requestBody.content)) {
      groups.set(media.schema, [...(groups.get(media.schema) ?? []), type]);
    }
    body = `<h4>Request body</h4>${[...groups]
      .map(
        ([schema, types]) =>
          `<p class="muted">${types.map((t) => `<code>${esc(t)}</code>`).join(" or ")}</p>${bodySchema(schema)}`,
      )
      .join("")}`;
  }

  const responses = Object.entries(op.responses);
  const ok = responses.filter(([s]) => Number(s) < 400);
  const errors = responses.filter(([s]) => Number(s) >= 400);
  const okList = ok
    .map(([status, r]) => {
      const headers = r.headers
        ? ` Headers: ${Object.keys(r.headers as object)
            .map((h) => `<code>${esc(h)}</code>`)
            .join(", ")}.`
        : "";
      return `<li><span class="status">${esc(status)}</span> ${prose(String(r.description))}${headers}</li>`;
    })
    .join("");
  const errorList = errors
    .map(
      ([status, r]) =>
        `<li><span class="status">${esc(status)}</span> ${prose(String(r.description))}</li>`,
    )
    .join("");

  return `<article id="${esc(op.operationId)}">
<h3><span class="method ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
<p class="summary">${esc(op.summary)}</p>
${op.description ? `<p>${prose(op.description)}</p>` : ""}
<p><strong>Auth:</strong> ${auth}</p>
${paramTable}${body}
<h4>Responses</h4><ul>${okList}</ul>
${errorList ? `<h4>Errors</h4><ul>${errorList}</ul>` : ""}
</article>`;
}

function bodySchema(schema: JsonSchema): string {
  const variants = (schema.oneOf ?? schema.anyOf) as JsonSchema[] | undefined;
  if (variants) {
    return variants
      .map((v, i) => `<p>${i === 0 ? "One of:" : "Or:"} ${variantLabel(v)}</p>${fieldsTable(v)}`)
      .join("");
  }
  if (!schema.properties) {
    const description =
      typeof schema.description === "string" ? ` ${prose(schema.description)}` : "";
    return `<p>${esc(typeLabel(schema))}.${description}</p>`;
  }
  return fieldsTable(schema);
}

function resolveParameter(doc: OpenApiDocument, ref: string): ParameterObject {
  return doc.components.parameters[ref.split("/").pop()!]!;
}

function variantLabel(schema: JsonSchema): string {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const fixed = Object.entries(props).find(([, p]) => "const" in p);
  return fixed
    ? `<code>${esc(fixed[0])}=${esc(String(fixed[1].const))}</code>`
    : esc(typeLabel(schema));
}

/** One row per field, nested objects flattened into dotted names. */
function fieldsTable(schema: JsonSchema): string {
  const rows: string[] = [];
  const walk = (node: JsonSchema, prefix: string) => {
    const props = (node.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((node.required ?? []) as string[]);
    for (const [name, prop] of Object.entries(props)) {
      const field = `${prefix}${name}`;
      const description = typeof prop.description === "string" ? prose(prop.description) : "";
      rows.push(
        `<tr><td><code>${esc(field)}</code></td><td>${esc(typeLabel(prop))}</td><td class="req">${required.has(name) ? "required" : "optional"}</td><td>${constraintList(prop)}${description}</td></tr>`,
      );
      if (prop.properties) walk(prop, `${field}.`);
      const items = prop.items as JsonSchema | undefined;
      if (items?.properties) walk(items, `${field}[].`);
    }
  };
  walk(schema, "");
  if (!rows.length) return `<p class="muted">No fields.</p>`;
  return `<table><thead><tr><th>Field</th><th>Type</th><th></th><th>Constraints and notes</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

export function typeLabel(schema: JsonSchema): string {
  if (typeof schema.$ref === "string") return schema.$ref.split("/").pop()!;
  if ("const" in schema) return JSON.stringify(schema.const);
  if (typeof schema.contentMediaType === "string") return `binary (${schema.contentMediaType})`;
  const union = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (union) return union.map(typeLabel).join(" | ");
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : schema.type;
  if (type === "array") {
    const items = schema.items as JsonSchema | undefined;
    return `array of ${items ? typeLabel(items) : "any"}`;
  }
  if (typeof type === "string") return schema.format ? `${type} (${schema.format})` : type;
  return "any";
}

/** minLength, enum, pattern, default, server-side checks... as a short list. */
export function constraints(schema: JsonSchema): string[] {
  const out: string[] = [];
  const s = schema;
  if (Array.isArray(s.enum)) out.push(`one of: ${s.enum.map((v) => JSON.stringify(v)).join(", ")}`);
  if (s.minLength !== undefined && s.maxLength !== undefined)
    out.push(`${s.minLength}–${s.maxLength} characters`);
  else if (s.minLength !== undefined) out.push(`at least ${s.minLength} characters`);
  else if (s.maxLength !== undefined) out.push(`at most ${s.maxLength} characters`);
  if (s.minimum !== undefined) out.push(`≥ ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) out.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined && s.maximum !== Number.MAX_SAFE_INTEGER) out.push(`≤ ${s.maximum}`);
  if (s.exclusiveMaximum !== undefined) out.push(`< ${s.exclusiveMaximum}`);
  if (s.minItems !== undefined) out.push(`at least ${s.minItems} items`);
  if (s.maxItems !== undefined) out.push(`at most ${s.maxItems} items`);
  if (typeof s.pattern === "string" && s.format !== "date-time") out.push(`pattern ${s.pattern}`);
  if (s.default !== undefined) out.push(`default ${JSON.stringify(s.default)}`);
  if (Array.isArray(s["x-checks"])) for (const c of s["x-checks"]) out.push(`checked: ${c}`);
  const items = s.items as JsonSchema | undefined;
  if (items) for (const c of constraints(items)) out.push(`each: ${c}`);
  for (const member of (s.anyOf ?? s.oneOf ?? []) as JsonSchema[]) out.push(...constraints(member));
  return out;
}

function constraintList(schema: JsonSchema): string {
  const list = constraints(schema);
  return list.length
    ? `<ul class="constraints">${list.map((c) => `<li>${esc(c)}</li>`).join("")}</ul>`
    : "";
}
