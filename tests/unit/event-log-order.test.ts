import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { db } from '../../server/db/index.ts';
import { transact } from '../../server/db/transact.ts';
import { head, PUBLIC, readEvents, recordEvent } from '../../server/events/log.ts';

// The log reads positions as text (txid::text, seq::text): ordering by those names, not by the
// columns, would put seq 10 before seq 9 — pages out of order, a stream starting at the wrong place.
describe('the event log', () => {
  it('is read in numeric position order, and its head is the numerically last event', async () => {
    const usernames = ['order_a', 'order_b', 'order_c', 'order_d', 'order_e'];
    // One transaction whose events take seq 8 to 12 (its own txid keeps (txid, seq) unique).
    await sql`select setval(pg_get_serial_sequence('events', 'seq'), 7)`.execute(db());
    await transact(db(), async (trx) => {
      for (const username of usernames) await recordEvent(trx, 'user.created', { user_id: `user_${username}`, username }, PUBLIC);
    });
    const rows = await readEvents(db(), { limit: 100 });
    const mine = rows.filter((row) => usernames.includes((row.data as { username: string }).username));
    expect(mine.map((row) => row.seq)).toEqual(['8', '9', '10', '11', '12']);
    expect(mine.map((row) => (row.data as { username: string }).username)).toEqual(usernames);
    expect(await head(db())).toEqual({ txid: mine.at(-1)!.txid, seq: '12' });
  });
});
