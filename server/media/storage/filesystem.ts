import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { CONTENT_ADDRESS, type ByteRange, type MediaStorage } from './types.ts';

const READ_CHUNK = 1024 * 1024;

/**
 * Objects as files under `<folder>/objects/<first two hex digits>/<sha256>`. The path comes from the
 * hash alone — never from anything a client sent — and a new object appears atomically (a hard link
 * of the staged file, which is on the same filesystem, or a copy renamed into place).
 */
export function filesystemStorage(folder: string): MediaStorage {
  const root = join(folder, 'objects');
  const pathOf = (key: string) => {
    if (!CONTENT_ADDRESS.test(key)) throw new Error(`not a content address: ${key}`);
    return join(root, key.slice(0, 2), key);
  };
  return {
    description: `filesystem ${folder}`,
    async put(key, stagedPath) {
      const target = pathOf(key);
      await mkdir(join(root, key.slice(0, 2)), { recursive: true });
      try {
        await link(stagedPath, target);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') return;
        if (code !== 'EXDEV' && code !== 'EPERM') throw error;
        const temporary = `${target}.${process.pid}.tmp`;
        await copyFile(stagedPath, temporary);
        await rename(temporary, target);
      }
    },
    async exists(key) {
      return stat(pathOf(key)).then(
        () => true,
        () => false,
      );
    },
    async open(key, range?: ByteRange): Promise<Readable> {
      // 1 MiB reads: each chunk crosses two stream conversions (Node → web → Node) on its way out.
      const stream = createReadStream(pathOf(key), { highWaterMark: READ_CHUNK, ...(range && { start: range.start, end: range.end }) });
      // Fail here (a missing file) rather than mid-response.
      await new Promise<void>((resolve, reject) => stream.once('open', () => resolve()).once('error', reject));
      return stream;
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async *list() {
      const shards = await readdir(root).catch(() => [] as string[]);
      for (const shard of shards) {
        for (const name of await readdir(join(root, shard)).catch(() => [] as string[])) {
          if (!CONTENT_ADDRESS.test(name)) continue;
          const info = await stat(join(root, shard, name)).catch(() => undefined);
          if (info) yield { key: name, modifiedAt: info.mtime };
        }
      }
    },
  };
}
