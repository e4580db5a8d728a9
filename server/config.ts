// Settings read once from the environment at start-up; nothing else reads process.env.
function integer(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}

export type ResponseValidation = 'strict' | 'strip';

export const config = {
  /** PostgreSQL connection string; without it Folio uses the embedded PGlite database. */
  databaseUrl: process.env.DATABASE_URL || undefined,
  /** Where the embedded database lives (`memory://` keeps it in memory). */
  pgliteDir: process.env.FOLIO_PGLITE_DIR || '.data/pglite',
  poolSize: integer('FOLIO_DB_POOL_SIZE', 10),
  /**
   * Largest request body read. Above every body the request schemas allow (the largest, a post,
   * is under 700 kB even with every character JSON-escaped), so only truly oversize bodies get 413.
   */
  maxBodyBytes: integer('FOLIO_MAX_BODY_BYTES', 1024 * 1024),
  /**
   * `strict`: a response that breaks its contract becomes a 500 problem (development, tests).
   * `strip`: undeclared fields are removed and the response is sent (production).
   */
  responseValidation: (process.env.FOLIO_RESPONSE_VALIDATION ??
    (process.env.NODE_ENV === 'production' ? 'strip' : 'strict')) as ResponseValidation,
  logLevel: process.env.LOG_LEVEL || 'info',
};

if (config.responseValidation !== 'strict' && config.responseValidation !== 'strip') {
  throw new Error('FOLIO_RESPONSE_VALIDATION must be strict or strip');
}
