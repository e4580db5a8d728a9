/**
 * Bulk loading into PostgreSQL for the seed: rows streamed through `COPY … FROM STDIN` on
 * several connections at once (so the server computes the generated search columns on several
 * cores), with the table's secondary indexes dropped for the load and rebuilt afterwards — from
 * their own definitions in pg_indexes, so no index is written down twice.
 */
import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export type CopyValue = string | number | boolean | Date | null | readonly string[];

/** One value in COPY's text format. */
function field(value: CopyValue): string {
  if (value === null) return '\\N';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return escape(`{${value.map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`);
  return escape(String(value));
}

const escape = (text: string) => text.replace(/[\\\n\r\t]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!);

/**
 * Streams `rows` into `table` over `connections` parallel COPYs (chunks of `chunk` rows, dealt in
 * turn), honouring each stream's backpressure. Each COPY is its own transaction: on failure the
 * others may have committed, which a seed can live with.
 */
export async function copyRows(
  pool: pg.Pool,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly CopyValue[]>,
  options: { connections: number; chunk: number; onChunk?: (rows: number) => void },
): Promise<number> {
  const clients = await Promise.all(Array.from({ length: options.connections }, () => pool.connect()));
  const streams = clients.map((client) => client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`)));
  const done = streams.map((stream) => new Promise<void>((resolve, reject) => stream.on('finish', resolve).on('error', reject)));
  let count = 0;
  let buffer: string[] = [];
  let turn = 0;
  const flush = async () => {
    if (buffer.length === 0) return;
    const stream = streams[turn++ % streams.length]!;
    if (!stream.write(buffer.join(''))) await once(stream, 'drain');
    options.onChunk?.(count);
    buffer = [];
  };
  try {
    for (const row of rows) {
      buffer.push(`${row.map(field).join('\t')}\n`);
      count++;
      if (buffer.length >= options.chunk) await flush();
    }
    await flush();
    for (const stream of streams) stream.end();
    await Promise.all(done);
  } finally {
    for (const client of clients) client.release();
  }
  return count;
}

/**
 * Runs `load` with `table`'s secondary indexes dropped (those no constraint owns), then rebuilds
 * them — several at once, with generous maintenance memory — and vacuums and analyses the table. Indexes are
 * rebuilt even when the load fails, so the schema is never left without them.
 */
export async function withoutSecondaryIndexes<T>(pool: pg.Pool, table: string, load: () => Promise<T>, onRebuilt?: (name: string, ms: number) => void): Promise<T> {
  const { rows: indexes } = await pool.query<{ name: string; definition: string }>(
    `select i.indexname as name, i.indexdef as definition from pg_indexes i
     where i.schemaname = current_schema() and i.tablename = $1
       and not exists (select 1 from pg_constraint c where c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)
     order by i.indexname`,
    [table],
  );
  for (const index of indexes) await pool.query(`drop index ${index.name}`);
  try {
    return await load();
  } finally {
    const queue = [...indexes];
    const builder = async () => {
      const client = await pool.connect();
      try {
        await client.query(`set maintenance_work_mem = '1GB'`);
        for (let index = queue.shift(); index; index = queue.shift()) {
          const started = performance.now();
          await client.query(index.definition);
          onRebuilt?.(index.name, performance.now() - started);
        }
      } finally {
        client.release();
      }
    };
    await Promise.all([builder(), builder()]);
    // Vacuum as well as analyse: it marks the new pages all-visible, so index-only scans (keyset
    // pages, search windows) need not visit the heap — autovacuum may be off, or an hour away.
    await pool.query(`vacuum (analyze) ${table}`);
  }
}
