/** Part (a) of `npm run bench`: scripts/bench/inproc.ts in a child process, once per log level. */
import { spawn } from 'node:child_process';
import { killOnCleanUp } from './cleanup.ts';
import type { InprocOptions, InprocResult } from './inproc.ts';

export interface InprocRun {
  label: string;
  logLines: number;
  result: InprocResult;
}

/** Runs scripts/bench/inproc.ts in a child process whose stdout (the log lines) is drained and counted here. */
export async function runInprocChild(root: string, options: InprocOptions, logLevel: 'info' | 'silent'): Promise<InprocRun> {
  const child = spawn(process.execPath, ['--expose-gc', 'scripts/bench/inproc.ts', JSON.stringify(options)], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: logLevel, DATABASE_URL: '', FOLIO_PGLITE_DIR: 'memory://' },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  killOnCleanUp(child);
  let logLines = 0;
  child.stdout?.on('data', (chunk: Buffer) => {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) logLines++;
  });
  const reply = await new Promise<{ ok: boolean; result?: InprocResult; error?: string }>((resolve, reject) => {
    let answered = false;
    child.once('message', (message) => {
      answered = true;
      resolve(message as { ok: boolean; result?: InprocResult; error?: string });
    });
    child.once('exit', (code, signal) => {
      if (!answered) reject(new Error(`the in-process bench exited (${code ?? signal}) without a result`));
    });
    child.once('error', reject);
  });
  await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  if (!reply.ok || !reply.result) throw new Error(`the in-process bench failed:\n${reply.error}`);
  const label = logLevel === 'info' ? 'LOG_LEVEL=info (log lines into a drained pipe)' : 'LOG_LEVEL=silent (no log lines)';
  return { label, logLines, result: reply.result };
}
