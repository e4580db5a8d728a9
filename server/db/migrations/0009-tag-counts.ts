import { sql, type Kysely } from 'kysely';

/**
 * How many published posts carry each tag, kept by a trigger in the transaction that changes the
 * post, so `GET /api/v1/tags` reads a small table instead of aggregating every post. The trigger
 * applies one net change per tag, in tag order, so concurrent writers lock counters in the same
 * order (no deadlock) and the counts stay exact. Tags that fall to zero keep a row at 0.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table tag_counts (tag text primary key, count integer not null check (count >= 0))`.execute(db);
  await sql`create index tag_counts_ranked on tag_counts (count desc, tag)`.execute(db);
  await sql`
    create function posts_count_tags() returns trigger language plpgsql as $$
    declare
      change record;
    begin
      for change in
        select tag, sum(delta)::int as delta from (
          select distinct unnest(old.tags) as tag, -1 as delta where tg_op <> 'INSERT' and old.status = 'published'
          union all
          select distinct unnest(new.tags), 1 where tg_op <> 'DELETE' and new.status = 'published'
        ) as changes
        group by tag having sum(delta) <> 0 order by tag
      loop
        insert into tag_counts as t (tag, count) values (change.tag, greatest(change.delta, 0))
        on conflict (tag) do update set count = t.count + change.delta;
      end loop;
      return null;
    end
    $$`.execute(db);
  await sql`
    create trigger posts_count_tags after insert or delete or update of tags, status on posts
    for each row execute function posts_count_tags()`.execute(db);
  await sql`
    insert into tag_counts (tag, count)
    select tag, count(*) from posts, unnest(posts.tags) as tag where posts.status = 'published' group by tag`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger posts_count_tags on posts`.execute(db);
  await sql`drop function posts_count_tags()`.execute(db);
  await sql`drop table tag_counts`.execute(db);
}
