/**
 * scripts/openapi-diff.ts, the breaking-change check behind `npm run openapi:diff` and `npm run release`.
 * Each case mutates a copy of the real openapi.json and asserts the exact set of rules the diff reports,
 * where it points, and the verdict: a breaking change fails unless the major version was raised.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type AcceptedBreak, type Change, type Rule, RULES, changelogSection, diffDocuments, readAccepted, resolvePointer, verdict } from '../../scripts/openapi-diff.ts';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- mutating arbitrary JSON
const committed: Doc = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8'));
const released: Doc = JSON.parse(readFileSync(new URL('../../contracts/openapi.released.json', import.meta.url), 'utf8'));

const schemas = (d: Doc) => d.components.schemas;
const op = (d: Doc, path: string, method: string) => d.paths[path][method];
const paramIndex = (d: Doc, path: string, method: string, name: string) => op(d, path, method).parameters.findIndex((p: Doc) => (p.$ref ? resolvePointer(d, p.$ref) as Doc : p).name === name);
/** A parameter of an operation, followed through its `$ref` when the document shares it in components. */
const param = (d: Doc, path: string, method: string, name: string): Doc => {
  const p = op(d, path, method).parameters[paramIndex(d, path, method, name)];
  return p.$ref ? (resolvePointer(d, p.$ref) as Doc) : p;
};

interface Case {
  name: string;
  mutate: (d: Doc) => void;
  /** Exactly the rules the diff must report. */
  rules: Rule[];
  /** Where the first expected rule must point (one of its reports), and the operations its reports name (at least these). */
  pointer?: string;
  operations?: string[];
}

