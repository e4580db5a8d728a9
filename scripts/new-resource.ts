/**
 * `npm run new:resource -- <plural> [--singular <name>] [--prefix <id prefix>]`: the skeleton of a
 * new resource that passes every generic suite before any logic is written — an owned collection
 * (`/api/v1/<plural>`, list/create/get/update/delete, a `name`, scopes `<plural>:read` and
 * `<plural>:write`) with its contract, errors, service, handlers, route files, migration, table,
 * test fixtures and a test. Then make it yours: CONTRIBUTING.md says what to change.
 *
 *   npm run new:resource -- bookmarks                 (singular `bookmark`, ids `bookmark_…`)
 *   npm run new:resource -- categories --singular category --prefix cat
 *
 * Every file it writes is new; the few lists a resource must join are edited in place.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

export interface ResourceNames {
  plural: string;
  singular: string;
  prefix: string;
}

const pascal = (s: string) => s.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Every file of the skeleton, by path, and the edits to the lists it joins. */
export function skeleton(root: string, { plural, singular, prefix }: ResourceNames) {
  const P = pascal(singular);
  const Ps = pascal(plural);
  const s = camel(singular);
  const idParam = `${s}Id`;
  const table = plural;
  const migrations = readdirSync(join(root, 'server/db/migrations')).filter((f) => /^\d{4}-/.test(f)).sort();
  const number = String(Number(migrations.at(-1)!.slice(0, 4)) + 1).padStart(4, '0');
  const migration = `${number}-${plural.replace(/_/g, '-')}`;
  const example = `${prefix}_01jdq8m4k2c9v7x3n5r6t8w0yz`;

  const files: Record<string, string> = {
    [`contracts/${plural}/schemas.ts`]: `import { z } from '../zod.ts';
import { page } from '../shared/pagination.ts';
import { identifier, text, Timestamp } from '../shared/primitives.ts';

export const ${P}Id = identifier('${prefix}', 'The ${singular}’s opaque identifier.', '${example}');

const Name = text({ min: 1, max: 200, nonBlank: true }).openapi({ description: 'What the ${singular} is called.', example: 'My first ${singular}' });

export const ${P} = z
  .object({
    id: ${P}Id,
    name: Name,
    created_at: Timestamp.openapi({ description: 'When it was created (RFC 3339, UTC).' }),
    updated_at: Timestamp.openapi({ description: 'When it last changed (RFC 3339, UTC).' }),
  })
  .openapi('${P}', { description: 'A ${singular}: one of your own.' });

export const ${P}Create = z.strictObject({ name: Name }).openapi('${P}Create', { description: 'A new ${singular}.' });
export const ${P}Update = z.strictObject({ name: Name.optional() }).openapi('${P}Update', { description: 'The fields to change.' });
export const ${P}Page = page(${P}, '${P}Page', 'A page of your ${plural}, newest first.');

export const ${s}Example: z.input<typeof ${P}> = {
  id: '${example}',
  name: 'My first ${singular}',
  created_at: '2026-11-21T09:30:00.000Z',
  updated_at: '2026-11-21T09:30:00.000Z',
};

export type ${P}Resource = z.infer<typeof ${P}>;
export type ${P}CreateInput = z.infer<typeof ${P}Create>;
export type ${P}UpdateInput = z.infer<typeof ${P}Update>;
`,
    [`contracts/${plural}/errors.ts`]: `import { defineError } from '../shared/errors.ts';

export const ${s}NotFound = defineError({
  code: '${singular}_not_found',
  status: 404,
  title: '${P} not found',
  explanation: 'You have no ${singular} with this id (another user’s ${plural} are not yours to see).',
  remedy: 'Check the id: list your ${plural} with \`GET /api/v1/${plural}\`.',
});
`,
    [`contracts/${plural}/operations.ts`]: `import { z } from '../zod.ts';
import { defineOperation, json } from '../operation.ts';
import { defineResource } from '../resource.ts';
import { bearer } from '../shared/auth.ts';
import { PIPELINE_ERRORS } from '../shared/errors.ts';
import { paginationQuery } from '../shared/pagination.ts';
import { ${s}NotFound } from './errors.ts';
import { ${P}, ${P}Create, ${P}Id, ${P}Page, ${P}Update, ${s}Example } from './schemas.ts';

const TAG = '${Ps}';
const tags = [TAG] as const;
const byId = z.object({ ${idParam}: ${P}Id });
const fromCreated = (operationId: string, description: string) => ({ operationId, parameters: { ${idParam}: '$response.body#/id' }, description });

export const list${Ps} = defineOperation({
  operationId: 'list${Ps}',
  method: 'get',
  path: '/api/v1/${plural}',
  summary: 'List your ${plural}',
  description: 'Lists your ${plural}, newest first, a page at a time. Needs \`${plural}:read\`.',
  tags,
  auth: bearer('${plural}:read'),
  request: { query: z.object(paginationQuery) },
  responses: { 200: { description: 'A page of ${plural}.', content: json(${P}Page, { data: [${s}Example], has_more: false, next_cursor: null }) } },
  errors: [],
});

export const create${P} = defineOperation({
  operationId: 'create${P}',
  method: 'post',
  path: '/api/v1/${plural}',
  summary: 'Create a ${singular}',
  description: 'Creates a ${singular} of yours. Answers 201 with it and its URL in \`Location\`. Needs \`${plural}:write\`.',
  tags,
  auth: bearer('${plural}:write'),
  idempotent: true,
  request: { body: { description: 'The new ${singular}.', ...json(${P}Create, { name: 'My first ${singular}' }) } },
  responses: {
    201: {
      description: 'The ${singular} was created.',
      content: json(${P}, ${s}Example),
      headers: z.object({ Location: z.string().openapi({ description: 'The URL of the new ${singular}.', example: '/api/v1/${plural}/${example}' }) }),
      links: {
        Get${P}: fromCreated('get${P}', 'Read the new ${singular}.'),
        Update${P}: fromCreated('update${P}', 'Change the new ${singular}.'),
        Delete${P}: fromCreated('delete${P}', 'Delete the new ${singular}.'),
      },
    },
  },
  errors: [],
});

export const get${P} = defineOperation({
  operationId: 'get${P}',
  method: 'get',
  path: '/api/v1/${plural}/{${idParam}}',
  summary: 'Get a ${singular}',
  description: 'Returns one of your ${plural}. Needs \`${plural}:read\`.',
  tags,
  auth: bearer('${plural}:read'),
  conditional: 'read',
  request: { params: byId },
  responses: { 200: { description: 'The ${singular}.', content: json(${P}, ${s}Example) } },
  errors: [${s}NotFound],
});

export const update${P} = defineOperation({
  operationId: 'update${P}',
  method: 'patch',
  path: '/api/v1/${plural}/{${idParam}}',
  summary: 'Update a ${singular}',
  description: 'Changes the fields present and leaves the others as they are. Needs \`${plural}:write\`.',
  tags,
  auth: bearer('${plural}:write'),
  conditional: 'write',
  request: { params: byId, body: { description: 'The fields to change.', ...json(${P}Update, { name: 'Renamed' }) } },
  responses: { 200: { description: 'The updated ${singular}.', content: json(${P}, { ...${s}Example, name: 'Renamed' }) } },
  errors: [${s}NotFound, PIPELINE_ERRORS.precondition_failed],
});

export const delete${P} = defineOperation({
  operationId: 'delete${P}',
  method: 'delete',
  path: '/api/v1/${plural}/{${idParam}}',
  summary: 'Delete a ${singular}',
  description: 'Deletes one of your ${plural}; it then answers 404. Needs \`${plural}:write\`.',
  tags,
  auth: bearer('${plural}:write'),
  conditional: 'write',
  request: { params: byId },
  responses: { 204: { description: 'The ${singular} was deleted.' } },
  errors: [${s}NotFound, PIPELINE_ERRORS.precondition_failed],
});

export const ${camel(plural)} = defineResource({
  tag: { name: TAG, description: 'Your ${plural}.' },
  operations: [list${Ps}, create${P}, get${P}, update${P}, delete${P}],
});
`,
    [`server/${plural}/service.ts`]: `import type { Kysely } from 'kysely';
import { ${s}NotFound } from '../../contracts/${plural}/errors.ts';
import { ${P}, type ${P}CreateInput, type ${P}Resource, type ${P}UpdateInput } from '../../contracts/${plural}/schemas.ts';
import { PIPELINE_ERRORS } from '../../contracts/shared/errors.ts';
import { db } from '../db/index.ts';
import { keyset } from '../db/keyset.ts';
import type { Database, ${Ps}Table } from '../db/schema.ts';
import { transact } from '../db/transact.ts';
import { etagOf, matches } from '../etag.ts';
import { fail, isFailure } from '../failure.ts';
import type { Caller } from '../identity/caller.ts';
import { newId } from '../ids.ts';
import type { Selectable } from 'kysely';

const ID_PREFIX = '${prefix}';
const ${s}Keyset = keyset(ID_PREFIX);

function to${P}(row: Selectable<${Ps}Table>): ${P}Resource {
  return { id: row.id, name: row.name, created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString() };
}

/** Only the owner's: anyone else's ${singular} does not exist for them (404). */
async function find(conn: Kysely<Database>, id: string, caller: Caller) {
  const row = await conn.selectFrom('${table}').selectAll().where('id', '=', id).where('owner_id', '=', caller.userId).executeTakeFirst();
  return row ?? fail(${s}NotFound, \`You have no ${singular} \${id}.\`);
}

export async function list${Ps}(options: { limit: number; cursor?: string }, caller: Caller) {
  let query = db()
    .selectFrom('${table}')
    .selectAll()
    .where('owner_id', '=', caller.userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1);
  const after = ${s}Keyset.after(options.cursor);
  if (after) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.createdAt, after.id)));
  return ${s}Keyset.page(await query.execute(), options.limit, to${P}, (row) => ({ createdAt: row.created_at, id: row.id }));
}

export async function create${P}(input: ${P}CreateInput, caller: Caller) {
  const now = new Date();
  const row = await db()
    .insertInto('${table}')
    .values({ id: newId(ID_PREFIX, now.getTime()), owner_id: caller.userId, name: input.name, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  return to${P}(row);
}

export async function get${P}(id: string, caller: Caller) {
  const row = await find(db(), id, caller);
  return isFailure(row) ? row : to${P}(row);
}

/** The ${singular}, locked, if it is the caller's and — with If-Match — unchanged since they read it. */
async function lockForWrite(trx: Kysely<Database>, id: string, caller: Caller, ifMatch: string | undefined) {
  await trx.selectFrom('${table}').select('id').where('id', '=', id).forUpdate().execute();
  const row = await find(trx, id, caller);
  if (isFailure(row)) return row;
  if (ifMatch !== undefined && !matches(ifMatch, etagOf(JSON.stringify(${P}.parse(to${P}(row)))))) {
    return fail(PIPELINE_ERRORS.precondition_failed, 'The ${singular} changed since you read it.');
  }
  return row;
}

export async function update${P}(id: string, patch: ${P}UpdateInput, caller: Caller, ifMatch?: string) {
  return transact(db(), async (trx) => {
    const current = await lockForWrite(trx, id, caller, ifMatch);
    if (isFailure(current)) return current;
    const row = await trx
      .updateTable('${table}')
      .set({ ...(patch.name !== undefined && { name: patch.name }), updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return to${P}(row);
  });
}

export async function delete${P}(id: string, caller: Caller, ifMatch?: string) {
  return transact(db(), async (trx) => {
    const current = await lockForWrite(trx, id, caller, ifMatch);
    if (isFailure(current)) return current;
    await trx.deleteFrom('${table}').where('id', '=', id).execute();
    return undefined;
  });
}
`,
    [`server/${plural}/handlers.ts`]: `import * as contract from '../../contracts/${plural}/operations.ts';
import { expandPath } from '../../contracts/operation.ts';
import { bind } from '../http/bind.ts';
import { respond } from '../http/respond.ts';
import * as ${camel(plural)} from './service.ts';

export const list${Ps} = bind(contract.list${Ps}, async ({ query, caller }) => respond(200, await ${camel(plural)}.list${Ps}(query, caller)));

export const create${P} = bind(contract.create${P}, async ({ body, caller }) => {
  const created = await ${camel(plural)}.create${P}(body, caller);
  return { status: 201, body: created, headers: { Location: expandPath(contract.get${P}.path, { ${idParam}: created.id }) } };
});

export const get${P} = bind(contract.get${P}, async ({ params, caller }) => respond(200, await ${camel(plural)}.get${P}(params.${idParam}, caller)));

export const update${P} = bind(contract.update${P}, async ({ params, body, caller, ifMatch }) =>
  respond(200, await ${camel(plural)}.update${P}(params.${idParam}, body, caller, ifMatch)),
);

export const delete${P} = bind(contract.delete${P}, async ({ params, caller, ifMatch }) =>
  respond(204, await ${camel(plural)}.delete${P}(params.${idParam}, caller, ifMatch)),
);
`,
    [`app/api/v1/${plural}/route.ts`]: `import { route } from '@/server/http/route';
import { create${P}, list${Ps} } from '@/server/${plural}/handlers';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route(list${Ps}, create${P});
`,
    [`app/api/v1/${plural}/[${idParam}]/route.ts`]: `import { route } from '@/server/http/route';
import { delete${P}, get${P}, update${P} } from '@/server/${plural}/handlers';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route(get${P}, update${P}, delete${P});
`,
    [`server/db/migrations/${migration}.ts`]: `import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('${table}')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // The owner's list, newest first.
  await db.schema.createIndex('${table}_owner_created_id').on('${table}').columns(['owner_id', 'created_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('${table}').execute();
}
`,
    [`tests/integration/${plural}.test.ts`]: `import { beforeAll, describe, expect, inject, it } from 'vitest';
import * as contract from '../../contracts/${plural}/operations.ts';
import { expectConforms, send } from '../support/contract-assertions.ts';
import { signUp, type Account } from '../support/identity.ts';

const servers = inject('servers');

describe.each(servers)('${plural} on $kind', ({ baseUrl }) => {
  let owner: Account;
  beforeAll(async () => {
    owner = await signUp(baseUrl);
  });

  it('creates, lists, reads, renames and deletes a ${singular}', async () => {
    const created = await send(baseUrl, '/api/v1/${plural}', { method: 'POST', headers: owner.auth, json: { name: 'First' } });
    expectConforms(contract.create${P}, created);
    expect(created.status, created.text).toBe(201);
    const id = (created.body as { id: string }).id;
    const listed = await send(baseUrl, '/api/v1/${plural}', { headers: owner.auth });
    expectConforms(contract.list${Ps}, listed);
    expect((listed.body as { data: { id: string }[] }).data.map((item) => item.id)).toContain(id);
    const renamed = await send(baseUrl, \`/api/v1/${plural}/\${id}\`, { method: 'PATCH', headers: owner.auth, json: { name: 'Second' } });
    expectConforms(contract.update${P}, renamed);
    expect((renamed.body as { name: string }).name).toBe('Second');
    const deleted = await send(baseUrl, \`/api/v1/${plural}/\${id}\`, { method: 'DELETE', headers: owner.auth });
    expect(deleted.status, deleted.text).toBe(204);
    const gone = await send(baseUrl, \`/api/v1/${plural}/\${id}\`, { headers: owner.auth });
    expectConforms(contract.get${P}, gone);
    expect(gone.status).toBe(404);
  });
});
`,
  };

  /** In-place edits: [file, where (a regex whose match the text goes before or after), text, 'before' | 'after']. */
  const edits: [string, RegExp, string, 'before' | 'after'][] = [
    ['contracts/index.ts', /^import \{ errorCatalogue.*$/m, `import { ${camel(plural)} } from './${plural}/operations.ts';\n`, 'before'],
    ['contracts/index.ts', /(export const resources: readonly ResourceSpec\[\] = \[[^\]]*)\]/, `, ${camel(plural)}`, 'after'],
    ['contracts/shared/auth.ts', /'admin'\] as const;/, `'${plural}:read', '${plural}:write', `, 'before'],
    ['contracts/shared/auth.ts', /^ {2}admin: '/m, `  '${plural}:read': 'read your ${plural}',\n  '${plural}:write': 'create, change and delete your ${plural}',\n`, 'before'],
    ['server/db/migrations/index.ts', /^\n\/\*\*/m, `import * as ${camel(plural)} from './${migration}.ts';\n`, 'before'],
    ['server/db/migrations/index.ts', /^};/m, `  '${migration}': ${camel(plural)},\n`, 'before'],
    ['server/db/schema.ts', /^export interface Database \{/m, `export interface ${Ps}Table {\n  id: string;\n  owner_id: string;\n  name: string;\n  created_at: Timestamp;\n  updated_at: Timestamp;\n}\n\n`, 'before'],
    ['server/db/schema.ts', /(export interface Database \{[^}]*)\}/, `  ${table}: ${Ps}Table;\n`, 'after'],
    ['tests/support/fixtures.ts', /(export const ABSENT: Record<string, string> = \{[^}]*)\};/, `  ${idParam}: '${prefix}_00000000000000000000000000',\n`, 'after'],
    ['tests/support/fixtures.ts', /^\};\n\nconst names/m, `  async ${idParam}(baseUrl, account) {\n    const res = await send(baseUrl, '/api/v1/${plural}', { method: 'POST', json: { name: 'Owned' }, headers: account.auth });\n    return (res.body as { id: string }).id;\n  },\n`, 'before'],
    ['tests/integration/security.test.ts', /(const strangerOutcome: Record<string, \[number, string\]> = \{[^}]*?\n)\s*\};/, `    update${P}: [404, '${singular}_not_found'],\n    delete${P}: [404, '${singular}_not_found'],\n`, 'after'],
  ];
  return { files, edits };
}

