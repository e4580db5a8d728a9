/**
 * server/db/schema.ts (what Kysely lets the code read and write) and the migrations (what the
 * database holds) say the same thing twice, by hand: this makes them agree. On both databases,
 * migrated from empty, the tables and their columns are exactly those the `Database` interface
 * names — no table a migration forgot to drop, no column the types promise and the database lacks.
 */
import { sql, type Kysely } from 'kysely';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, openDatabase } from '../../scripts/lib/database.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import { postgresBaseUrl } from '../support/folio-server.ts';

const SCHEMA = join(new URL('../..', import.meta.url).pathname, 'server/db/schema.ts');

/**
 * Tables that are not Folio's to type: the migrator's own, and the rate limiter's store, in
 * rate-limiter-flexible's layout, which only the library reads and writes (migration 0017,
 * server/http/rate-limit-store.ts).
 */
const NOT_OURS = new Set(['kysely_migration', 'kysely_migration_lock', 'rate_limits']);

/** `Database`'s tables and each table's columns, as the compiler reads server/db/schema.ts. */
function declaredTables(): Record<string, string[]> {
  const program = ts.createProgram([SCHEMA], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const source = checker.getSymbolAtLocation(program.getSourceFile(SCHEMA)!)!;
  const database = checker.getExportsOfModule(source).find((symbol) => symbol.name === 'Database');
  if (!database) throw new Error('server/db/schema.ts exports no Database');
  const tables: Record<string, string[]> = {};
  for (const table of checker.getDeclaredTypeOfSymbol(database).getProperties()) {
    const rowType = checker.getTypeOfSymbol(table);
    tables[table.name] = rowType.getProperties().map((column) => column.name).sort();
  }
  return tables;
}

async function actualTables(db: Kysely<unknown>): Promise<Record<string, string[]>> {
  const { rows } = await sql<{ table: string; column: string }>`
    select c.table_name as "table", c.column_name as "column"
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
    order by c.table_name, c.column_name`.execute(db);
  const tables: Record<string, string[]> = {};
  for (const { table, column } of rows) if (!NOT_OURS.has(table)) (tables[table] ??= []).push(column);
  return tables;
}

const declared = declaredTables();
const base = postgresBaseUrl();
const opened: Kysely<unknown>[] = [];
const scratches: { drop(): Promise<void> }[] = [];

afterAll(async () => {
  for (const db of opened) await db.destroy();
  for (const scratch of scratches) await scratch.drop();
});

describe('server/db/schema.ts and the migrations', () => {
  it('declare tables at all (the compiler read the interface)', () => {
    expect(Object.keys(declared)).toContain('posts');
    expect(declared.posts).toContain('title_search');
  });

  it('agree on the embedded database', async () => {
    const db = (await openDatabase({ kind: 'pglite', dir: 'memory://' })) as unknown as Kysely<unknown>;
    opened.push(db);
    await migrateToLatest(db);
    expect(await actualTables(db)).toEqual(declared);
  });

  it.runIf(base)('agree on PostgreSQL', async () => {
    const scratch = await createScratchDatabase(base!, 'folio_schema', { migrate: true });
    scratches.push(scratch);
    const db = (await openDatabase({ kind: 'postgres', url: scratch.url }, { poolSize: 1 })) as unknown as Kysely<unknown>;
    opened.push(db);
    expect(await actualTables(db)).toEqual(declared);
  });
});
