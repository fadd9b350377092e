import { Hono } from "hono";
import { api } from "./api/app";
import { onError } from "./api/middleware/errors";
import { publicCache } from "./api/middleware/public-cache";
import { requestId } from "./api/middleware/request-id";
import { requestLog } from "./api/middleware/request-log";
import { sameOriginWrites } from "./api/middleware/same-origin";
import { securityHeaders } from "./api/middleware/security-headers";
import { serverTiming } from "./api/middleware/server-timing";
import type { AppEnv } from "./env";
import { renderRemix } from "./remix";
import { mediaFiles } from "./site/media";
import { siteResources } from "./site/routes";

/**
 * The whole Worker's HTTP surface. Order matters: the request id exists before
 * anything logs, the log line is written last, and security headers wrap every
 * response, API and pages alike.
 */
export const app = new Hono<AppEnv>();

app.use("*", requestId);
app.use("*", requestLog);
app.use("*", serverTiming);
app.use("*", securityHeaders);
app.use("*", sameOriginWrites);

app.route("/api", api);
// Uploaded files, streamed from R2 (before the Remix catch-all).
app.route("/media", mediaFiles);
// Reader pages and feeds: served from the edge cache when they can be.
app.use("/:pub{@[a-z0-9-]+}/*", publicCache);
app.use("/:pub{@[a-z0-9-]+}", publicCache);
app.route("/", siteResources);
app.all("*", renderRemix);
app.onError(onError);