/** Lowercase words joined by single underscores: a table, a scope and (camel-cased) identifiers are made of it. */
const WORDS = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** The singular English most plurals have (`categories` → `category`, `boxes` → `box`); `--singular` for the rest. */
export function singularOf(plural: string): string {
  if (/[^aeiou]ies$/.test(plural)) return plural.replace(/ies$/, 'y');
  if (/(ss|x|z|ch|sh)es$/.test(plural)) return plural.replace(/es$/, '');
  return plural.replace(/s$/, '');
}

/** What is wrong with these names, if anything, in words that say what to give instead. */
export function namesProblem({ plural, singular, prefix }: ResourceNames): string | undefined {
  if (plural.includes('-')) return `"${plural}": join words with _ (${plural.replaceAll('-', '_')}): the name is also a table, scopes and identifiers`;
  if (!WORDS.test(plural) || !plural.endsWith('s')) return `"${plural}": give the plural, in lowercase words joined by _, ending in s (bookmarks, reading_lists)`;
  if (!WORDS.test(singular)) return `--singular "${singular}": lowercase words joined by _ (reading_list)`;
  if (singular === plural) return `--singular "${singular}" is the plural: give the singular`;
  if (!/^[a-z][a-z0-9]{1,11}$/.test(prefix)) return `--prefix "${prefix}": 2–12 lowercase letters or digits, starting with a letter (ids are <prefix>_…)`;
  return undefined;
}

