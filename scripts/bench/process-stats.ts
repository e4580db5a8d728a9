/**
 * A process's memory and CPU time as the kernel counts them (Linux /proc), read from outside so
 * the measured server runs unchanged. Elsewhere there is no /proc: each reading is `undefined`
 * and the bench says "n/a".
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Resident set size in bytes (VmRSS of /proc/<pid>/status). */
export function rssBytes(pid: number): number | undefined {
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(read(`/proc/${pid}/status`) ?? '')?.[1];
  return kb === undefined ? undefined : Number(kb) * 1024;
}

let ticksPerSecond: number | undefined;
/** The kernel's clock tick (`getconf CLK_TCK`, 100 almost everywhere). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU seconds used so far, user + system, every thread of the process (/proc/<pid>/stat utime + stime). */
export function cpuSeconds(pid: number): number | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // The name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

/** The share of one core the process used over `seconds` (1 = a whole core). */
export async function cpuShare(pid: number, seconds: number): Promise<number | undefined> {
  const before = cpuSeconds(pid);
  const started = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const after = cpuSeconds(pid);
  if (before === undefined || after === undefined) return undefined;
  return (after - before) / ((performance.now() - started) / 1000);
}
