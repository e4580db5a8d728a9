import type { Readable } from 'node:stream';

/** An inclusive byte range of a stored object. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where media bytes live. Keys are content addresses (the SHA-256 of the bytes), so identical
 * uploads are stored once and `put` of an existing key changes nothing. The service decides when
 * a key is unreferenced (server/media/objects.ts); a driver only stores, reads and forgets.
 */
export interface MediaStorage {
  /** `filesystem <folder>` or `s3 <bucket>`, for the start-up log. */
  readonly description: string;
  /** Stores the staged file under `key`; the staged file stays where it is (the binding removes it). */
  put(key: string, stagedPath: string, size: number): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** The object's bytes (or a range of them) as a stream; nothing is read whole into memory. */
  open(key: string, range?: ByteRange): Promise<Readable>;
  delete(key: string): Promise<void>;
  /**
   * Every stored key and when it was written, for the sweep of objects no row references: only
   * content addresses (CONTENT_ADDRESS) — anything else where the objects live is not Folio's to delete.
   */
  list(): AsyncIterable<{ key: string; modifiedAt: Date }>;
}

/** What an object is stored under: the SHA-256 of its bytes, in hex. */
export const CONTENT_ADDRESS = /^[0-9a-f]{64}$/;
