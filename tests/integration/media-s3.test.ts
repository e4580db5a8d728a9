/**
 * The S3 driver against a real S3-compatible server (moto, started here): uploads land in the
 * bucket under their content address, downloads and ranges stream from it, identical bytes are
 * stored once, and a delete removes the object only with its last reference.
 */
import { createHash } from 'node:crypto';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3Storage } from '../../server/media/storage/s3.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as contract from '../../contracts/media/operations.ts';
import { expectConforms, send } from '../support/contract-assertions.ts';
import { databaseKinds, startFolio, type RunningFolio } from '../support/folio-server.ts';
import { signUp, type Account } from '../support/identity.ts';
import { jpegWithLocation, png, upload } from '../support/media.ts';
import { startS3, type S3Server } from '../support/s3-server.ts';

describe.each(databaseKinds())('media on S3 (moto) on %s', (kind) => {
  let s3: S3Server;
  let server: RunningFolio;
  let owner: Account;
  let other: Account;
  const keys = async () => ((await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? []).map((o) => o.Key).sort();

  beforeAll(async () => {
    s3 = await startS3();
    server = await startFolio(kind, s3.env);
    owner = await signUp(server.baseUrl);
    other = await signUp(server.baseUrl);
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    await s3?.stop();
  });

  it('stores, serves, ranges, deduplicates and deletes through the bucket', async () => {
    const bytes = await png(11, 64, 48);
    const hash = createHash('sha256').update(bytes).digest('hex');
    const first = await upload(server.baseUrl, owner, bytes, { type: 'image/png' });
    expectConforms(contract.createMedia, first);
    expect(first.status, first.text).toBe(201);
    const media = first.body as { id: string; sha256: string; width: number };
    expect(media).toMatchObject({ sha256: hash, width: 64 });
    expect(await keys()).toEqual([`media/${hash}`]);

    const whole = await fetch(`${server.baseUrl}/api/v1/media/${media.id}/content`, { headers: owner.auth });
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
    const part = await fetch(`${server.baseUrl}/api/v1/media/${media.id}/content`, { headers: { ...owner.auth, Range: 'bytes=5-14' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 5-14/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(5, 15))).toBe(true);

    const twin = await upload(server.baseUrl, other, bytes);
    expect(twin.status).toBe(201);
    expect(await keys()).toEqual([`media/${hash}`]);
    expect((await send(server.baseUrl, `/api/v1/media/${media.id}`, { method: 'DELETE', headers: owner.auth })).status).toBe(204);
    expect(await keys()).toEqual([`media/${hash}`]);
    expect((await send(server.baseUrl, `/api/v1/media/${(twin.body as { id: string }).id}`, { method: 'DELETE', headers: other.auth })).status).toBe(204);
    expect(await keys()).toEqual([]);
  });

  it('stores the JPEG without its location, and nothing for a refused upload', async () => {
    const jpeg = await upload(server.baseUrl, owner, await jpegWithLocation());
    expect(jpeg.status, jpeg.text).toBe(201);
    const { sha256 } = jpeg.body as { sha256: string };
    expect(await keys()).toEqual([`media/${sha256}`]);
    const refused = await upload(server.baseUrl, owner, Buffer.from('<svg/>'));
    expect(refused.status).toBe(415);
    expect(await keys()).toEqual([`media/${sha256}`]);
  });

  it('lists for the sweep only the content addresses under its prefix, never the bucket’s other objects', async () => {
    const foreign = ['mediabackup/db.sql', 'media/readme.txt', `media/${'a'.repeat(64)}.bak`, 'site/index.html'];
    for (const key of foreign) await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: 'not Folio’s' }));
    const ours = (await keys()).filter((key) => !foreign.includes(key!));
    const storage = s3Storage({ bucket: s3.bucket, region: 'us-east-1', forcePathStyle: true, prefix: 'media/' }, s3.client);
    const listed: string[] = [];
    for await (const { key } of storage.list()) listed.push(key);
    expect(ours.length).toBeGreaterThan(0);
    expect(listed.map((key) => `media/${key}`).sort()).toEqual(ours);
  });
});
