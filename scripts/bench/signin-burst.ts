/**
 * Part of (b): what a burst of sign-ins does to everyone else. Password hashing (scrypt) runs on
 * Node's small thread pool; unbounded, 40 sign-ins at once would queue every other request behind
 * them. Folio bounds it (FOLIO_HASH_CONCURRENCY, FOLIO_HASH_QUEUE: server/auth/password.ts). Here
 * one client reads posts one at a time — first alone, then while
 * `concurrency` sign-ins (each its own account, past the per-email throttle) run without pause —
 * and the read latencies are compared.
 */
import { randomUUID } from 'node:crypto';
import { summarize, type Summary } from './stats.ts';

export interface BurstResult {
  quiet: Summary;
  burst: Summary;
  signIns: { ok: number; refused: number; other: number };
}

const PASSWORD = 'bench burst password, long enough';

async function post(baseUrl: string, path: string, body: unknown): Promise<number> {
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

/** `count` sequential reads of the posts in `paths`, their latencies in milliseconds. */
async function reads(baseUrl: string, paths: string[], count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const res = await fetch(`${baseUrl}${paths[i % paths.length]}`);
    await res.arrayBuffer();
    if (res.ok) latencies.push(performance.now() - started);
  }
  return latencies;
}

export async function signInBurst(baseUrl: string, paths: string[], options: { concurrency: number; reads: number }): Promise<BurstResult> {
  const accounts = Array.from({ length: options.concurrency }, () => `b${randomUUID().replaceAll('-', '').slice(0, 12)}`);
  // Registration hashes too: one at a time, before anything is measured.
  for (const name of accounts) {
    const status = await post(baseUrl, '/api/v1/users', { email: `${name}@bench.test`, username: name, display_name: name, password: PASSWORD });
    if (status !== 201) throw new Error(`registering a bench account answered ${status}`);
  }
  await reads(baseUrl, paths, 50); // warm-up
  const quiet = summarize(await reads(baseUrl, paths, options.reads));

  const signIns = { ok: 0, refused: 0, other: 0 };
  let running = true;
  const signer = async (name: string) => {
    while (running) {
      const status = await post(baseUrl, '/api/v1/tokens', { email: `${name}@bench.test`, password: PASSWORD, name: 'burst' });
      if (status === 201) signIns.ok++;
      else if (status === 503 || status === 429) signIns.refused++;
      else signIns.other++;
    }
  };
  const signers = accounts.map(signer);
  const burst = summarize(await reads(baseUrl, paths, options.reads));
  running = false;
  await Promise.all(signers);
  return { quiet, burst, signIns };
}
