/**
 * The "alone" half of a scale-bench case (scripts/bench/run-scale.ts), in a process of its own:
 * `node scripts/bench/alone.ts URL SAMPLES WARMUP` requests URL one request at a time, says
 * `measuring` once the unmeasured ones are done, and prints its result as one JSON line.
 *
 * Not in the bench's own process: after the load of the previous cases, its heap made it collect
 * garbage every few requests — 22 full collections of up to 19 ms during one case's 200 requests —
 * and each of those pauses was timed as the server's. A new process with nothing else to do
 * collects rarely and briefly, and reports what it did collect, so it can be told apart.
 */
import { observeGc, type GcActivity } from './gc-trace.ts';

export interface AloneResult {
  /** Each measured request's time to its last byte, in ms. */
  times: number[];
  status: number;
  /** This process's collections while it measured. */
  gc: GcActivity;
}

/**
 * Reads a body to its last byte, keeping none of it: gathering a page of posts (100–250 kB) into
 * one ArrayBuffer each time had this process stop for a full collection every 20–30 requests.
 */
async function drain(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  while (reader && !(await reader.read()).done);
}

async function alone(url: string, samples: number, warmup: number): Promise<AloneResult> {
  let status = 0;
  const times: number[] = [];
  for (let i = 0; i < warmup; i++) await drain(await fetch(url));
  process.stdout.write('measuring\n');
  const gc = observeGc();
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    const response = await fetch(url);
    await drain(response);
    times.push(performance.now() - started);
    status = response.status;
  }
  return { times, status, gc: gc.stop() };
}

if (import.meta.main) {
  const [url, samples, warmup] = process.argv.slice(2);
  if (!url || !samples || !warmup) throw new Error('usage: node scripts/bench/alone.ts URL SAMPLES WARMUP');
  process.stdout.write(`${JSON.stringify(await alone(url, Number(samples), Number(warmup)))}\n`);
}
