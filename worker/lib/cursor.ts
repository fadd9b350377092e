import { type SQLWrapper, sql } from "drizzle-orm";
import { base64urlDecodeString, base64urlEncodeString } from "./crypto";
import { problem } from "./problem";

/**
 * Opaque keyset cursors: the sort value and id of the last row of a page.
 * Pagination never uses OFFSET, so page 500 costs what page 1 costs.
 */
export function encodeCursor(sortValue: string, id: string): string {
  return base64urlEncodeString(JSON.stringify([sortValue, id]));
}

export function decodeCursor(cursor: string | undefined): { sortValue: string; id: string } | null {
  if (!cursor) return null;
  try {
    const parsed = JSON.parse(base64urlDecodeString(cursor));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === "string" &&
      typeof parsed[1] === "string"
    ) {
      return { sortValue: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through
  }
  throw problem(400, "The cursor is not valid; use the `next_cursor` of a previous page.", {
    code: "invalid_cursor",
  });
}

/**
 * `(sort, id) < (cursor.sort, cursor.id)` as a row-value comparison: SQLite
 * turns it into a range on the (…, sort, id) index, where the equivalent
 * `a < x OR (a = x AND b < y)` makes it walk the index from the start.
 */
export function before(
  sortColumn: SQLWrapper,
  idColumn: SQLWrapper,
  cursor: { sortValue: string; id: string },
) {
  return sql`(${sortColumn}, ${idColumn}) < (${cursor.sortValue}, ${cursor.id})`;
}
