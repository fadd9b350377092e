import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Database = ReturnType<typeof database>;

/** drizzle over the request's D1 binding; cheap to create per request. */
export function database(d1: D1Database) {
  return drizzle(d1, { schema });
}
