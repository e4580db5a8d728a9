/** The machine's load before each part, printed with its results. */
import { cpus } from 'node:os';

/** Other work on the machine skews every number here: measure how busy it is over one second, with nothing of ours running. */
export async function machineNote(): Promise<string> {
  const sample = () => {
    let idle = 0;
    let total = 0;
    for (const { times: t } of cpus()) {
      idle += t.idle;
      total += t.user + t.nice + t.sys + t.idle + t.irq;
    }
    return { idle, total };
  };
  const before = sample();
  await new Promise((r) => setTimeout(r, 1000));
  const after = sample();
  const busy = 1 - (after.idle - before.idle) / Math.max(1, after.total - before.total);
  const note = `CPU ${(busy * 100).toFixed(0)}% busy over the last second before starting`;
  return busy > 0.15 ? `${note} — other processes are running: expect noisy numbers` : note;
}
