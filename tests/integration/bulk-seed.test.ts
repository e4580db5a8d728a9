/**
 * `npm run db:seed` on PostgreSQL past the bulk threshold (scripts/seed.ts, scripts/lib/bulk-load.ts):
 * COPY on two connections with the posts' secondary indexes dropped, the tag-count trigger off
 * and the counts recomputed after. What must hold afterwards is what a normal write would have
 * left: every row, every index rebuilt as it was defined, the trigger on again, exact tag counts —
 * and the table vacuumed, so index-only scans need not visit the heap.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, openDatabase } from '../../scripts/lib/database.ts';
import { BULK_THRESHOLD, seedTarget } from '../../scripts/seed.ts';
import { postgresBaseUrl } from '../support/folio-server.ts';

/** The smallest load that takes the bulk path. */
const POSTS = BULK_THRESHOLD;

const base = postgresBaseUrl();

describe.runIf(base)('bulk seed on postgres', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let db: Awaited<ReturnType<typeof openDatabase>>;
  const indexesOf = async () =>
    (await sql<{ name: string; definition: string }>`select indexname as name, indexdef as definition from pg_indexes where tablename = 'posts' order by indexname`.execute(db)).rows;
  let before: { name: string; definition: string }[];
  const rebuilt: string[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase(base!, 'folio_bulk_seed', { migrate: true });
    db = await openDatabase({ kind: 'postgres', url: scratch.url }, { poolSize: 1 });
    before = await indexesOf();
    await seedTarget({ kind: 'postgres', url: scratch.url }, { posts: POSTS, authors: 12, seed: 7, batchSize: 2000, until: Date.parse('2026-11-01T00:00:00Z') }, (line) => {
      const name = /index (\S+) rebuilt/.exec(line)?.[1];
      if (name) rebuilt.push(name);
    });
  }, 180_000);

  afterAll(async () => {
    await db?.destroy();
    await scratch?.drop();
  });

  it('loads every post and rebuilds every secondary index exactly as it was defined', async () => {
    const [{ count }] = (await sql<{ count: number }>`select count(*)::int as count from posts`.execute(db)).rows as [{ count: number }];
    // The reference's showcase post comes on top of the sample.
    expect(count).toBeGreaterThanOrEqual(POSTS);
    expect(await indexesOf()).toEqual(before);
    // The bulk path really ran: it dropped and rebuilt the secondary indexes (not only the primary key).
    expect(rebuilt.length).toBeGreaterThanOrEqual(5);
    expect(rebuilt).toContain('posts_search');
    const invalid = await sql`select c.relname from pg_index i join pg_class c on c.oid = i.indexrelid where not i.indisvalid or not i.indisready`.execute(db);
    expect(invalid.rows).toEqual([]);
  });

  it('turns the tag-count trigger on again, with counts equal to a recount', async () => {
    const trigger = await sql<{ enabled: string }>`select tgenabled as enabled from pg_trigger where tgname = 'posts_count_tags'`.execute(db);
    expect(trigger.rows).toEqual([{ enabled: 'O' }]);
    const differences = await sql`
      with recount as (
        select tag, count(*)::int as count from posts, unnest(posts.tags) as tag where posts.status = 'published' group by tag
      )
      select coalesce(r.tag, t.tag) as tag, r.count as recount, t.count as kept
      from recount r full join tag_counts t on t.tag = r.tag
      where coalesce(r.count, 0) <> coalesce(t.count, 0)`.execute(db);
    expect(differences.rows).toEqual([]);
    const [{ tags }] = (await sql<{ tags: number }>`select count(*)::int as tags from tag_counts where count > 0`.execute(db)).rows as [{ tags: number }];
    expect(tags).toBeGreaterThan(0);
  });

  it('leaves the table vacuumed and analysed (all-visible pages, fresh statistics)', async () => {
    const [stats] = (
      await sql<{ vacuumed: boolean; analysed: boolean; visible: number; pages: number }>`
        select (s.last_vacuum is not null) as vacuumed, (s.last_analyze is not null) as analysed,
               c.relallvisible::int as visible, c.relpages::int as pages
        from pg_stat_user_tables s join pg_class c on c.oid = s.relid where s.relname = 'posts'`.execute(db)
    ).rows as [{ vacuumed: boolean; analysed: boolean; visible: number; pages: number }];
    expect(stats.vacuumed).toBe(true);
    expect(stats.analysed).toBe(true);
    expect(stats.pages).toBeGreaterThan(0);
    // The showcase post written after the load may leave one page not all-visible.
    expect(stats.visible).toBeGreaterThanOrEqual(stats.pages - 2);
  });
});
