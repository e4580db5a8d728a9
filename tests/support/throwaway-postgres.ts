/**
 * A PostgreSQL server of the test's own — initdb'd in a temporary folder, on a free port of
 * 127.0.0.1 — that the test may stop (cleanly or as if it crashed) and start again, which the shared
 * server at TEST_DATABASE_URL must never be. Uses the server binaries of the machine's PostgreSQL
 * (FOLIO_PG_BIN, else `pg_config --bindir`, else the newest /usr/lib/postgresql/<n>/bin).
 *
 * initdb and postgres refuse to run as root, and tests here (CI included) run as root: then every
 * command runs as the `postgres` user that Debian's package creates (runuser), in a folder it owns.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../scripts/lib/folio-process.ts';

function binDir(): string {
  const candidates = [process.env.FOLIO_PG_BIN];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // no pg_config on the PATH
  }
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  const found = candidates.find((dir) => dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!found) {
    throw new Error('No PostgreSQL server binaries (initdb, pg_ctl): install PostgreSQL (Debian: postgresql) or set FOLIO_PG_BIN to their folder.');
  }
  return found;
}

export interface ThrowawayPostgres {
  /** A URL of its `postgres` database (trust authentication, user postgres). */
  url: string;
  /** `fast`: a clean shutdown (sessions are ended); `immediate`: as if it crashed (recovery on the next start). */
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /**
   * `true`: every process of the server stopped where it is (SIGSTOP), its sockets left open — a
   * database that stops answering without closing anything, as when its machine stalls or its
   * network drops packets; `false`: they go on (SIGCONT).
   */
  freeze(frozen: boolean): void;
  /** Stops it if it runs and deletes its folder. */
  destroy(): Promise<void>;
}

/** A process's parent, from /proc (Linux); undefined once it has gone. */
function parentOf(pid: number): number | undefined {
  try {
    // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after its last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = binDir();
  const asRoot = userInfo().uid === 0;
  const folder = mkdtempSync(join(tmpdir(), 'folio-throwaway-pg-'));
  const data = join(folder, 'data');
  const log = join(folder, 'server.log');
  if (asRoot) {
    const ids = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim();
    const gid = execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim();
    chownSync(folder, Number(ids), Number(gid));
  }
  // Asynchronous, so that the test's own requests keep flowing while the server stops and starts.
  const run = async (program: string, args: string[]) => {
    const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, program), ...args]] : [join(bin, program), args];
    try {
      await promisify(execFile)(command, argv, { encoding: 'utf8', cwd: folder });
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      throw new Error(`${program} ${args.join(' ')} failed: ${stderr || stdout || error}`);
    }
  };

  const port = await freePort();
  await run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync']);
  // Its own socket folder, so it never meets the machine's server in /var/run/postgresql.
  writeFileSync(join(data, 'postgresql.auto.conf'), `port = ${port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${folder}'\n`, { flag: 'a' });
  const start = async () => run('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', 'start']);
  await start();
  let running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop(mode) {
      await run('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    freeze(frozen) {
      // The postmaster (postmaster.pid's first line) and the processes it started.
      const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      const children = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry) && parentOf(Number(entry)) === postmaster).map(Number);
      for (const pid of frozen ? [postmaster, ...children] : [...children, postmaster]) {
        try {
          process.kill(pid, frozen ? 'SIGSTOP' : 'SIGCONT');
        } catch {
          // gone meanwhile
        }
      }
    },
    async destroy() {
      if (running) {
        try {
          await run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
        } catch {
          // already gone
        }
      }
      if (!process.env.FOLIO_KEEP_TEST_FILES) rmSync(folder, { recursive: true, force: true });
    },
  };
}
