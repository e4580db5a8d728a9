/**
 * One process per embedded database folder. PGlite keeps its own buffers and writes the folder's
 * files with no locking of its own, so two processes on one folder overwrite each other's pages:
 * rows acknowledged to clients disappear and indexes break. Whoever opens a folder first holds
 * a lock on it until it closes the database or exits, and every other process refuses it.
 *
 * The lock is SQLite's write lock on `<folder>/.folio.lock`, taken through node:sqlite (built into
 * Node, nothing to compile): an fcntl lock (LockFileEx on Windows) that the kernel drops when
 * its holder exits however it exits, so a `kill -9` leaves nothing stuck and no staleness has to
 * be guessed. It locks the file itself, not a name, so it holds across paths that name the folder
 * differently and across containers sharing the volume. The (empty) file stays; deleting it
 * while it is held would let a second process in, so no message ever suggests that.
 *
 * Next to it the holder writes `folio.pid` — pid, host, since when, command — so that the next
 * process can say who holds the folder. It is information only: the lock is the kernel's.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

const LOCK_FILE = '.folio.lock';
const HOLDER_FILE = 'folio.pid';
const SQLITE_BUSY = 5;

export interface FolderHolder {
  pid: number;
  host: string;
  /** When it took the folder. */
  since: string;
  command: string;
}

export interface FolderLock {
  /** Gives the folder up; idempotent. Exiting gives it up too. */
  release(): void;
}

/** Another process holds the folder. The message names the folder and the holder and says what to do. */
export class FolderInUseError extends Error {
  readonly folder: string;
  readonly holder: FolderHolder | undefined;

  constructor(folder: string, holder: FolderHolder | undefined) {
    const who = holder
      ? `pid ${holder.pid} on ${holder.host}, holding it since ${holder.since}: ${holder.command}`
      : 'a process that has not (yet) written folio.pid';
    super(
      `The embedded database folder ${folder} is in use by another process (${who}). ` +
        'Two processes on one folder corrupt it, so this one will not open it. ' +
        `Stop that process first${holder ? ` (kill ${holder.pid})` : ''}, or give this one its own folder with FOLIO_PGLITE_DIR, ` +
        'or use PostgreSQL with DATABASE_URL.',
    );
    this.name = 'FolderInUseError';
    this.folder = folder;
    this.holder = holder;
  }
}

// A connection that is garbage-collected is closed, and its lock with it: keep every held one reachable.
const held = new Set<DatabaseSync>();

function readHolder(folder: string): FolderHolder | undefined {
  try {
    return JSON.parse(readFileSync(join(folder, HOLDER_FILE), 'utf8')) as FolderHolder;
  } catch {
    return undefined;
  }
}

function writeHolder(folder: string) {
  const holder: FolderHolder = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    command: process.argv.slice(1).join(' '),
  };
  // Written aside and renamed, so a reader never sees half of it.
  const aside = join(folder, `${HOLDER_FILE}.${process.pid}`);
  writeFileSync(aside, JSON.stringify(holder) + '\n');
  renameSync(aside, join(folder, HOLDER_FILE));
}

/**
 * Locks `folder` (created if missing) for this process, or throws FolderInUseError at once if
 * another process — or another opening in this one — holds it.
 */
export function lockFolder(folder: string): FolderLock {
  const path = resolve(folder);
  mkdirSync(path, { recursive: true });
  const lock = new DatabaseSync(join(path, LOCK_FILE), { timeout: 0 });
  try {
    // The journal in memory: the transaction never writes, and a journal file would outlive a crash.
    lock.exec('PRAGMA journal_mode = MEMORY; BEGIN EXCLUSIVE');
  } catch (error) {
    lock.close();
    if ((error as { errcode?: number }).errcode === SQLITE_BUSY) throw new FolderInUseError(path, readHolder(path));
    throw error;
  }
  held.add(lock);
  try {
    writeHolder(path);
  } catch (error) {
    held.delete(lock);
    lock.close();
    throw error;
  }
  return {
    release() {
      if (!held.delete(lock)) return;
      // While still holding the lock, so the next holder's record cannot be the one removed.
      rmSync(join(path, HOLDER_FILE), { force: true });
      lock.close();
    },
  };
}
