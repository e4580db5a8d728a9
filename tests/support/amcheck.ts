/**
 * PostgreSQL's own corruption checks on an embedded database folder (amcheck, as a DBA would run
 * it), for the tests that kill servers over one: every B-tree index of the public schema with
 * heapallindexed (each heap tuple is in its indexes), and optionally every heap.
 */
import type { PGlite } from '@electric-sql/pglite';

/** Runs bt_index_check on every public B-tree index (of permanent tables only, if asked; a crash empties unlogged ones); returns how many were checked — any damage throws. */
export async function checkBtreeIndexes(pglite: PGlite, options: { permanentOnly?: boolean } = {}): Promise<number> {
  await pglite.exec('create extension if not exists amcheck');
  const { rows } = await pglite.query<{ checked: number }>(
    `select count(bt_index_check(c.oid, true))::int as checked
       from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am am on am.oid = c.relam
       join pg_namespace n on n.oid = c.relnamespace
      where am.amname = 'btree' and n.nspname = 'public'${options.permanentOnly ? ` and c.relpersistence = 'p'` : ''}`,
  );
  return rows[0]!.checked;
}

/** verify_heapam over every permanent table of the public schema: what it reports, nothing when clean. */
export async function corruptHeaps(pglite: PGlite): Promise<{ relname: string; msg: string }[]> {
  await pglite.exec('create extension if not exists amcheck');
  const { rows } = await pglite.query<{ relname: string; msg: string }>(
    `select c.relname, v.msg from pg_class c join pg_namespace n on n.oid = c.relnamespace, verify_heapam(c.oid) v
      where c.relkind = 'r' and n.nspname = 'public' and c.relpersistence = 'p'`,
  );
  return rows;
}
