/**
 * `npm run db:seed -- --posts 1000 [--authors 12] [--seed 1] [--batch 500] [--until 2026-01-01T00:00:00Z]`:
 * migrates the configured database (DATABASE_URL, else the PGlite directory FOLIO_PGLITE_DIR or
 * `.data/pglite`) and adds realistic sample posts (scripts/lib/sample-posts.ts). PostgreSQL is
 * loaded with COPY on two connections, and an empty table has its indexes rebuilt after the load
 * (scripts/lib/bulk-load.ts): a million posts in 8–9 minutes on two cores, most of it PostgreSQL
 * computing each post's search vectors (about 0.45 ms of CPU a post) and building their GIN index
 * (85–107 s, one core: PostgreSQL 15 builds a GIN index serially). The embedded database gets
 * one multi-row insert of `--batch` rows per transaction, and is much slower at that scale.
 *
 * Posts are spread over `--authors` sample accounts (emails @sample.folio.invalid, created if
 * missing, reused by later seeds; they cannot sign in), a few of them writing most posts.
 *
 * Deterministic given `--seed` and `--until` (default: now): titles, bodies, tags, statuses,
 * authors and timestamps repeat exactly. Ids do not: they come from newId(prefix, createdAt)
 * like the service's, whose 80 random bits are from crypto. Slugs are derived from titles as the
 * service derives them, suffixed `-2`, `-3`, … past slugs already taken, including by earlier seeds.
 */
import { sql, type Insertable, type Kysely } from 'kysely';
import pg from 'pg';
import { parseArgs } from 'node:util';
import { config } from '../server/config.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import type { Database, PostsTable } from '../server/db/schema.ts';
import { newId } from '../server/ids.ts';
import { firstFreeSlug, slugFromTitle } from '../server/posts/slug.ts';
import { copyRows, withoutSecondaryIndexes, type CopyValue } from './lib/bulk-load.ts';
import { ensureShowcase } from './lib/showcase.ts';
import { describeTarget, openDatabase, targetFrom, type DatabaseTarget } from './lib/database.ts';
import { AUTHOR_EMAIL_DOMAIN, authorPicker, creationTimes, Random, sampleAuthors, samplePost, type SampleAuthor } from './lib/sample-posts.ts';

export interface SeedOptions {
  posts: number;
  /** Sample accounts the posts are spread over (a few write most). */
  authors: number;
  seed: number;
  /** Rows per insert (and per transaction). */
  batchSize: number;
  /** The newest a post can be, in ms; the sample spans the two years before it. */
  until: number;
  /** Called after each batch with the rows inserted (or, by COPY, sent) so far. */
  onBatch?: (inserted: number) => void;
  /** Called as each index is rebuilt after a bulk load. */
  onIndex?: (name: string, ms: number) => void;
}

export interface SeedResult {
  inserted: number;
  authors: number;
  ms: number;
}

/**
 * Creates the sample accounts that are missing and returns the ids of those that can be used,
 * in order: one found under another email (a real account with that username) is left alone.
 * They cannot sign in: their password hash is `!`, which matches nothing.
 */