function apply(root: string, names: ResourceNames) {
  const problem = namesProblem(names);
  if (problem) throw new Error(problem);
  const { files, edits } = skeleton(root, names);
  for (const path of Object.keys(files)) if (existsSync(join(root, path))) throw new Error(`${path} exists already: is ${names.plural} already a resource?`);
  // The lists import the resource under its camel-cased name: one they already declare would clash.
  const identifier = camel(names.plural);
  const declares = new RegExp(`(?:\\b(?:const|let|var|function|class)\\s+|\\bas\\s+|import\\s*\\{[^}]*\\b)${identifier}\\b`);
  const changed = new Map<string, string>();
  for (const [file, where, text, side] of edits) {
    const source = changed.get(file) ?? readFileSync(join(root, file), 'utf8');
    if (!changed.has(file) && declares.test(source)) throw new Error(`${file} already declares ${identifier}: choose another name for the resource`);
    const match = where.exec(source);
    if (!match) throw new Error(`${file}: cannot find where to add ${names.plural} (${where}) — has the file changed shape?`);
    // A pattern with a group ends where that group does (the text goes inside the brackets it closes).
    const at = side === 'before' ? match.index : match.index + (match[1] ?? match[0]).length;
    changed.set(file, source.slice(0, at) + text + source.slice(at));
  }
  for (const [path, text] of [...Object.entries(files), ...changed]) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return [...Object.keys(files), ...changed.keys()];
}

const USAGE = 'usage: npm run new:resource -- <plural> [--singular <name>] [--prefix <id prefix>]   (e.g. bookmarks; categories --singular category --prefix cat)';

if (import.meta.main) {
  try {
    const { positionals, values } = parseArgs({ allowPositionals: true, options: { singular: { type: 'string' }, prefix: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
    const plural = positionals[0];
    if (values.help || !plural) {
      console.log(USAGE);
      process.exit(values.help ? 0 : 2);
    }
    const singular = values.singular ?? singularOf(plural);
    const prefix = values.prefix ?? singular.replace(/_/g, '').slice(0, 8);
    const root = new URL('..', import.meta.url).pathname;
    const written = apply(root, { plural, singular, prefix });
    console.log(
      `Wrote the ${plural} resource (singular ${singular}, ids ${prefix}_…; --singular and --prefix change them):\n  ${written.join('\n  ')}\n` +
        'Next: npm run generate, then npm test. CONTRIBUTING.md explains each file.',
    );
  } catch (error) {
    // A name refused, a resource that exists: one line, nothing written.
    console.error(`new:resource: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(1);
  }
}

export { apply as writeResource };
