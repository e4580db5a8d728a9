import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { lockFolder } from './folder-lock.ts';

/**
 * The one way to open an embedded database, for the server and the scripts alike: a PGlite
 * folder (created if missing) under this process's lock (./folder-lock.ts), which `close()`
 * gives up again. Throws FolderInUseError when another process has the folder. `memory://`
 * databases belong to their process anyway and need no lock.
 */
export async function openPGlite(dir: string, options: PGliteOptions = {}): Promise<PGlite> {
  if (dir.startsWith('memory://')) return PGlite.create(dir, options);
  const lock = lockFolder(dir);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(dir, options);
  } catch (error) {
    lock.release();
    throw error;
  }
  // Kysely's destroy() and `await using` both end in close(): the lock goes once the files are shut.
  const close = pglite.close.bind(pglite);
  pglite.close = async () => {
    try {
      await close();
    } finally {
      lock.release();
    }
  };
  return pglite;
}
