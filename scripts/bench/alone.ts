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
import { Agent, get } from 'node:http';
import { observeGc, type GcActivity } from './gc-trace.ts';

export interface AloneResult {
  /** Each measured request's time to its last byte, in ms. */
  times: number[];
  status: number;
  /** This process's collections while it measured. */
  gc: GcActivity;
}

/** One connection, kept open from request to request, as fetch keeps it. */
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/**
 * GETs `url` and reads the body to its last byte, keeping none of it and leaving it compressed:
 * the server compresses as for any client that accepts gzip, but this process neither gathers
 * the bytes nor inflates them. Through fetch it did both (web streams, gunzip) and collected
 * garbage for it, 4 full collections of up to 15 ms in one case's 200 requests, each timed as
 * the server's. Resolves with the status once the last byte is in.
 */
function exchange(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent, headers: { 'accept-encoding': 'gzip, deflate' } }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function alone(url: string, samples: number, warmup: number): Promise<AloneResult> {
  let status = 0;
  const times: number[] = [];
  for (let i = 0; i < warmup; i++) await exchange(url);
  process.stdout.write('measuring\n');
  const gc = observeGc();
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    status = await exchange(url);
    times.push(performance.now() - started);
  }
  agent.destroy();
  return { times, status, gc: gc.stop() };
}

if (import.meta.main) {
  const [url, samples, warmup] = process.argv.slice(2);
  if (!url || !samples || !warmup) throw new Error('usage: node scripts/bench/alone.ts URL SAMPLES WARMUP');
  process.stdout.write(`${JSON.stringify(await alone(url, Number(samples), Number(warmup)))}\n`);
}
