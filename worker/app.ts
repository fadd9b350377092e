import { Hono } from "hono";
import { api } from "./api/app";
import { onError } from "./api/middleware/errors";
import { requestId } from "./api/middleware/request-id";
import { requestLog } from "./api/middleware/request-log";
import { sameOriginWrites } from "./api/middleware/same-origin";
import { securityHeaders } from "./api/middleware/security-headers";
import { serverTiming } from "./api/middleware/server-timing";
import type { AppEnv } from "./env";
import { renderRemix } from "./remix";

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
app.all("*", renderRemix);
app.onError(onError);
