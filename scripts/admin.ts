/**
 * `npm run admin -- <command>`: administrator rights, as an operator's explicit act against the
 * configured database (DATABASE_URL, else the embedded PGlite directory). Nothing a user sends
 * over the API can make an administrator.
 *
 *   npm run admin -- grant <username>      make an existing account an administrator
 *   npm run admin -- revoke <username>     withdraw it (its tokens lose `admin` on their next request)
 *   npm run admin -- list                  the administrators
 *   npm run admin -- create <username> --email <email> [--display-name <name>]
 *                                          a new administrator account; the password is read from
 *                                          FOLIO_ADMIN_PASSWORD or, without it, from standard input
 *
 * The embedded database is one process's at a time: stop the server first (PostgreSQL needs no stop).
 */
import type { Kysely } from 'kysely';
import { text } from 'node:stream/consumers';
import { parseArgs } from 'node:util';
import { UserCreate } from '../contracts/users/schemas.ts';
import { config } from '../server/config.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import type { Database } from '../server/db/schema.ts';
import { transact } from '../server/db/transact.ts';
import { isFailure } from '../server/failure.ts';
import { listAdmins, setAdmin } from '../server/users/admin.ts';
import { createUser } from '../server/users/service.ts';
import { describeTarget, openDatabase, targetFrom } from './lib/database.ts';

const USAGE = 'usage: npm run admin -- grant <username> | revoke <username> | list | create <username> --email <email> [--display-name <name>]';

async function password(): Promise<string> {
  if (process.env.FOLIO_ADMIN_PASSWORD) return process.env.FOLIO_ADMIN_PASSWORD;
  if (process.stdin.isTTY) process.stderr.write('Password (then Enter and Ctrl-D): ');
  return (await text(process.stdin)).replace(/\r?\n$/, '');
}

/** Runs one command; returns what to print. Exported for the tests and the test servers. */
export async function runAdmin(conn: Kysely<Database>, args: string[]): Promise<string> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { email: { type: 'string' }, 'display-name': { type: 'string' } },
  });
  const [command, username] = positionals;
  switch (command) {
    case 'grant':
    case 'revoke':
      if (!username) throw new Error(USAGE);
      const changed = await setAdmin(conn, username, command === 'grant');
      if (isFailure(changed)) throw new Error(changed.detail);
      return command === 'grant' ? `${username} is now an administrator.` : `${username} is no longer an administrator.`;
    case 'list': {
      const admins = await listAdmins(conn);
      return admins.length ? admins.map((a) => `${a.username} <${a.email}>`).join('\n') : 'No administrators yet.';
    }
    case 'create': {
      const input = UserCreate.safeParse({
        username,
        email: values.email,
        display_name: values['display-name'] ?? username,
        password: await password(),
      });
      if (!input.success) {
        throw new Error(`Cannot create that account:\n${input.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
      }
      const created = await transact(conn, async (trx) => {
        const user = await createUser(input.data, trx);
        return isFailure(user) ? user : setAdmin(trx, input.data.username, true);
      });
      if (isFailure(created)) throw new Error(created.detail);
      return `${input.data.username} <${input.data.email}> was created as an administrator.`;
    }
    default:
      throw new Error(USAGE);
  }
}

if (import.meta.main) {
  const target = targetFrom(config);
  try {
    const conn = await openDatabase(target, { poolSize: 1 });
    try {
      await migrateToLatest(conn as unknown as Kysely<unknown>);
      console.log(await runAdmin(conn, process.argv.slice(2)));
    } finally {
      await conn.destroy();
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`${describeTarget(target)}: ${message}`);
    process.exitCode = 1;
  }
}