const BREAKING: Case[] = [
  {
    name: 'an operation removed',
    mutate: (d) => delete d.paths['/api/v1/tags'].get,
    rules: ['operation-removed'],
    pointer: '#/paths/~1api~1v1~1tags/get',
    operations: ['listTags'],
  },
  {
    name: 'a new required query parameter',
    mutate: (d) => op(d, '/api/v1/posts', 'get').parameters.push({ name: 'sort', in: 'query', required: true, schema: { type: 'string', maxLength: 10 } }),
    rules: ['parameter-added-required'],
    pointer: `#/paths/~1api~1v1~1posts/get/parameters/${paramIndex(committed, '/api/v1/posts', 'get', 'status') + 1}`,
    operations: ['listPosts'],
  },
  {
    name: 'an optional request field made required',
    mutate: (d) => schemas(d).PostCreate.required.push('body'),
    rules: ['request-field-made-required'],
    pointer: '#/components/schemas/PostCreate/properties/body',
    operations: ['createPost'],
  },
  {
    name: 'a tighter request maxLength',
    mutate: (d) => (schemas(d).PostCreate.properties.title.maxLength = 100),
    rules: ['request-constraint-tightened'],
    pointer: '#/components/schemas/PostCreate/properties/title',
    operations: ['createPost'],
  },
  {
    name: 'a request enum value removed',
    mutate: (d) => (op(d, '/api/v1/posts', 'get').parameters[paramIndex(d, '/api/v1/posts', 'get', 'status')].schema.enum = ['published']),
    rules: ['request-enum-value-removed'],
    pointer: `#/paths/~1api~1v1~1posts/get/parameters/${paramIndex(committed, '/api/v1/posts', 'get', 'status')}/schema`,
    operations: ['listPosts'],
  },
  {
    name: 'a request field’s type changed',
    mutate: (d) => (schemas(d).PostCreate.properties.title.type = 'integer'),
    rules: ['request-type-narrowed'],
    pointer: '#/components/schemas/PostCreate/properties/title',
  },
  {
    name: 'a response field’s type changed',
    mutate: (d) => (schemas(d).Post.properties.title.type = 'integer'),
    rules: ['response-type-widened'],
    pointer: '#/components/schemas/Post/properties/title',
    operations: ['listPosts', 'createPost', 'getPost', 'updatePost'],
  },
  {
    name: 'a response field removed',
    mutate: (d) => {
      delete schemas(d).Post.properties.excerpt;
      schemas(d).Post.required = schemas(d).Post.required.filter((f: string) => f !== 'excerpt');
    },
    rules: ['response-field-removed'],
    pointer: '#/components/schemas/Post/properties/excerpt',
    operations: ['listPosts', 'createPost', 'getPost', 'updatePost'],
  },
  {
    name: 'a scope added',
    mutate: (d) => op(d, '/api/v1/posts', 'post').security[0].bearerAuth.push('admin'),
    rules: ['security-tightened'],
    pointer: '#/paths/~1api~1v1~1posts/post/security',
    operations: ['createPost'],
  },
  {
    name: 'auth added to a public operation',
    mutate: (d) => (op(d, '/api/v1/tags', 'get').security = [{ bearerAuth: ['posts:read'] }]),
    rules: ['security-tightened'],
    operations: ['listTags'],
  },
  {
    name: 'the security scheme changed',
    mutate: (d) => (d.components.securitySchemes.bearerAuth.scheme = 'basic'),
    rules: ['security-tightened'],
    operations: ['createPost', 'listPosts', 'getMe'],
  },
  {
    name: 'a response field made optional',
    mutate: (d) => (schemas(d).Post.required = schemas(d).Post.required.filter((f: string) => f !== 'excerpt')),
    rules: ['response-field-made-optional'],
    pointer: '#/components/schemas/Post/properties/excerpt',
  },
  {
    name: 'a response field made nullable (type list)',
    mutate: (d) => (schemas(d).Post.properties.title.type = ['string', 'null']),
    rules: ['response-field-made-nullable'],
    pointer: '#/components/schemas/Post/properties/title',
  },
  {
    name: 'a response $ref made nullable (anyOf with null)',
    mutate: (d) => (schemas(d).Post.properties.author = { anyOf: [{ $ref: '#/components/schemas/User' }, { type: 'null' }] }),
    rules: ['response-field-made-nullable'],
    pointer: '#/components/schemas/Post/properties/author',
  },
  {
    name: 'a response status removed',
    mutate: (d) => delete op(d, '/api/v1/posts', 'post').responses['409'],
    rules: ['response-removed'],
    pointer: '#/paths/~1api~1v1~1posts/post/responses/409',
  },
  {
    name: 'a response media type removed',
    mutate: (d) => delete op(d, '/api/v1/posts', 'get').responses['200'].content['text/csv'],
    rules: ['response-media-type-removed'],
    pointer: '#/paths/~1api~1v1~1posts/get/responses/200/content/text~1csv',
  },
  {
    name: 'a response header removed',
    mutate: (d) => delete op(d, '/api/v1/posts/{postId}', 'get').responses['200'].headers['X-Request-Id'],
    rules: ['response-header-removed'],
  },
  {
    name: 'a path parameter renamed',
    mutate: (d) => {
      const item = d.paths['/api/v1/users/{username}'];
      item.get.parameters[0].name = 'name';
      d.paths['/api/v1/users/{name}'] = item;
      delete d.paths['/api/v1/users/{username}'];
    },
    rules: ['parameter-added-required', 'parameter-removed'],
    operations: ['getUser'],
  },
  {
    name: 'an operationId renamed',
    mutate: (d) => (op(d, '/api/v1/tags', 'get').operationId = 'getTags'),
    rules: ['operation-id-changed'],
  },
  {
    name: 'a new pattern on a request field',
    mutate: (d) => (schemas(d).PostCreate.properties.body.pattern = '^[^<]*$'),
    rules: ['request-constraint-tightened'],
    pointer: '#/components/schemas/PostCreate/properties/body',
  },
  {
    name: 'a higher minimum on a query parameter',
    mutate: (d) => (param(d, '/api/v1/posts', 'get', 'limit').schema.minimum = 5),
    rules: ['request-constraint-tightened'],
  },
  {
    name: 'a new required request field',
    mutate: (d) => {
      schemas(d).PostCreate.properties.summary = { type: 'string', maxLength: 100 };
      schemas(d).PostCreate.required.push('summary');
    },
    rules: ['request-field-added-required'],
    pointer: '#/components/schemas/PostCreate/properties/summary',
  },
  {
    name: 'a request field removed',
    mutate: (d) => delete schemas(d).PostCreate.properties.excerpt,
    rules: ['request-field-removed'],
    pointer: '#/components/schemas/PostCreate/properties/excerpt',
  },
  {
    name: 'a webhook no longer sent',
    mutate: (d) => delete d.webhooks['post.deleted'],
    rules: ['webhook-removed'],
    pointer: '#/webhooks/post.deleted/post',
    operations: ['webhook:post.deleted'],
  },
  {
    name: 'a field removed from a webhook payload',
    mutate: (d) => {
      delete schemas(d).PostEventData.properties.slug;
      schemas(d).PostEventData.required = schemas(d).PostEventData.required.filter((f: string) => f !== 'slug');
    },
    rules: ['response-field-removed'],
    pointer: '#/components/schemas/PostEventData/properties/slug',
    operations: ['webhook:post.published'],
  },
  {
    name: 'a signature header no longer sent',
    mutate: (d) => (d.webhooks['ping'].post.parameters = d.webhooks['ping'].post.parameters.filter((p: Doc) => (p.$ref ? (resolvePointer(d, p.$ref) as Doc) : p).name !== 'webhook-timestamp')),
    rules: ['webhook-header-removed'],
    operations: ['webhook:ping'],
  },
];

