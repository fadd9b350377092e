import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Database = ReturnType<typeof createDatabase>;

const createDatabase = (d1: D1Database) => drizzle(d1, { schema });

// drizzle derives its relational config from the schema on every construction,
// which showed up in CPU profiles of cached reads: build it once per binding.
const instances = new WeakMap<D1Database, Database>();

/** drizzle over a D1 binding, created once per isolate and binding. */
export function database(d1: D1Database): Database {
  let db = instances.get(d1);
  if (!db) {
    db = createDatabase(d1);
    instances.set(d1, db);
  }
  return db;
}
