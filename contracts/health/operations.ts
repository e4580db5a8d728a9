import { defineOperation } from '../operation.ts';
import { publicAccess } from '../shared/auth.ts';
import { defineResource } from '../resource.ts';
import { healthJson, Liveness, NotReady, Ready } from './schemas.ts';

const TAG = 'Health';
const tags = [TAG] as const;
const time = '2026-11-21T09:30:00.000Z';
const release = { version: '1.0.0', releaseId: 'x7Kq2mN4pR8sT1vW' };

export const getLiveness = defineOperation({
  operationId: 'getLiveness',
  method: 'get',
  path: '/api/health/live',
  summary: 'Liveness',
  description:
    'Whether the process is up and answering: for a liveness probe, which restarts the process when it fails. ' +
    'It asks nothing of the database, reads no credentials and is not rate limited, so a database outage never ' +
    'restarts a healthy process; it answers 200 for as long as Folio runs, shutdown included.',
  tags,
  auth: publicAccess,
  rateLimit: 'none',
  database: 'none',
  responses: { 200: { description: 'The process is up.', content: healthJson(Liveness, { status: 'pass', ...release }) } },
  errors: [],
});

export const getReadiness = defineOperation({
  operationId: 'getReadiness',
  method: 'get',
  path: '/api/health/ready',
  summary: 'Readiness',
  description:
    'Whether this instance should get traffic: for a readiness probe or a load balancer, which route around it while ' +
    'it fails. It runs `SELECT 1` against the database with a short timeout, checks that every migration of this ' +
    'release is applied and that background work keeps up, and answers 200 (`pass`, or `warn`) or 503 (`fail`) ' +
    'with each check and what it observed. From the moment Folio is told to stop (SIGTERM), it fails at once. ' +
    'Reads no credentials and is not rate limited; never cached.',
  tags,
  auth: publicAccess,
  rateLimit: 'none',
  responses: {
    200: {
      description: 'Ready: every check passes, or warns.',
      content: healthJson(Ready, {
        status: 'pass',
        ...release,
        checks: {
          'server:lifecycle': [{ componentType: 'system', observedValue: 'serving', status: 'pass', time }],
          'postgres:responseTime': [{ componentId: 'postgresql', componentType: 'datastore', observedValue: 1.8, observedUnit: 'ms', status: 'pass', time }],
          'postgres:migrations': [{ componentId: 'postgresql', componentType: 'datastore', observedValue: 0, observedUnit: 'pending', status: 'pass', time }],
          'idempotency-keys:backlog': [{ componentType: 'component', observedValue: 0, observedUnit: 's', status: 'pass', time }],
          'webhooks:backlog': [{ componentType: 'component', observedValue: 0, observedUnit: 's', status: 'pass', time }],
        },
      }),
    },
    503: {
      description: 'Not ready: starting, stopping, or a check failed. Send traffic elsewhere and ask again later.',
      content: healthJson(NotReady, {
        status: 'fail',
        ...release,
        checks: {
          'server:lifecycle': [{ componentType: 'system', observedValue: 'serving', status: 'pass', time }],
          'postgres:responseTime': [
            { componentId: 'postgresql', componentType: 'datastore', status: 'fail', time, output: 'The database refused or dropped the connection.' },
          ],
          'postgres:migrations': [{ componentId: 'postgresql', componentType: 'datastore', status: 'fail', time, output: 'Not checked: the database did not answer.' }],
          'idempotency-keys:backlog': [{ componentType: 'component', status: 'fail', time, output: 'Not checked: the database did not answer.' }],
          'webhooks:backlog': [{ componentType: 'component', status: 'fail', time, output: 'Not checked: the database did not answer.' }],
        },
      }),
    },
  },
  errors: [],
});

export const health = defineResource({
  tag: {
    name: TAG,
    description:
      'Probes for orchestrators and load balancers (`application/health+json`, draft-inadarei-api-health-check): liveness never asks the database, readiness does.',
  },
  operations: [getLiveness, getReadiness],
});
