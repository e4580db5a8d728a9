import { beforeEach, describe, expect, it } from 'vitest';
import { defineOperation, json } from '../../contracts/operation.ts';
import { publicAccess } from '../../contracts/shared/auth.ts';
import { defineError } from '../../contracts/shared/errors.ts';
import { queryInteger } from '../../contracts/shared/primitives.ts';
import { z } from '../../contracts/zod.ts';
import { AppError } from '../../server/errors.ts';
import { fail } from '../../server/failure.ts';
import { bind } from '../../server/http/bind.ts';
import { route } from '../../server/http/route.ts';

// A contract made up for these tests, so the binding is tested apart from any real resource.
const widgetNotFound = defineError({ code: 'widget_not_found', status: 404, title: 'Widget not found', explanation: 'None.', remedy: 'None.' });
const Widget = z.object({ id: z.string(), size: z.number().int().min(0).max(10), nested: z.object({ ok: z.boolean() }) });
const getWidget = defineOperation({
  operationId: 'getWidget',
  method: 'get',
  path: '/api/v1/widgets/{widgetId}',
  summary: 'Get a widget',
  description: 'Test only.',
  tags: ['Test'],
  auth: publicAccess,
  request: {
    params: z.object({ widgetId: z.string().max(5) }),
    query: z.object({
      size: queryInteger({ min: 0, max: 10, default: 1, description: 'size' }),
      tag: z.array(z.string().max(3)).max(3).optional(),
    }),
  },
  responses: { 200: { description: 'A widget.', content: json(Widget, { id: 'w', size: 1, nested: { ok: true } }) } },
  errors: [widgetNotFound],
});

let behaviour: (input: { params: { widgetId: string }; query: { size: number; tag?: string[] } }) => Promise<unknown>;
const bound = bind(getWidget, async (input) => (await behaviour(input)) as never);
const call = (path: string, widgetId = 'w1', method = 'GET') =>
  bound.handle(new Request(`http://folio.test${path}`, { method }), { params: Promise.resolve({ widgetId }) });
const body = async (res: Response) => JSON.parse(await res.text());

beforeEach(() => {
  behaviour = async ({ params, query }) => ({
    status: 200,
    body: { id: `${params.widgetId}:${(query.tag ?? []).join(',')}`, size: query.size, nested: { ok: true } },
  });
});

describe('bind', () => {

  it('hands the handler typed, parsed input; repeatable query parameters arrive as arrays', async () => {
    const single = await body(await call('/api/v1/widgets/w1?size=7&tag=a'));
    expect(single).toEqual({ id: 'w1:a', size: 7, nested: { ok: true } });
    const repeated = await body(await call('/api/v1/widgets/w1?tag=a&tag=b'));
    expect(repeated).toEqual({ id: 'w1:a,b', size: 1, nested: { ok: true } });
  });

  it('reports every invalid part at once with pointers, and the request id in header and body', async () => {
    const res = await call('/api/v1/widgets/toolong?size=11&tag=a&tag=long', 'toolong');
    expect(res.status).toBe(400);
    const problem = await body(res);
    expect(problem.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/params/widgetId', '/query/size', '/query/tag/1']);
    expect(problem.request_id).toBe(res.headers.get('x-request-id'));
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('turns an undeclared response field into a 500 in strict mode', async () => {
    behaviour = async () => ({ status: 200, body: { id: 'w', size: 1, nested: { ok: true, secret: 'x' } } });
    const res = await call('/api/v1/widgets/w1');
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('secret');
  });

  it('turns a body that breaks its schema into a 500', async () => {
    behaviour = async () => ({ status: 200, body: { id: 'w', size: 99, nested: { ok: true } } });
    expect((await call('/api/v1/widgets/w1')).status).toBe(500);
  });

  it('answers a returned failure with its problem, and a thrown pipeline error with its own', async () => {
    behaviour = async () => fail(widgetNotFound, 'No widget w1.');
    const failed = await call('/api/v1/widgets/w1');
    expect(failed.status).toBe(404);
    expect(failed.headers.get('content-type')).toBe('application/problem+json');
    expect(await body(failed)).toMatchObject({ code: 'widget_not_found', detail: 'No widget w1.', type: '/problems/widget_not_found', status: 404 });
    behaviour = async () => {
      throw new AppError('service_unavailable', 'Busy.', { headers: { 'Retry-After': '1' } });
    };
    const busy = await call('/api/v1/widgets/w1');
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(await body(busy)).toMatchObject({ code: 'service_unavailable', detail: 'Busy.' });
  });

  it('never leaks an internal error message', async () => {
    behaviour = async () => {
      throw new Error('password=hunter2 at db.internal:5432');
    };
    const res = await call('/api/v1/widgets/w1');
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('db.internal');
    expect(JSON.parse(text)).toMatchObject({ code: 'internal_error', request_id: res.headers.get('x-request-id') });
  });
});

describe('route', () => {
  const handlers = route(bound);
  const ctx = { params: Promise.resolve({ widgetId: 'w1' }) };

  it('answers OPTIONS with the documented methods and other methods with 405 + Allow', async () => {
    const options = await handlers.OPTIONS(new Request('http://folio.test/x', { method: 'OPTIONS' }), ctx);
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      const res = await handlers[method](new Request('http://folio.test/x', { method }), ctx);
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    }
  });

  it('answers HEAD like GET without a body', async () => {
    const res = await handlers.HEAD(new Request('http://folio.test/api/v1/widgets/w1', { method: 'HEAD' }), ctx);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('refuses to bind a contract that declares no auth (fail closed, even from untyped code)', () => {
    const noAuth = Object.fromEntries(Object.entries(getWidget).filter(([key]) => key !== 'auth'));
    expect(() => bind(noAuth as unknown as typeof getWidget, async () => ({ status: 200, body: { id: '', size: 0, nested: { ok: true } } }))).toThrow(/no auth/);
  });

  it('refuses operations on different paths or two for one method', () => {
    const other = bind({ ...getWidget, path: '/api/v1/other' }, async () => ({ status: 200, body: { id: '', size: 0, nested: { ok: true } } }));
    expect(() => route(bound, other)).toThrow(/not on/);
    expect(() => route(bound, bound)).toThrow(/two operations/);
  });
});
