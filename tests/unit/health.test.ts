import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { defineOperation, json, operationErrors } from '../../contracts/operation.ts';
import { bearer, publicAccess } from '../../contracts/shared/auth.ts';
import { z } from '../../contracts/zod.ts';
import { getLiveness, getReadiness } from '../../contracts/health/operations.ts';
import { db } from '../../server/db/index.ts';
import { checkReadiness } from '../../server/health/checks.ts';
import { enter, lifecycle, stopping } from '../../server/lifecycle.ts';

describe('health contracts', () => {
  it('declare neither the 429 nor the pipeline’s 503 problem: unlimited, and liveness never touches the database', () => {
    const codes = (op: Parameters<typeof operationErrors>[0]) => operationErrors(op).map((e) => e.code);
    expect(codes(getLiveness)).toEqual(['not_acceptable']);
    expect(codes(getReadiness)).toEqual(['not_acceptable']);
  });

  it('refuse a declaration the pipeline would break: its own 503, or no database, with a pipeline that reads it', () => {
    const base = {
      method: 'get',
      path: '/api/health/odd',
      summary: 'Odd',
      description: 'An inconsistent contract.',
      tags: ['Health'],
      responses: { 200: { description: 'Fine.', content: json(z.object({}), {}) } },
      errors: [],
    } as const;
    expect(() => defineOperation({ ...base, operationId: 'getOdd', auth: bearer(), rateLimit: 'none', database: 'none' })).toThrow(/must be public/);
    expect(() => defineOperation({ ...base, operationId: 'getOdd', auth: publicAccess, database: 'none' })).toThrow(/rateLimit: 'none'/);
    expect(() =>
      defineOperation({ ...base, operationId: 'getOdd', auth: publicAccess, responses: { ...base.responses, 503: { description: 'Down.' } } }),
    ).toThrow(/its own 503/);
  });
});

describe('readiness and the lifecycle', () => {
  it('fails while starting and stopping without asking the database, and passes while serving', async () => {
    expect(lifecycle()).toBe('starting');
    const starting = await checkReadiness();
    expect(starting.status).toBe('fail');
    expect(Object.keys(starting.checks)).toEqual(['server:lifecycle']);

    enter('serving');
    await sql`select 1`.execute(db()); // opens and migrates the in-memory database, which would be slow enough to warn
    const serving = await checkReadiness();
    expect(serving.status, JSON.stringify(serving.checks)).toBe('pass');
    expect(Object.keys(serving.checks).sort()).toEqual(['idempotency-keys:backlog', 'postgres:migrations', 'postgres:responseTime', 'server:lifecycle', 'webhooks:backlog']);

    const signal = stopping();
    expect(signal.aborted).toBe(false);
    enter('stopping');
    expect(signal.aborted, 'long-lived responses are told to end').toBe(true);
    enter('serving'); // never back
    const stopped = await checkReadiness();
    expect(stopped).toMatchObject({ status: 'fail', checks: { 'server:lifecycle': [{ observedValue: 'stopping', status: 'fail' }] } });
    expect(Object.keys(stopped.checks)).toEqual(['server:lifecycle']);
  });
});
