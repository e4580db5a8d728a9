/** What `npm run bench` prints: each in-process run as it finishes, and the summary at the end. */
import type { EventsRun } from './run-events.ts';
import type { LoadResult } from './http.ts';
import type { HttpRun } from './run-http.ts';
import type { InprocRun } from './run-inproc.ts';
import type { BenchSettings } from './settings.ts';
import { ms, percent, table } from './stats.ts';

/** The target of part (a): the binding adds at most 10% to the bare handler's median. */
const TARGET_RATIO = 1.1;
/** The target of part (b): the bound GET serves at least 90% of the bare route's requests per second. */
const TARGET_HTTP_RATIO = 0.9;

export const indent = (text: string, n = 2) => text.replace(/^/gm, ' '.repeat(n));

/** One in-process run: bound and bare side by side for each operation. */
export function printInproc(run: InprocRun) {
  const { result } = run;
  console.log(`\n  ${run.label}; response validation: ${result.responseValidation}; ${run.logLines.toLocaleString('en')} log lines written`);
  console.log(`  FOLIO_RATE_LIMITS=${result.rateLimits} (every bound call still counts against it)`);
  const rows: string[][] = [];
  for (const c of result.comparisons) {
    for (const [variant, s] of [
      ['bound', c.bound],
      ['bare', c.bare],
    ] as const) {
      rows.push([c.operation, variant, String(s.n), ms(s.mean), ms(s.median), ms(s.p95), ms(s.p99)]);
    }
    rows.push([
      '',
      'bound/bare',
      '',
      `${(c.bound.mean / c.bare.mean).toFixed(3)}×`,
      `${(c.bound.median / c.bare.median).toFixed(3)}×`,
      `+${ms(c.bound.median - c.bare.median)}`,
      c.sameResponse && c.failures === 0 ? 'same body' : `DIFFERENT body or ${c.failures} failures`,
    ]);
  }
  console.log(indent(table(['operation', 'variant', 'calls', 'mean', 'median', 'p95', 'p99'], rows)));
}

/** Both parts in one table each; `httpSkipped` says why there is no HTTP table when it is not empty. */
export function printSummary(settings: BenchSettings, inproc: InprocRun[], http: HttpRun | undefined, httpSkipped: string) {
  console.log('\nSummary');
  if (inproc.length > 0) {
    const rows = inproc.flatMap((run) =>
      run.result.comparisons.map((c) => {
        const ratio = c.bound.median / c.bare.median;
        return [
          c.operation,
          run.result.logLevel,
          ms(c.bound.median),
          ms(c.bare.median),
          `${ratio.toFixed(3)}×`,
          `${(c.bound.mean / c.bare.mean).toFixed(3)}×`,
          ratio <= TARGET_RATIO ? 'yes' : 'NO',
        ];
      }),
    );
    console.log(indent(table(['in process', 'log', 'bound median', 'bare median', 'median ratio', 'mean ratio', '≤ 1.10'], rows)));
    console.log('  The target (binding adds ≤ 10%) is judged on the median ratio; the LOG_LEVEL=info rows are the ones that count.');
  }
  if (http) {
    const rows = http.results.map((r) => [
      r.name,
      Math.round(r.requestsPerSecond).toLocaleString('en'),
      ms(r.p50),
      ms(r.p99),
      String(r.non2xx),
      String(r.errors + r.timeouts),
    ]);
    if (inproc.length > 0) console.log('');
    const c = http.comparison;
    const rps = (runs: LoadResult[]) => runs.map((r) => Math.round(r.requestsPerSecond).toLocaleString('en')).join(' / ');
    console.log(
      indent(
        table(
          [`HTTP bound vs bare (${http.database.split(' ')[0]})`, 'bound req/s', 'bare req/s', 'ratio', '≥ 0.90'],
          [['GET /api/v1/posts/{id}', rps(c.bound), rps(c.bare), `${c.ratio.toFixed(3)}×`, c.ratio >= TARGET_HTTP_RATIO ? 'yes' : 'NO']],
        ),
      ),
    );
    console.log(`  The two alternated (bound, bare, bare, bound, twice); the ratio is of their totals.${c.sameResponse ? '' : ' The two answered DIFFERENT bodies.'}`);
    console.log('');
    console.log(indent(table([`HTTP (${http.database.split(' ')[0]}, ${settings.connections} conns, ${settings.duration} s)`, 'req/s', 'p50', 'p99', 'non-2xx', 'errors'], rows)));
    if (http.results.some((r) => r.non2xx > 0)) {
      console.log('  Some responses were not 2xx: req/s counts them, p50/p99 do not (see the status counts above).');
    }
  } else if (httpSkipped) {
    console.log(`  HTTP part skipped: ${httpSkipped}.`);
  }
}

/** `--events`: latency and fan-out, one row per database, and every failure said loudly. */
export function printEventsSummary(settings: BenchSettings, runs: EventsRun[]) {
  const e = settings.events;
  const bracket = (lower: number, upper: number) => `${ms(lower)} … ${ms(upper)}`;
  console.log('\nSummary');
  const latencyRows = runs.map((r) => [
    r.database.split(' ')[0] as string,
    String(r.latency.lower.n),
    bracket(r.latency.lower.median, r.latency.upper.median),
    bracket(r.latency.lower.p99, r.latency.upper.p99),
    ms(r.latency.roundTrip.median),
    String(r.latency.lost),
  ]);
  console.log(indent(table(['commit → received', 'events', 'p50 (lower … upper)', 'p99 (lower … upper)', 'write p50', 'lost'], latencyRows)));
  console.log(
    '  The commit happens inside the write request: after it was sent, before its response arrived. Lower bound: event\n' +
      '  received − response arrived; upper bound: event received − request sent. The true latency is between them.',
  );
  const fanoutRows = runs.map((r) => {
    const f = r.fanout;
    const perConnection = f.rssOpen !== undefined && f.rssBefore !== undefined ? `${((f.rssOpen - f.rssBefore) / f.clients / 1024).toFixed(1)} KiB` : 'n/a';
    return [
      r.database.split(' ')[0] as string,
      `${f.complete}/${f.clients}`,
      `${f.deliveries.toLocaleString('en')}/${(f.clients * f.events).toLocaleString('en')}`,
      ms(f.delivery.median),
      ms(f.delivery.p99),
      perConnection,
      percent(r.idle.none),
      percent(r.idle.defaultHeartbeat),
      percent(r.idle.shortHeartbeat),
    ];
  });
  console.log('');
  console.log(
    indent(
      table(
        [
          `fan-out (${e.clients} streams, ${e.fanoutEvents} events)`,
          'clients got all',
          'deliveries',
          'delivery p50',
          'delivery p99',
          'RSS / stream',
          'idle CPU, no stream',
          'idle, default heartbeat',
          `idle, ${e.heartbeatMs} ms heartbeat`,
        ],
        fanoutRows,
      ),
    ),
  );
  console.log(
    `  Delivery: each event at each client after its write's response arrived. Idle CPU, in % of one core: the server process over ${e.idleSeconds} s\n` +
      '  (user + system, /proc/<pid>/stat); PostgreSQL’s own processes are not counted. RSS / stream: VmRSS after the streams\n' +
      '  opened minus before, per stream (approximate: includes heap not yet collected). Clients, writer and server share this machine.',
  );
}
