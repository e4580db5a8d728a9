import { afterAll, describe } from 'vitest';
import { createScratchDatabase, openDatabase } from '../../scripts/lib/database.ts';
import { postgresBaseUrl } from '../support/folio-server.ts';
import { newestMatchingSuite } from '../support/newest-matching-suite.ts';

const base = postgresBaseUrl();

describe.runIf(base)('on PostgreSQL', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  newestMatchingSuite('PostgreSQL', async () => {
    const scratch = await createScratchDatabase(base!, 'folio_newest_matching', { migrate: true });
    cleanups.push(() => scratch.drop());
    const db = await openDatabase({ kind: 'postgres', url: scratch.url }, { poolSize: 2 });
    cleanups.push(() => db.destroy());
    return db;
  });
});
