import { bytesToUlid, ulidToBytes } from '../ids.ts';

/** A keyset position: the (created_at, id) of the last item a page returned, and its rank when ranked. */
export interface Keyset {
  rank?: number;
  createdAt: Date;
  id: string;
}

// Cursors outside the years 1–9999 mean "before/after everything"; clamping keeps the query valid.
const EARLIEST = Date.parse('0001-01-01T00:00:00Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * 8 bytes of milliseconds + the id's 16 bytes, base64url: 32 characters. Every string that
 * matches the documented pattern decodes to some position, so a cursor is either malformed
 * (refused by validation) or a place in the list — never a server error.
 */
export function encodeCursor(position: Keyset): string {
  const ranked = position.rank !== undefined;
  const bytes = Buffer.alloc(ranked ? 32 : 24);
  if (ranked) bytes.writeDoubleBE(position.rank!, 0);
  const offset = ranked ? 8 : 0;
  bytes.writeBigInt64BE(BigInt(position.createdAt.getTime()), offset);
  bytes.set(ulidToBytes(position.id.slice(position.id.indexOf('_') + 1)), offset + 8);
  return bytes.toString('base64url');
}

/** Any string of the cursor pattern decodes; a rank that is not a finite number means "before every result". */
export function decodeCursor(cursor: string, idPrefix: string): Keyset {
  const bytes = Buffer.from(cursor, 'base64url');
  const ranked = bytes.length >= 32;
  const offset = ranked ? 8 : 0;
  const rank = ranked ? bytes.readDoubleBE(0) : undefined;
  const ms = Number(bytes.readBigInt64BE(offset));
  const clamped = Math.min(Math.max(ms, EARLIEST), LATEST);
  return {
    ...(rank !== undefined && { rank: Number.isFinite(rank) ? rank : Number.MAX_VALUE }),
    createdAt: new Date(clamped),
    id: `${idPrefix}_${bytesToUlid(bytes.subarray(offset + 8, offset + 24))}`,
  };
}
