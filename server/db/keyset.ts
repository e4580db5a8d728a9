import { decodeCursor, encodeCursor, type Keyset } from './cursor.ts';

export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

/**
 * Keyset paging for one list, whose items' ids carry `idPrefix` (`post_…`): a query asks for
 * `limit + 1` rows after `after(cursor)`, and `page()` keeps `limit` of them, says whether more
 * follow and makes the cursor of the last. Every list pages this way, with the same cursors.
 */
export function keyset(idPrefix: string) {
  return {
    /** The position a cursor names; the contract's pattern admits only cursors that decode. */
    after(cursor: string | undefined): Keyset | undefined {
      return cursor === undefined ? undefined : decodeCursor(cursor, idPrefix);
    },
    page<Row, Item>(rows: Row[], limit: number, toItem: (row: Row) => Item, positionOf: (row: Row) => Keyset): Page<Item> {
      const kept = rows.slice(0, limit);
      const hasMore = rows.length > limit;
      const last = kept.at(-1);
      return { data: kept.map(toItem), has_more: hasMore, next_cursor: hasMore && last !== undefined ? encodeCursor(positionOf(last)) : null };
    },
  };
}
