import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import document from '../../openapi.json';
import { config } from '../config.ts';

function buildId(): string {
  // `next dev` leaves whatever an earlier build wrote in .next/: only a production server has a build of its own.
  if (process.env.NODE_ENV !== 'production') return 'development';
  try {
    return readFileSync(join(process.cwd(), '.next', 'BUILD_ID'), 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

/** What every health document says this is: the API version served, and the release (FOLIO_RELEASE_ID, else the build). */
export const release = { version: document.info.version, releaseId: config.releaseId ?? buildId() };