const NON_BREAKING: Case[] = [
  {
    name: 'an optional request field added',
    mutate: (d) => (schemas(d).PostCreate.properties.summary = { type: 'string', maxLength: 100 }),
    rules: ['request-field-added-optional'],
    pointer: '#/components/schemas/PostCreate/properties/summary',
    operations: ['createPost'],
  },
  {
    name: 'an operation added',
    mutate: (d) => (d.paths['/api/v1/tags/popular'] = { get: { ...structuredClone(op(d, '/api/v1/tags', 'get')), operationId: 'listPopularTags' } }),
    rules: ['operation-added'],
    pointer: '#/paths/~1api~1v1~1tags~1popular/get',
    operations: ['listPopularTags'],
  },
  {
    name: 'an enum value added in a response',
    mutate: (d) => schemas(d).Post.properties.status.enum.push('archived'),
    rules: ['response-enum-value-added'],
    pointer: '#/components/schemas/Post/properties/status',
  },
  {
    name: 'a looser request maxLength',
    mutate: (d) => (schemas(d).PostCreate.properties.title.maxLength = 500),
    rules: ['request-constraint-relaxed'],
  },
  {
    name: 'a response field added',
    mutate: (d) => (schemas(d).Post.properties.word_count = { type: 'integer', minimum: 0, maximum: 100000 }),
    rules: ['response-field-added'],
  },
  {
    name: 'a required request field made optional',
    mutate: (d) => (schemas(d).PostCreate.required = []),
    rules: ['request-field-made-optional'],
  },
  {
    name: 'anonymous access allowed where a token was required',
    mutate: (d) => op(d, '/api/v1/posts', 'post').security.unshift({}),
    rules: ['security-relaxed'],
  },
  {
    name: 'a response status added',
    mutate: (d) => (op(d, '/api/v1/tags', 'get').responses['404'] = structuredClone(op(d, '/api/v1/posts/{postId}', 'get').responses['404'])),
    rules: ['response-added'],
  },
  {
    name: 'an operation deprecated',
    mutate: (d) => (op(d, '/api/v1/tags', 'get').deprecated = true),
    rules: ['operation-deprecated'],
  },
  {
    name: 'descriptions and examples edited',
    mutate: (d) => {
      schemas(d).Post.properties.title.description = 'The title.';
      schemas(d).Post.properties.title.example = 'Another title';
    },
    rules: [],
  },
  {
    name: 'a new webhook',
    mutate: (d) => (d.webhooks['post.archived'] = structuredClone(d.webhooks['post.deleted'])),
    rules: ['webhook-added'],
    pointer: '#/webhooks/post.archived/post',
  },
  {
    name: 'a field added to a webhook payload',
    mutate: (d) => (schemas(d).PingEvent.properties.note = { type: 'string', maxLength: 10 }),
    rules: ['response-field-added'],
    pointer: '#/components/schemas/PingEvent/properties/note',
    operations: ['webhook:ping'],
  },
];

function mutated(c: Case): Doc {
  const head = structuredClone(committed);
  c.mutate(head);
  return head;
}

function check(c: Case, changes: Change[], base: Doc, head: Doc) {
  const context = JSON.stringify(changes, null, 2);
  expect([...new Set(changes.map((x) => x.rule))].sort(), context).toEqual([...c.rules].sort());
  for (const change of changes) {
    expect(change.severity, context).toBe(RULES[change.rule][0]);
    expect(resolvePointer(change.document === 'base' ? base : head, change.pointer), `${change.pointer} must exist in ${change.document}`).toBeDefined();
  }
  const main = changes.filter((x) => x.rule === c.rules[0]);
  if (c.pointer) expect(main.map((x) => x.pointer), context).toContain(c.pointer);
  if (c.operations) expect(main.flatMap((x) => x.operations), context).toEqual(expect.arrayContaining(c.operations));
}

