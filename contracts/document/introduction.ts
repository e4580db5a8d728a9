/**
 * The reference's introduction (`info.description`): a quickstart built from the contracts' own
 * examples and paths, the conventions every operation follows, and who may call what.
 */
import type { OperationSpec } from '../operation.ts';
import { SCOPE_DESCRIPTIONS, SCOPES } from '../shared/auth.ts';
import { SENT_ONCE_TEXT } from '../shared/errors.ts';
import { createPost } from '../posts/operations.ts';
import { createToken } from '../tokens/operations.ts';
import { createUser } from '../users/operations.ts';

const BASE = 'http://localhost:3000';

function curl(op: OperationSpec, body: unknown, token?: string): string {
  const lines = [`curl -X ${op.method.toUpperCase()} ${BASE}${op.path}`, `  -H 'Content-Type: application/json'`];
  if (token) lines.push(`  -H "Authorization: Bearer ${token}"`);
  lines.push(`  -d '${JSON.stringify(body)}'`);
  return lines.join(' \\\n');
}

function quickstart(): string {
  const signIn = { email: createToken.request.body.example.email, password: createToken.request.body.example.password };
  return [
    '## Quickstart',
    '',
    'Three requests: register, sign in, create a post. (Folio runs on your machine with `npm install && npm run dev`.)',
    '',
    `1. **Register** — \`${createUser.method.toUpperCase()} ${createUser.path}\`:`,
    '',
    '```sh',
    curl(createUser, createUser.request.body.example),
    '```',
    '',
    `2. **Sign in** — \`${createToken.method.toUpperCase()} ${createToken.path}\`; the answer's \`token\` is shown once:`,
    '',
    '```sh',
    `TOKEN=$(${curl(createToken, signIn)} | sed -E 's/.*"token":"([^"]+)".*/\\1/')`,
    '```',
    '',
    `3. **Create a post** — \`${createPost.method.toUpperCase()} ${createPost.path}\`, with the token:`,
    '',
    '```sh',
    curl(createPost, createPost.request.body.example, '$TOKEN'),
    '```',
    '',
    'The same with the typed client (`@folio/client`, generated from this document):',
    '',
    '```ts',
    "import { createClient, unwrap } from '@folio/client';",
    '',
    `const folio = createClient({ baseUrl: '${BASE}' });`,
    `await folio.POST('${createUser.path}', { body: ${JSON.stringify(createUser.request.body.example)} });`,
    `const { token } = unwrap(await folio.POST('${createToken.path}', { body: ${JSON.stringify(signIn)} }));`,
    `const authed = createClient({ baseUrl: '${BASE}', headers: () => ({ Authorization: \`Bearer \${token}\` }) });`,
    `const post = unwrap(await authed.POST('${createPost.path}', { body: ${JSON.stringify(createPost.request.body.example)} }));`,
    '```',
  ].join('\n');
}

const CONVENTIONS = [
  '## Conventions',
  '',
  '- **Errors** are RFC 9457 problems (`application/problem+json`) with a stable `code` and the `request_id`. Each operation ' +
    'lists, status by status, exactly the codes it can answer with; each problem’s `type` links to a page that explains it ' +
    '(`/problems/<code>`). Clients must tolerate codes they do not know yet.',
  '- **Lists** are cursor-paged objects `{ data, has_more, next_cursor }`: pass `next_cursor` back as `cursor`.',
  '- **Timestamps** are RFC 3339 in UTC. Identifiers are opaque strings with a prefix (`post_…`).',
  '- **Request bodies** are uncompressed I-JSON (RFC 7493): a string holding an unpaired surrogate escape (`\\ud800`), a ' +
    'member name given twice in one object, or a number beyond the range of a double (`1e400`), is refused with 400 naming the field, ' +
    'and a `Content-Encoding` other than identity with 415.',
  '- **Retries**: creates take an `Idempotency-Key`; writes take `If-Match`; every answer of an operation says its rate limit (`RateLimit`).',
  '- **Before any operation**, on any path, the server in front of them answers a request that is not HTTP/1.1 Folio can route ' +
    `(an unknown method, an oversized header section, a missing Host, ${SENT_ONCE_TEXT} sent twice, ` +
    '`OPTIONS *`) with 400 [`bad_request`](/problems/bad_request), and one that does not arrive within its time with 408 ' +
    '[`request_timeout`](/problems/request_timeout); so does a path that is not valid percent-encoding, with its operation’s 400. ' +
    'These were never counted, so they carry no `RateLimit` fields.',
  '- **Evolution**: fields and enum values are added without notice — clients must tolerate unknown ones.',
].join('\n');

/** Who may call what: one row per operation, from each contract's `auth`. */
function access(ops: readonly OperationSpec[]): string {
  const who = (op: OperationSpec) => {
    switch (op.auth.type) {
      case 'public':
        // A raw body is one verified by its signature (contracts/operation.ts): the signature is the credential.
        return op.request?.body?.raw ? 'a sender that signs the body with the secret it shares with Folio (no token read)' : 'anyone (no token read)';
      case 'optional':
        return 'anyone; a token, when sent, must be valid (it may see more)';
      case 'bearer':
        return op.auth.scopes.length ? op.auth.scopes.map((s) => `\`${s}\``).join(' + ') : 'any valid token';
    }
  };
  return [
    '## Access',
    '',
    `A token can do only what its scopes name: ${SCOPES.map((s) => `\`${s}\` ${SCOPE_DESCRIPTIONS[s]}`).join('; ')}. ` +
      `Scopes are chosen when the token is issued (\`${createToken.method.toUpperCase()} ${createToken.path}\`).`,
    '',
    '| Operation | Method and path | Who may call it |',
    '| --- | --- | --- |',
    ...ops.map((op) => `| ${op.summary} | \`${op.method.toUpperCase()} ${op.path}\` | ${who(op)} |`),
  ].join('\n');
}

export function introduction(ops: readonly OperationSpec[]): string {
  return [
    'Folio is a contract-first content API. This document is generated from the Zod contracts that also validate every ' +
      'request and response, so it describes exactly what the server does.',
    quickstart(),
    CONVENTIONS,
    access(ops),
  ].join('\n\n');
}
