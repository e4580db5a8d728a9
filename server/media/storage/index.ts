import { config } from '../../config.ts';
import { filesystemStorage } from './filesystem.ts';
import { s3Storage } from './s3.ts';
import type { MediaStorage } from './types.ts';

export type { ByteRange, MediaStorage } from './types.ts';

let storage: MediaStorage | undefined;

/** The configured driver (FOLIO_MEDIA_DRIVER): the filesystem under FOLIO_MEDIA_DIR, or an S3-compatible bucket. */
export function mediaStorage(): MediaStorage {
  storage ??= config.media.driver === 's3' ? s3Storage(config.media.s3) : filesystemStorage(config.media.dir);
  return storage;
}
