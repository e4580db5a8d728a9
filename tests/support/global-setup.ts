import type { TestProject } from 'vitest/node';
import { databaseKinds, postgresBaseUrl, startFolio, type RunningFolio } from './folio-server.ts';
import { redisEnv, testRedisUrl } from './rate-limit-stores.ts';

type ProvidedServer = { kind: string; baseUrl: string; logFile: string; mediaDir: string; databaseUrl?: string };

declare module 'vitest' {
  export interface ProvidedContext {
    servers: ProvidedServer[];
    /** A server counting rate limits in Redis (with TEST_REDIS_URL), for the suites that must run on every store. */
    redisServers: ProvidedServer[];
  }
}

const provided = ({ kind, baseUrl, logFile, mediaDir, databaseUrl }: RunningFolio, label: string = kind): ProvidedServer => ({ kind: label, baseUrl, logFile, mediaDir, databaseUrl });

/** One production server per database for the whole run; test files read them with inject('servers'). */
export default async function setup(project: TestProject) {
  const running: RunningFolio[] = [];
  for (const kind of databaseKinds()) running.push(await startFolio(kind));
  project.provide('servers', running.map((server) => provided(server)));
  const redis: ProvidedServer[] = [];
  if (testRedisUrl()) {
    const server = await startFolio(postgresBaseUrl() ? 'postgres' : 'pglite', redisEnv());
    running.push(server);
    redis.push(provided(server, `${server.kind} with Redis`));
  }
  project.provide('redisServers', redis);
  return async () => {
    await Promise.all(running.map((server) => server.stop()));
  };
}
