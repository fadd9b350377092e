import { Hono } from "hono";
import type { AppEnv } from "../env";
import { answerMethodNotAllowed } from "./method-not-allowed";
import { bodyLimit } from "./middleware/body-limit";
import { cors } from "./middleware/cors";
import { apiNotFound, onError } from "./middleware/errors";
import { health } from "./routes/health";

/**
 * The API gateway, mounted at /api. Request id, logging and security headers
 * run for every path in worker/app.ts; these run for the API only.
 */
export const api = new Hono<AppEnv>();

api.use("*", cors);
api.use("*", bodyLimit());

api.route("/health", health);

answerMethodNotAllowed(api);
// Registered last, so it only answers what no route above claimed; the parent
// app's Remix catch-all would otherwise turn unknown API paths into HTML pages.
api.all("*", apiNotFound);
api.onError(onError);
