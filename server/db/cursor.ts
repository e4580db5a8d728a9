import { bytesToUlid, ulidToBytes } from '../ids.ts';

/** A keyset position: the (created_at, id) of the last item a page returned. */
export interface Keyset {
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
  const bytes = Buffer.alloc(24);
  bytes.writeBigInt64BE(BigInt(position.createdAt.getTime()), 0);
  bytes.set(ulidToBytes(position.id.slice(position.id.indexOf('_') + 1)), 8);
  return bytes.toString('base64url');
}

export function decodeCursor(cursor: string, idPrefix: string): Keyset {
  const bytes = Buffer.from(cursor, 'base64url');
  const ms = Number(bytes.readBigInt64BE(0));
  const clamped = Math.min(Math.max(ms, EARLIEST), LATEST);
  return { createdAt: new Date(clamped), id: `${idPrefix}_${bytesToUlid(bytes.subarray(8, 24))}` };
}
