import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CONTENT_ADDRESS, type ByteRange, type MediaStorage } from './types.ts';

export interface S3Settings {
  bucket: string;
  region: string;
  /** An S3-compatible server's URL (MinIO, R2, …); none for AWS itself. */
  endpoint?: string;
  /** `http://host/bucket/key` instead of `http://bucket.host/key`: what most self-hosted servers need. */
  forcePathStyle: boolean;
  /** Prepended to every key, e.g. `media/`. */
  prefix: string;
}

/**
 * Objects in an S3-compatible bucket, through the AWS SDK v3. Credentials come from the SDK's own
 * chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an instance role …), never from Folio's settings.
 */
export function s3Storage(settings: S3Settings, client = new S3Client({ region: settings.region, endpoint: settings.endpoint, forcePathStyle: settings.forcePathStyle })): MediaStorage {
  const { bucket, prefix } = settings;
  const keyOf = (key: string) => `${prefix}${key}`;
  return {
    description: `s3 ${settings.endpoint ?? 'aws'} bucket ${bucket}${prefix ? ` prefix ${prefix}` : ''}`,
    async put(key, stagedPath, size) {
      // Streamed from the staged file with its length: the SDK reads it as it sends.
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: keyOf(key), Body: createReadStream(stagedPath), ContentLength: size }));
    },
    async exists(key) {
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: keyOf(key) }));
        return true;
      } catch (error) {
        // S3 answers 403, not 404, for a missing object to credentials without s3:ListBucket. Taken
        // as missing, the object is stored (again: same bytes, same key), and a real refusal shows there.
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404 || status === 403) return false;
        throw error;
      }
    },
    async open(key, range?: ByteRange) {
      const answer = await client.send(
        new GetObjectCommand({ Bucket: bucket, Key: keyOf(key), ...(range && { Range: `bytes=${range.start}-${range.end}` }) }),
      );
      const body = answer.Body;
      if (body instanceof Readable) return body;
      return Readable.fromWeb((body as { transformToWebStream(): ReadableStream }).transformToWebStream() as never);
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: keyOf(key) }));
    },
    async *list() {
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const object of page.Contents ?? []) {
          const key = object.Key?.slice(prefix.length);
          // The bucket may hold other things under the prefix (`media` also lists `mediabackup/…`): never Folio's to sweep.
          if (key && CONTENT_ADDRESS.test(key) && object.LastModified) yield { key, modifiedAt: object.LastModified };
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },
  };
}
