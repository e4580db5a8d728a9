import { decodeCursor, encodeCursor, type Keyset } from './cursor.ts';

export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

/** How a list's positions become cursors and back. */
export interface CursorCodec<P> {
  encode(position: P): string;
  /** Every cursor the contract's pattern admits decodes to some position. */
  decode(cursor: string): P;
}

/**
 * Keyset paging: a query asks for `limit + 1` rows after `after(cursor)`, and `page()` keeps
 * `limit` of them, says whether more follow and makes the cursor of the last. Every list pages
 * this way; `codec` says what a position is.
 */
export function keysetPages<P>(codec: CursorCodec<P>) {
  return {
    after(cursor: string | undefined): P | undefined {
      return cursor === undefined ? undefined : codec.decode(cursor);
    },
    page<Row, Item>(rows: Row[], limit: number, toItem: (row: Row) => Item, positionOf: (row: Row) => P): Page<Item> {
      const kept = rows.slice(0, limit);
      const hasMore = rows.length > limit;
      const last = kept.at(-1);
      return { data: kept.map(toItem), has_more: hasMore, next_cursor: hasMore && last !== undefined ? codec.encode(positionOf(last)) : null };
    },
  };
}

/** The usual keyset: (created_at, id) of items whose ids carry `idPrefix` (`post_…`). */
export function keyset(idPrefix: string) {
  return keysetPages<Keyset>({ encode: encodeCursor, decode: (cursor) => decodeCursor(cursor, idPrefix) });
}