describe('openapi-diff', () => {
  it('finds nothing between the document and itself', () => {
    expect(diffDocuments(committed, structuredClone(committed))).toEqual([]);
  });

  it('finds no breaking change between the committed document and the released baseline but those accepted with a reason (npm run openapi:diff)', () => {
    const result = verdict(released, committed, undefined, readAccepted());
    expect(result.ok, result.summary + JSON.stringify(result.breaking, null, 2)).toBe(true);
  });

  describe('accepted breaking changes (contracts/accepted-breaking-changes.json)', () => {
    const removal = BREAKING.find((c) => c.name === 'a response field removed')!;
    it('lets a listed breaking change through with its reason, and nothing else', () => {
      const head = mutated(removal);
      const changes = diffDocuments(committed, head);
      const [change] = changes;
      const accepted: AcceptedBreak[] = [{ rule: change!.rule, pointers: [change!.pointer], reason: 'a security fix' }];
      const result = verdict(committed, head, changes, accepted);
      expect(result.ok, result.summary).toBe(true);
      expect(result.accepted.map((c) => c.reason)).toEqual(['a security fix']);
      expect(verdict(committed, head, changes, [{ ...accepted[0]!, pointers: ['#/elsewhere'] }]).ok).toBe(false);
      expect(changelogSection('1.1.0', '2026-12-01', changes, new Map([[`${change!.rule} ${change!.pointer}`, 'a security fix']]))).toContain(
        'accepted without a new major version: a security fix',
      );
    });
    it('fails on an entry that matches no change, so none outlives its change', () => {
      const result = verdict(committed, structuredClone(committed), undefined, [{ rule: 'operation-removed', pointers: ['#/paths/~1x/get'], reason: 'r' }]);
      expect(result.ok).toBe(false);
      expect(result.summary).toContain('#/paths/~1x/get');
    });
  });

  describe('breaking', () => {
    it.each(BREAKING.map((c) => [c.name, c] as const))('%s', (_, c) => {
      const head = mutated(c);
      const changes = diffDocuments(committed, head);
      check(c, changes, committed, head);
      for (const rule of c.rules) expect(RULES[rule][0], rule).toBe('breaking');
      expect(verdict(committed, head, changes).ok).toBe(false);
      // The same change is allowed with a major version bump, and only then.
      expect(verdict(committed, { ...head, info: { ...head.info, version: '1.1.0' } }, changes).ok).toBe(false);
      expect(verdict(committed, { ...head, info: { ...head.info, version: '2.0.0' } }, changes).ok).toBe(true);
    });
  });

  describe('non-breaking', () => {
    it.each(NON_BREAKING.map((c) => [c.name, c] as const))('%s', (_, c) => {
      const head = mutated(c);
      const changes = diffDocuments(committed, head);
      check(c, changes, committed, head);
      const result = verdict(committed, head, changes);
      expect(result.breaking, JSON.stringify(result.breaking, null, 2)).toEqual([]);
      expect(result.ok).toBe(true);
    });
  });

  it('names the changed component once, with every operation it affects', () => {
    const [change, ...rest] = diffDocuments(committed, mutated(BREAKING.find((c) => c.name === 'a response field removed')!));
    expect(rest).toEqual([]);
    const users = Object.values(committed.paths as Doc)
      .flatMap((item) => Object.values(item as Doc))
      .filter((o: Doc) => JSON.stringify(o.responses).includes('"#/components/schemas/Post"') || JSON.stringify(o.responses).includes('PostPage'))
      .map((o: Doc) => o.operationId);
    expect(users.length).toBeGreaterThan(1);
    expect([...change!.operations].sort()).toEqual(users.sort());
  });

  describe('a change several $ref hops from the operations it breaks', () => {
    /** `#/components/schemas/X` → the components it refers to, directly. */
    const refsIn = (node: unknown): string[] => [...JSON.stringify(node).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    /** The operations whose `part` (responses or requestBody) reaches `target` through any chain of $refs, and in how many hops at least. */
    function reaching(d: Doc, target: string, part: 'responses' | 'requestBody'): Map<string, number> {
      const out = new Map<string, number>();
      for (const item of Object.values(d.paths as Doc)) {
        for (const o of Object.values(item as Doc) as Doc[]) {
          if (!o?.operationId) continue;
          let frontier = refsIn(o[part] ?? {});
          const seen = new Set<string>();
          for (let hops = 1; frontier.length > 0 && !out.has(o.operationId); hops++) {
            if (frontier.includes(target)) out.set(o.operationId, hops);
            frontier.forEach((ref) => seen.add(ref));
            frontier = [...new Set(frontier.flatMap((ref) => refsIn(resolvePointer(d, ref))))].filter((ref) => !seen.has(ref));
          }
        }
      }
      return out;
    }

    it('reports a breaking change in a component reached through two others (PostPage → Post → User) once, naming every operation', () => {
      const head = structuredClone(committed);
      schemas(head).User.properties.display_name.type = 'integer';
      const changes = diffDocuments(committed, head);
      const expected = reaching(committed, '#/components/schemas/User', 'responses');
      // The test means something only if some operations reach User through two hops or more.
      const far = [...expected].filter(([, hops]) => hops >= 3).map(([id]) => id);
      expect(far).toEqual(expect.arrayContaining(['listPosts', 'listComments']));
      expect(changes.map((c) => [c.rule, c.pointer])).toEqual([['response-type-widened', '#/components/schemas/User/properties/display_name']]);
      expect([...changes[0]!.operations].sort()).toEqual([...expected.keys()].sort());
      expect(verdict(committed, head, changes).ok).toBe(false);
    });

    it('follows a shared response and request body through components/responses and components/requestBodies, and schema-to-schema $refs', () => {
      // The same contract, written with more indirection: every hop is a $ref.
      const restructure = (d: Doc) => {
        const tag = schemas(d).PostCreate.properties.tags.items;
        schemas(d).TagName = { ...tag };
        schemas(d).Tag = { $ref: '#/components/schemas/TagName' };
        for (const name of ['Post', 'PostCreate', 'PostUpdate']) schemas(d)[name].properties.tags.items = { $ref: '#/components/schemas/Tag' };
        d.components.responses = { ...d.components.responses, PostPage: op(d, '/api/v1/posts', 'get').responses['200'] };
        op(d, '/api/v1/posts', 'get').responses['200'] = { $ref: '#/components/responses/PostPage' };
        d.components.requestBodies = { PostCreate: op(d, '/api/v1/posts', 'post').requestBody };
        op(d, '/api/v1/posts', 'post').requestBody = { $ref: '#/components/requestBodies/PostCreate' };
      };
      const base = structuredClone(committed);
      restructure(base);
      expect(diffDocuments(committed, base).filter((c) => c.severity === 'breaking'), 'the restructuring alone breaks nothing').toEqual([]);

      const head = structuredClone(base);
      schemas(head).TagName.maxLength = 20;
      const changes = diffDocuments(base, head);
      const at = (rule: Rule) => changes.filter((c) => c.rule === rule);

      // Requests: createPost's body is $ref → PostCreate → tags.items $ref Tag → $ref TagName; updatePost's one hop less.
      const request = at('request-constraint-tightened');
      expect(request.map((c) => c.pointer)).toEqual(['#/components/schemas/TagName']);
      const writers = reaching(base, '#/components/schemas/TagName', 'requestBody');
      expect(writers.get('createPost')).toBe(4);
      expect([...request[0]!.operations].sort()).toEqual([...writers.keys()].sort());
      // Responses: listPosts's 200 is $ref → PostPage → Post → Tag → TagName; a tighter response is not breaking.
      const response = at('response-constraint-tightened');
      expect(response.map((c) => c.pointer)).toEqual(['#/components/schemas/TagName']);
      const readers = reaching(base, '#/components/schemas/TagName', 'responses');
      expect(readers.get('listPosts')).toBe(5);
      expect([...response[0]!.operations].sort()).toEqual([...readers.keys()].sort());
      expect(verdict(base, head, changes).breaking.map((c) => c.rule)).toEqual(['request-constraint-tightened']);
    });
  });

  it('writes changelog sections: initial release, then non-breaking and breaking changes', () => {
    expect(changelogSection('1.0.0', '2026-11-21', undefined)).toBe('## 1.0.0 — 2026-11-21\n\nInitial release.\n');
    const head = structuredClone(committed);
    schemas(head).PostCreate.properties.summary = { type: 'string', maxLength: 100 };
    delete head.paths['/api/v1/tags'].get;
    const section = changelogSection('2.0.0', '2026-12-01', diffDocuments(committed, head));
    expect(section).toMatch(/^## 2\.0\.0 — 2026-12-01\n\n### Non-breaking changes\n\n- New optional request field `PostCreate\.summary`\. \(`createPost`\) — `request-field-added-optional` at `#\/components\/schemas\/PostCreate\/properties\/summary`\n\n### Breaking changes\n\n- Operation `listTags` \(GET \/api\/v1\/tags\) was removed\. /);
    expect(section.endsWith('`operation-removed` at `#/paths/~1api~1v1~1tags/get`\n')).toBe(true);
  });
});
