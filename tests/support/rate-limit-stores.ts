/**
 * The stores rate limits are counted in (server/http/rate-limit-store.ts) and how a test server
 * gets each: in process on the embedded database, PostgreSQL with a database URL, Redis with
 * REDIS_URL. Redis is tested when TEST_REDIS_URL names one (CI starts it: .ci/run).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnFolio } from '../../scripts/lib/folio-process.ts';
import { postgresBaseUrl, TEST_SERVER_ENV, type DatabaseKind, type RunningFolio } from './folio-server.ts';

type LimitStore = 'memory' | 'postgres' | 'redis';

interface StoreSetup {
  store: LimitStore;
  /** The database of the server that counts there. */
  kind: DatabaseKind;
  /** Its settings beyond startFolio's. */
  env: Record<string, string>;
}

export function testRedisUrl(): string | undefined {
  return process.env.TEST_REDIS_URL || undefined;
}

let prefixes = 0;

/**
 * A server counting in the test Redis. Each gets a key prefix of its own, since one Redis serves
 * every test server (and whatever else uses it): their counts must not meet.
 */
export function redisEnv(): Record<string, string> {
  const url = testRedisUrl();
  if (!url) throw new Error('Redis tests need TEST_REDIS_URL');
  return { REDIS_URL: url, FOLIO_REDIS_PREFIX: `folio-test:${process.pid}:${Date.now().toString(36)}:${prefixes++}:` };
}

/** Every store this run can test: always in process; PostgreSQL with TEST_DATABASE_URL; Redis (on PostgreSQL when there is one) with TEST_REDIS_URL. */
export function limitStores(): StoreSetup[] {
  const stores: StoreSetup[] = [{ store: 'memory', kind: 'pglite', env: {} }];
  if (postgresBaseUrl()) stores.push({ store: 'postgres', kind: 'postgres', env: {} });
  if (testRedisUrl()) stores.push({ store: 'redis', kind: postgresBaseUrl() ? 'postgres' : 'pglite', env: redisEnv() });
  return stores;
}

/**
 * Another instance of `server` — same settings, same PostgreSQL database if it has one (else an
 * embedded folder of its own, which cannot be shared) — as a second replica behind a load
 * balancer would be.
 */
export async function secondInstance(server: RunningFolio, env: Record<string, string>): Promise<RunningFolio> {
  const scratch = mkdtempSync(join(tmpdir(), 'folio-second-'));
  const logFile = join(scratch, 'server.log');
  const started = await spawnFolio({
    logFile,
    env: { ...TEST_SERVER_ENV, DATABASE_URL: server.databaseUrl ?? '', FOLIO_PGLITE_DIR: join(scratch, 'pglite'), FOLIO_MEDIA_DIR: join(scratch, 'media'), ...env },
    ready: { path: '/api/v1/users/nobody', status: 404 },
  });
  return {
    kind: server.kind,
    baseUrl: started.baseUrl,
    logFile,
    mediaDir: join(scratch, 'media'),
    pid: started.child.pid!,
    child: started.child,
    databaseUrl: server.databaseUrl,
    async stop() {
      await started.stop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
