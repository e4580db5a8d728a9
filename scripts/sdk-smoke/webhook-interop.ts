/**
 * The PyPI half of the webhook interop proof (the npm half is tests/unit/webhook-verify.test.ts):
 * signs messages with `signWebhook` — the function Folio signs its deliveries with — and has the
 * official Python `standardwebhooks` library (pinned below) verify them, in scripts/sdk-smoke/webhooks.py.
 * Run by `npm run test:sdk` (scripts/sdk-smoke.ts) in its virtualenv, counted in its tally.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { signWebhook } from '../../client/src/webhooks.ts';

const STANDARD_WEBHOOKS = '1.1.0';

interface Case {
  name: string;
  /** The secret Folio signed with, and the one the library verifies with. */
  secret: string;
  verify_with: string;
  id: string;
  timestamp: number;
  body: string;
  signature: string;
  valid: boolean;
}

async function cases(): Promise<Case[]> {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const retired = `whsec_${randomBytes(24).toString('base64')}`;
  const now = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    id: 'evt_01jdq8m4k2c9v7x3n5r6t8w0yz',
    type: 'post.published',
    created_at: new Date().toISOString(),
    data: { post_id: 'post_01jdq8m4k2c9v7x3n5r6t8w0yz', slug: 'grüße-😀', status: 'published', author_id: 'user_01jdq8m4k2c9v7x3n5r6t8w0yz' },
  });
  const message = (id: string, timestamp = now, text = body) => ({ id, timestamp, body: text });
  const signed = async (m: { id: string; timestamp: number; body: string }, key = secret) => ({ ...m, signature: await signWebhook(key, m.id, m.timestamp, m.body) });

  const rotation = message('msg_rotation');
  const bothSignatures = `${(await signed(rotation, retired)).signature} ${(await signed(rotation)).signature}`;
  const tampered = await signed(message('msg_tampered'));
  return [
    { name: 'a delivery (UTF-8 body)', secret, verify_with: secret, ...(await signed(message('msg_1'))), valid: true },
    { name: 'rotation: signed with two secrets, verified with the new one', secret, verify_with: secret, ...rotation, signature: bothSignatures, valid: true },
    { name: 'a changed body', secret, verify_with: secret, ...tampered, body: tampered.body.replace('published', 'deleted'), valid: false },
    { name: 'another secret', secret, verify_with: retired, ...(await signed(message('msg_other'))), valid: false },
    { name: 'a timestamp 10 minutes old', secret, verify_with: secret, ...(await signed(message('msg_stale', now - 600))), valid: false },
  ];
}

/** Installs the pinned library into the virtualenv of `bin` and runs the cases; returns the exit status. */
export async function webhookInterop(bin: string, tally: string, env: NodeJS.ProcessEnv): Promise<number> {
  const pip = spawnSync(join(bin, 'pip'), ['install', '--quiet', '--disable-pip-version-check', `standardwebhooks==${STANDARD_WEBHOOKS}`], { encoding: 'utf8', env });
  if (pip.status !== 0) {
    console.error(`pip install standardwebhooks==${STANDARD_WEBHOOKS} failed:\n${pip.stdout}${pip.stderr}`);
    return 1;
  }
  const script = new URL('webhooks.py', import.meta.url).pathname;
  const run = spawnSync(join(bin, 'python'), [script, '--tally', tally], { input: JSON.stringify({ cases: await cases() }), stdio: ['pipe', 'inherit', 'inherit'], env });
  return run.status ?? 1;
}
