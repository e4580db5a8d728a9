/**
 * Garbage collections while a scale-bench case was measured: the server's, read from V8's
 * `--trace-gc` lines in its log, and the requesting process's own (observeGc). A tail latency means
 * little until one knows how many requests waited for a pause. A line looks like `[pid:0x…]  8678
 * ms: Scavenge 141.5 (218.4) -> 101.0 (224.6) MB, pooled: 0 MB, 8.63 / 0.02 ms  (…)`, where the
 * first of the two times is the pause on the main thread. A mark-compact also marks in steps
 * between requests (`+ 26.1 ms in 496 steps`): in the total, not in its pause.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';

export interface GcActivity {
  scavenges: number;
  markCompacts: number;
  /** The longest pause of each kind, in ms. */
  longestScavenge: number;
  longestMarkCompact: number;
  /** Every pause, and every incremental marking step, added up, in ms. */
  totalMs: number;
}

const LINE = /ms: (Scavenge|Mark-Compact|Minor Mark-Sweep)\b.*? MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ [\d.]+ ms(?:\s+\(\+ ([\d.]+) ms in \d+ steps)?/;

const noActivity = (): GcActivity => ({ scavenges: 0, markCompacts: 0, longestScavenge: 0, longestMarkCompact: 0, totalMs: 0 });

/** Adds one collection of either kind: its pause, and the main-thread time around it (marking steps) to the total only. */
function count(activity: GcActivity, major: boolean, pause: number, besides = 0): void {
  activity.totalMs += pause + besides;
  if (major) {
    activity.markCompacts++;
    activity.longestMarkCompact = Math.max(activity.longestMarkCompact, pause);
  } else {
    activity.scavenges++;
    activity.longestScavenge = Math.max(activity.longestScavenge, pause);
  }
}

/** The size of the log now: where the next case's collections start. */
export const logOffset = (file: string): number => statSync(file).size;

/** The collections V8 traced in `file` after byte `from` (only that part is read). */
export function gcSince(file: string, from: number): GcActivity {
  const activity = noActivity();
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(Math.max(0, fstatSync(fd).size - from));
    readSync(fd, buffer, 0, buffer.length, from);
    for (const line of buffer.toString('utf8').split('\n')) {
      const match = LINE.exec(line);
      if (match) count(activity, match[1] === 'Mark-Compact', Number(match[2]), Number(match[3] ?? 0));
    }
  } finally {
    closeSync(fd);
  }
  return activity;
}

/** `11 scavenges ≤ 16.3 ms, 1 mark-compact ≤ 9.8 ms; 120 ms in all`. */
export function describeGc(gc: GcActivity): string {
  const parts: string[] = [];
  if (gc.scavenges > 0) parts.push(`${gc.scavenges} scavenge${gc.scavenges === 1 ? '' : 's'} ≤ ${gc.longestScavenge.toFixed(1)} ms`);
  if (gc.markCompacts > 0) parts.push(`${gc.markCompacts} mark-compact${gc.markCompacts === 1 ? '' : 's'} ≤ ${gc.longestMarkCompact.toFixed(1)} ms`);
  return parts.length === 0 ? 'none' : `${parts.join(', ')}; ${Math.round(gc.totalMs)} ms in all`;
}

/**
 * This process's own collections from now until `stop()`, from perf_hooks' `gc` entries: a bench
 * client's pauses delay what it times as surely as the server's do.
 */
export function observeGc(): { stop(): GcActivity } {
  const activity = noActivity();
  const record = (entries: PerformanceEntry[]) => {
    for (const entry of entries) {
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR || kind === constants.NODE_PERFORMANCE_GC_MINOR) {
        count(activity, kind === constants.NODE_PERFORMANCE_GC_MAJOR, entry.duration);
      } else {
        // Incremental marking and weak callbacks are main-thread time too, but not pauses of their own.
        activity.totalMs += entry.duration;
      }
    }
  };
  const observer = new PerformanceObserver((list) => record(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      // Entries of the last moments are delivered on a later tick: take them now.
      record(observer.takeRecords());
      observer.disconnect();
      return activity;
    },
  };
}
