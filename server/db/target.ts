/**
 * Which database a process uses, and how to name it in a log or a message without its secrets.
 * The server (server/db/index.ts) and the scripts (scripts/lib/database.ts) share these, so both
 * read the configuration the same way and print the same words for it.
 */
import { resolve } from 'node:path';

export type DatabaseTarget = { kind: 'postgres'; url: string } | { kind: 'pglite'; dir: string };

/** The one rule (server/config.ts): DATABASE_URL when set, else the embedded PGlite directory. */
export function targetFrom(settings: { databaseUrl?: string; pgliteDir: string }): DatabaseTarget {
  return settings.databaseUrl ? { kind: 'postgres', url: settings.databaseUrl } : { kind: 'pglite', dir: settings.pgliteDir };
}

const SECRET_PARAM = /pass|secret|token|key/i;

/** A connection string fit to print: the password and secret-looking query parameters are masked. */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '(a connection string that is not a URL; not shown)';
  }
  if (url.password) url.password = '***';
  for (const name of [...url.searchParams.keys()]) if (SECRET_PARAM.test(name)) url.searchParams.set(name, '***');
  return url.toString();
}

/** `PostgreSQL postgres://folio:***@db.internal:5432/folio`, `PGlite at /srv/folio/.data/pglite` or `PGlite in memory`. */
export function describeTarget(target: DatabaseTarget): string {
  if (target.kind === 'postgres') return `PostgreSQL ${redactUrl(target.url)}`;
  return target.dir.startsWith('memory://') ? 'PGlite in memory' : `PGlite at ${resolve(target.dir)}`;
}
