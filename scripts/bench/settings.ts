/** The bench's settings: a flag wins over its environment variable, which wins over the default (or the --quick one). */
import type { InprocOptions } from './inproc.ts';
import type { EventsSettings } from './run-events.ts';

/** The flags of scripts/bench.ts that set numbers. */
export interface BenchFlags {
  duration?: string;
  warmup?: string;
  connections?: string;
  posts?: string;
  rounds?: string;
  calls?: string;
  'inproc-posts'?: string;
  'events-latency'?: string;
  'events-clients'?: string;
  'events-fanout'?: string;
  'events-idle'?: string;
  'events-heartbeat'?: string;
  quick?: boolean;
}

export interface BenchSettings {
  /** Seconds of load per HTTP endpoint, after `warmup` seconds. */
  duration: number;
  warmup: number;
  connections: number;
  /** Posts seeded for the HTTP part. */
  posts: number;
  inproc: InprocOptions;
  /** `--events` only. */
  events: EventsSettings;
}

export function benchSettings(flags: BenchFlags): BenchSettings {
  function setting(flag: string | undefined, env: string, fallback: number, quick: number): number {
    const raw = flag ?? process.env[env];
    if (raw === undefined || raw === '') return flags.quick ? quick : fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${env.toLowerCase()} must be a positive number, got ${raw}`);
    return value;
  }

  return {
    duration: setting(flags.duration, 'BENCH_DURATION', 10, 3),
    warmup: setting(flags.warmup, 'BENCH_WARMUP', 3, 1),
    connections: Math.round(setting(flags.connections, 'BENCH_CONNECTIONS', 10, 10)),
    posts: Math.round(setting(flags.posts, 'BENCH_POSTS', 5000, 2000)),
    inproc: {
      posts: Math.round(setting(flags['inproc-posts'], 'BENCH_INPROC_POSTS', 500, 200)),
      warmupCalls: flags.quick ? 300 : 1000,
      rounds: Math.round(setting(flags.rounds, 'BENCH_ROUNDS', 20, 8)),
      callsPerRound: Math.round(setting(flags.calls, 'BENCH_CALLS', 250, 150)),
    },
    events: {
      latencyEvents: Math.round(setting(flags['events-latency'], 'BENCH_EVENTS_LATENCY', 1000, 200)),
      clients: Math.round(setting(flags['events-clients'], 'BENCH_EVENTS_CLIENTS', 500, 100)),
      fanoutEvents: Math.round(setting(flags['events-fanout'], 'BENCH_EVENTS_FANOUT', 200, 50)),
      // 15 s: one period of the default heartbeat, so each stream sends one in a sample.
      idleSeconds: setting(flags['events-idle'], 'BENCH_EVENTS_IDLE', 15, 3),
      heartbeatMs: Math.round(setting(flags['events-heartbeat'], 'BENCH_EVENTS_HEARTBEAT_MS', 1000, 1000)),
    },
  };
}
