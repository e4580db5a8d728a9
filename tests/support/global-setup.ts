import type { TestProject } from 'vitest/node';
import { databaseKinds, startFolio, type RunningFolio } from './folio-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    servers: { kind: string; baseUrl: string; logFile: string; mediaDir: string; databaseUrl?: string }[];
  }
}

/** One production server per database for the whole run; test files read them with inject('servers'). */
export default async function setup(project: TestProject) {
  const running: RunningFolio[] = [];
  for (const kind of databaseKinds()) running.push(await startFolio(kind));
  project.provide(
    'servers',
    running.map(({ kind, baseUrl, logFile, mediaDir, databaseUrl }) => ({ kind, baseUrl, logFile, mediaDir, databaseUrl })),
  );
  return async () => {
    await Promise.all(running.map((server) => server.stop()));
  };
}
