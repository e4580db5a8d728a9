/**
 * The S3 driver's `exists`: S3 answers a HEAD of a missing object with 404 — or with 403 to
 * credentials without s3:ListBucket — and either means "store it". Any other failure is one.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { s3Storage } from '../../server/media/storage/s3.ts';

const answering = (status: number) =>
  ({
    send: async () => {
      throw Object.assign(new Error(`HTTP ${status}`), { $metadata: { httpStatusCode: status } });
    },
  }) as unknown as S3Client;

const storage = (status: number) => s3Storage({ bucket: 'b', region: 'us-east-1', forcePathStyle: true, prefix: 'media/' }, answering(status));

describe('S3 exists()', () => {
  it('is false for 404 and for the 403 a missing object gets without ListBucket', async () => {
    expect(await storage(404).exists('a'.repeat(64))).toBe(false);
    expect(await storage(403).exists('a'.repeat(64))).toBe(false);
  });
  it('fails on anything else', async () => {
    await expect(storage(500).exists('a'.repeat(64))).rejects.toThrow('HTTP 500');
  });
});
