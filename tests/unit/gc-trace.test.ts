import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeGc, gcSince, logOffset, observeGc } from '../../scripts/bench/gc-trace.ts';

// The scale bench's GC columns (scripts/bench/run-scale.ts) read what this Node's V8 writes: a
// format change must fail here, not turn into "none" in a table.
describe('the scale bench’s GC accounting', () => {
  const dir = mkdtempSync(join(tmpdir(), 'folio-gc-trace-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a server log’s --trace-gc lines written after an offset, and only those', () => {
    const log = join(dir, 'server.log');
    writeFileSync(log, '{"level":40,"msg":"a log line, not a collection"}\n');
    const from = logOffset(log);
    // Young garbage (scavenges), then a forced full collection, traced by the same V8 as the server's.
    const script = "let keep = []; for (let i = 0; i < 3e5; i++) { keep.push({ i }); if (keep.length > 1e4) keep = []; } gc();";
    const child = spawnSync(process.execPath, ['--trace-gc', '--expose-gc', '-e', script], { encoding: 'utf8' });
    expect(child.status).toBe(0);
    appendFileSync(log, child.stdout);

    const traced = gcSince(log, from);
    expect(traced.scavenges).toBeGreaterThan(0);
    expect(traced.markCompacts).toBeGreaterThan(0);
    expect(traced.longestScavenge).toBeGreaterThan(0);
    expect(traced.totalMs).toBeGreaterThanOrEqual(traced.longestScavenge + traced.longestMarkCompact);
    expect(gcSince(log, logOffset(log))).toEqual({ scavenges: 0, markCompacts: 0, longestScavenge: 0, longestMarkCompact: 0, totalMs: 0 });
  });

  it('counts this process’s own collections while it observes, and none after', async () => {
    const churn = () => {
      let keep: object[] = [];
      for (let i = 0; i < 3e5; i++) {
        keep.push({ i });
        if (keep.length > 1e4) keep = [];
      }
    };
    // perf_hooks delivers gc entries asynchronously: let them arrive.
    const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
    const observed = observeGc();
    churn();
    await settle();
    const activity = observed.stop();
    expect(activity.scavenges).toBeGreaterThan(0);
    expect(activity.totalMs).toBeGreaterThan(0);
    const counted = { ...activity };
    churn();
    await settle();
    expect(activity).toEqual(counted);
  });

  it('says what it counted', () => {
    expect(describeGc({ scavenges: 0, markCompacts: 0, longestScavenge: 0, longestMarkCompact: 0, totalMs: 0 })).toBe('none');
    expect(describeGc({ scavenges: 1, markCompacts: 2, longestScavenge: 7.46, longestMarkCompact: 10.2, totalMs: 64.6 })).toBe(
      '1 scavenge ≤ 7.5 ms, 2 mark-compacts ≤ 10.2 ms; 65 ms in all',
    );
  });
});
