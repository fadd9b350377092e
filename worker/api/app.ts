import { Hono } from "hono";
import type { AppEnv } from "../env";
import { answerMethodNotAllowed } from "./method-not-allowed";
import { authenticate } from "./middleware/authenticate";
import { bodyLimit } from "./middleware/body-limit";
import { cors } from "./middleware/cors";
import { apiNotFound, onError } from "./middleware/errors";
import { publicCache } from "./middleware/public-cache";
import { auth } from "./routes/auth";
import { content } from "./routes/content";
import { dev } from "./routes/dev";
import { docs } from "./routes/docs";
import { health } from "./routes/health";
import { me } from "./routes/me";
import { MEDIA_UPLOAD_PATHS, mediaApi } from "./routes/media";
import { postsApi } from "./routes/posts";
import { publicationsApi } from "./routes/publications";

/**
 * The API gateway, mounted at /api. Request id, logging, security headers and
 * the same-origin check run for every path in worker/app.ts; these run for the
 * API only.
 */
export const api = new Hono<AppEnv>();

api.use("*", cors);
// Media uploads stream files and enforce their own limits (worker/services/media.ts).
api.use("*", bodyLimit({ except: MEDIA_UPLOAD_PATHS }));
api.use("*", authenticate);

api.use("/v1/content/*", publicCache);

api.route("/health", health);
// Liveness without touching any binding; also the benchmark's "trivial Hono route".
api.get("/ping", (c) => c.text("pong"));
api.route("/v1/content", content);
api.route("/v1/auth", auth);
api.route("/v1/me", me);
api.route("/v1/publications/:pub/posts", postsApi);
api.route("/v1/publications/:pub/media", mediaApi);
api.route("/v1/publications", publicationsApi);
api.route("/dev", dev);
api.route("/", docs);

answerMethodNotAllowed(api);
// Registered last, so it only answers what no route above claimed; the parent
// app's Remix catch-all would otherwise turn unknown API paths into HTML pages.
api.all("*", apiNotFound);
api.onError(onError);
