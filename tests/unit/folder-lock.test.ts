import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FolderInUseError, lockFolder } from '../../server/db/folder-lock.ts';

// Across processes (servers, scripts, kill -9): tests/integration/embedded-lock.test.ts.
describe('lockFolder', () => {
  const folders: string[] = [];
  const newFolder = () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'folio-lock-unit-')), 'pglite');
    folders.push(folder);
    return folder;
  };
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(join(folder, '..'), { recursive: true, force: true });
  });

  it('creates the folder, records its holder, and refuses a second opening until released', () => {
    const folder = newFolder();
    const lock = lockFolder(folder);
    expect(JSON.parse(readFileSync(join(folder, 'folio.pid'), 'utf8'))).toMatchObject({ pid: process.pid });

    const refused = (() => {
      try {
        return lockFolder(folder);
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(FolderInUseError);
    expect((refused as FolderInUseError).holder?.pid).toBe(process.pid);
    expect((refused as FolderInUseError).message).toContain(`The embedded database folder ${folder} is in use by another process (pid ${process.pid} on `);

    lock.release();
    lock.release();
    expect(existsSync(join(folder, 'folio.pid'))).toBe(false);
    lockFolder(folder).release();
  });

  it('says so when the holder has not recorded itself', () => {
    const folder = newFolder();
    const lock = lockFolder(folder);
    rmSync(join(folder, 'folio.pid'));
    expect(() => lockFolder(folder)).toThrow(/in use by another process \(a process that has not \(yet\) written folio.pid\)/);
    lock.release();
  });
});
