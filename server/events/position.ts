/**
 * A place in the event log: (txid, seq) — the writing transaction's id, then the order within it
 * (migration 0010 says why). As a page cursor it is 24 bytes in base64url, the shape of every
 * other cursor (contracts/shared/pagination.ts): a version byte, then the two numbers.
 */
export interface Position {
  txid: string;
  seq: string;
}

const VERSION = 0x65; // 'e'

/**
 * seq is a PostgreSQL bigint (signed), txid an xid8 (unsigned): a cursor's seq past bigint's
 * largest comes after every seq of its transaction, as that largest does, and is read as it — so
 * the query stays valid (the number itself was a 500 once, found by probing the API).
 */
const LARGEST_SEQ = 2n ** 63n - 1n;

export function encodePosition(position: Position): string {
  const bytes = Buffer.alloc(24);
  bytes[0] = VERSION;
  bytes.writeBigUInt64BE(BigInt(position.txid), 8);
  bytes.writeBigUInt64BE(BigInt(position.seq), 16);
  return bytes.toString('base64url');
}

/** Any cursor of the pattern decodes to some place; one that is not an event cursor means "from the start". */
export function decodePosition(cursor: string): Position {
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.length !== 24 || bytes[0] !== VERSION) return { txid: '0', seq: '0' };
  const seq = bytes.readBigUInt64BE(16);
  return { txid: bytes.readBigUInt64BE(8).toString(), seq: (seq > LARGEST_SEQ ? LARGEST_SEQ : seq).toString() };
}

/** Whether `a` comes after `b` in the log. */
export function isAfter(a: Position, b: Position): boolean {
  const [ta, tb] = [BigInt(a.txid), BigInt(b.txid)];
  return ta !== tb ? ta > tb : BigInt(a.seq) > BigInt(b.seq);
}
