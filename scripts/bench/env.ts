/**
 * Quotas so high that the bench never sees 429: every request still counts against the rate
 * limit (that work is part of what is measured), none is refused. An explicit
 * FOLIO_RATE_LIMITS in the environment wins.
 */
export const BENCH_RATE_LIMITS = process.env.FOLIO_RATE_LIMITS || 'read=1000000000/60,write=1000000000/60,auth=1000000000/60';