async function ensureAuthors(db: Kysely<Database>, authors: SampleAuthor[]): Promise<string[]> {
  await db
    .insertInto('users')
    .values(
      authors.map((a) => ({
        id: newId('user', a.createdAt),
        email: a.email,
        username: a.username,
        display_name: a.displayName,
        password_hash: '!',
        is_admin: false,
        created_at: new Date(a.createdAt),
        updated_at: new Date(a.createdAt),
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
  const rows = await db
    .selectFrom('users')
    .select(['id', 'username'])
    .where('username', 'in', authors.map((a) => a.username))
    .where('email', 'like', `%@${AUTHOR_EMAIL_DOMAIN}`)
    .execute();
  const ids = new Map(rows.map((r) => [r.username, r.id]));
  return authors.flatMap((a) => ids.get(a.username) ?? []);
}

/** The sample posts, one row at a time, in creation order. */
function* sampleRows(random: Random, options: SeedOptions, authorIds: string[], taken: Set<string>): Generator<Insertable<PostsTable>> {
  const pickAuthor = authorPicker(authorIds.length);
  const times = creationTimes(random, options.posts, options.until);
  for (let i = 0; i < options.posts; i++) {
    const createdAt = times[i] as number;
    const post = samplePost(random, createdAt, options.until);
    const slug = firstFreeSlug(slugFromTitle(post.title), taken);
    taken.add(slug);
    yield {
      id: newId('post', createdAt),
      author_id: authorIds[pickAuthor(random)] as string,
      slug,
      title: post.title,
      body: post.body,
      excerpt: post.excerpt,
      status: post.status,
      tags: post.tags,
      created_at: new Date(createdAt),
      updated_at: new Date(post.updatedAt),
      published_at: post.publishedAt === null ? null : new Date(post.publishedAt),
    };
  }
}

const COLUMNS = ['id', 'author_id', 'slug', 'title', 'body', 'excerpt', 'status', 'tags', 'created_at', 'updated_at', 'published_at'] as const;

/** Multi-row inserts, one transaction per batch: the embedded database's way (PGlite has no parallel COPY to gain from). */
async function insertBatches(db: Kysely<Database>, rows: Iterable<Insertable<PostsTable>>, options: SeedOptions): Promise<void> {
  let batch: Insertable<PostsTable>[] = [];
  let inserted = 0;
  const write = async () => {
    await db.transaction().execute((trx) => trx.insertInto('posts').values(batch).execute());
    inserted += batch.length;
    batch = [];
    options.onBatch?.(inserted);
  };
  for (const row of rows) {
    batch.push(row);
    if (batch.length >= options.batchSize) await write();
  }
  if (batch.length > 0) await write();
}

/**
 * COPY on two connections (PostgreSQL computes each post's search vectors as it stores it: two
 * cores do that twice as fast). Into an empty table, the secondary indexes are dropped first and
 * rebuilt after (far cheaper than maintaining them row by row), and the tag counts the trigger
 * would keep are computed once at the end.
 */
async function copyPosts(db: Kysely<Database>, pool: pg.Pool, rows: Iterable<Insertable<PostsTable>>, options: SeedOptions): Promise<void> {
  const empty = (await db.selectFrom('posts').select('id').limit(1).execute()).length === 0;
  const arrays = (function* () {
    for (const row of rows) yield COLUMNS.map((column) => row[column] as CopyValue);
  })();
  const load = () => copyRows(pool, 'posts', COLUMNS, arrays, { connections: 2, chunk: options.batchSize, onChunk: options.onBatch });
  await pool.query('alter table posts disable trigger posts_count_tags');
  try {
    if (empty && options.posts >= BULK_THRESHOLD) await withoutSecondaryIndexes(pool, 'posts', load, options.onIndex);
    else await load();
  } finally {
    await pool.query('alter table posts enable trigger posts_count_tags');
  }
  await db.transaction().execute(async (trx) => {
    await sql`lock table posts in share mode`.execute(trx);
    await sql`delete from tag_counts`.execute(trx);
    await sql`insert into tag_counts (tag, count) select tag, count(*) from posts, unnest(posts.tags) as tag where posts.status = 'published' group by tag`.execute(trx);
  });
}

/** Below this many posts, dropping and rebuilding the indexes costs more than it saves. */
export const BULK_THRESHOLD = 20_000;

/** Adds `options.posts` sample posts to a migrated database: by COPY when given a PostgreSQL pool, else in batches. */
export async function seedPosts(db: Kysely<Database>, options: SeedOptions, pool?: pg.Pool): Promise<SeedResult> {
  const started = performance.now();
  const random = new Random(options.seed);
  const authorIds = await ensureAuthors(db, sampleAuthors(random, Math.max(1, options.authors), options.until));
  if (authorIds.length === 0) throw new Error(`every sample username is taken by an account outside @${AUTHOR_EMAIL_DOMAIN}`);
  const taken = new Set((await db.selectFrom('posts').select('slug').execute()).map((r) => r.slug));
  const rows = sampleRows(random, options, authorIds, taken);
  if (pool) await copyPosts(db, pool, rows, options);
  else await insertBatches(db, rows, options);
  // The reference's examples name a post and a comment: make them real, so its first tries find data.
  await ensureShowcase(db, authorIds[0]!, new Date(options.until));
  return { inserted: options.posts, authors: authorIds.length, ms: performance.now() - started };
}

/** Migrates `target`, seeds it and closes it, printing progress to `print` (every 5% above 5,000 posts). */
export async function seedTarget(
  target: DatabaseTarget,
  options: Omit<SeedOptions, 'onBatch' | 'onIndex'>,
  print: (line: string) => void = console.log,
): Promise<SeedResult> {
  const db = await openDatabase(target, { poolSize: 1 });
  // PostgreSQL: a pool of its own for COPY and index builds (two of each at once, plus queries).
  const pool = target.kind === 'postgres' ? new pg.Pool({ connectionString: target.url, max: 3 }) : undefined;
  try {
    const migrated = await migrateToLatest(db as unknown as Kysely<unknown>);
    if (migrated.length > 0) print(`Applied ${migrated.length} migration(s): ${migrated.join(', ')}`);
    if (!pool && options.posts > 100_000) print('The embedded database loads row by row in one process: expect minutes per 100,000 posts (PostgreSQL uses COPY).');
    const step = Math.max(1, Math.ceil(options.posts / 20));
    let nextReport = step;
    const started = performance.now();
    return await seedPosts(
      db,
      {
        ...options,
        onBatch(inserted) {
          if (options.posts <= 5000 || inserted < nextReport || inserted === options.posts) return;
          while (nextReport <= inserted) nextReport += step;
          const seconds = (performance.now() - started) / 1000;
          const pct = Math.floor((inserted / options.posts) * 100);
          print(`  ${String(pct).padStart(3)}%  ${inserted.toLocaleString('en')} posts  ${seconds.toFixed(1)} s  ${rate(inserted, seconds * 1000)} rows/s`);
        },
        onIndex(name, ms) {
          print(`  index ${name} rebuilt in ${(ms / 1000).toFixed(1)} s`);
        },
      },
      pool,
    );
  } finally {
    await pool?.end();
    await db.destroy();
  }
}

const rate = (rows: number, ms: number) => Math.round(rows / (ms / 1000)).toLocaleString('en');

function positiveInteger(name: string, raw: string | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0 || value > max) throw new Error(`--${name} must be an integer in 0…${max}, got ${raw}`);
  return value;
}

if (import.meta.main) {
  try {
    const { values } = parseArgs({
      options: {
        posts: { type: 'string' },
        authors: { type: 'string' },
        seed: { type: 'string' },
        batch: { type: 'string' },
        until: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log('Usage: npm run db:seed -- [--posts 200] [--authors 12] [--seed 1] [--batch 500] [--until ISO-8601 time, default now]');
      process.exit(0);
    }
    const until = values.until === undefined ? Date.now() : Date.parse(values.until);
    if (Number.isNaN(until)) throw new Error(`--until must be an ISO 8601 time, got ${values.until}`);
    const options = {
      posts: positiveInteger('posts', values.posts, 200),
      authors: Math.max(1, positiveInteger('authors', values.authors, 12, 1000)),
      seed: positiveInteger('seed', values.seed, 1, 2 ** 32 - 1),
      // 11 parameters a row (inserts); PostgreSQL allows 65,535 parameters a statement. COPY sends rows in chunks of this size.
      batchSize: Math.max(1, positiveInteger('batch', values.batch, 500, 5000)),
      until,
    };
    const target = targetFrom(config);
    const where = describeTarget(target);
    console.log(
      `Seeding ${options.posts.toLocaleString('en')} posts by ${options.authors} sample authors (seed ${options.seed}, batches of ${options.batchSize}) into ${where}`,
    );
    const result = await seedTarget(target, options);
    console.log(
      `Seeded ${result.inserted.toLocaleString('en')} posts by ${result.authors} authors in ${(result.ms / 1000).toFixed(1)} s (${rate(result.inserted, result.ms)} rows/s).`,
    );
  } catch (error) {
    console.error(`Seeding failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
