import { describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors.ts';
import { readJsonBody } from '../../server/http/read-body.ts';

const request = (body: BodyInit | null, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  new Request('http://folio.test/api/v1/posts', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

async function code(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).code;
}

describe('readJsonBody', () => {
  it('parses JSON, with or without a UTF-8 charset', async () => {
    expect(await readJsonBody(request('{"a":1}'), 100)).toEqual({ a: 1 });
    expect(await readJsonBody(request('[1]', { 'content-type': 'Application/JSON; charset="UTF-8"' }), 100)).toEqual([1]);
  });

  it('reads an empty body as undefined, for validation to report', async () => {
    expect(await readJsonBody(request(null), 100)).toBeUndefined();
  });

  it.each([undefined, 'text/plain', 'application/jsonx', 'application/json; charset=latin1'])('refuses content type %s with 415', async (type) => {
    expect(await code(readJsonBody(request('{}', type ? { 'content-type': type } : {}), 100))).toBe('unsupported_media_type');
  });

  it('refuses a declared length over the limit before reading', async () => {
    const req = request('{}', { 'content-type': 'application/json', 'content-length': '101' });
    expect(await code(readJsonBody(req, 100))).toBe('payload_too_large');
  });

  it('stops reading a stream once it passes the limit', async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(64).fill(0x20));
      },
    });
    expect(await code(readJsonBody(request(stream), 1000))).toBe('payload_too_large');
    expect(pulled).toBeLessThan(40);
  });

  it('reports invalid UTF-8 and invalid JSON as malformed_json without echoing the input', async () => {
    expect(await code(readJsonBody(request(new Uint8Array([0xc3, 0x28])), 100))).toBe('malformed_json');
    const error = await readJsonBody(request('{"secret": nope'), 100).catch((e: AppError) => e);
    expect((error as AppError).code).toBe('malformed_json');
    expect(JSON.stringify(error)).not.toContain('nope');
    expect((error as AppError).detail).not.toContain('nope');
  });

  it('refuses unpaired surrogates in any string or member name, naming each place (I-JSON)', async () => {
    const body = '{"title":"\\ud800","tags":["ok","x\\udc00"],"nested":{"\\udbff~/k":"fine"},"pair":"\\ud83c\\udf89"}';
    const error = (await readJsonBody(request(body), 1000).catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe('validation_failed');
    expect(error.errors?.map((e) => e.pointer)).toEqual(['/body/title', '/body/tags/1', '/body/nested/\udbff~0~1k']);
  });

  it('refuses a member name given twice in one object, naming each repeat, with any unpaired surrogates (I-JSON)', async () => {
    const error = (await readJsonBody(request('{"title":"a","title":"b","tags":["\\ud800"]}'), 1000).catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe('validation_failed');
    expect(error.errors?.map((e) => e.pointer)).toEqual(['/body/tags/0', '/body/title']);
    expect(await readJsonBody(request('{"title":"a","tags":[{"title":"b"}]}'), 1000)).toEqual({ title: 'a', tags: [{ title: 'b' }] });
  });

  it('refuses a number beyond the range of a double, which JSON.parse reads as Infinity (I-JSON)', async () => {
    const error = (await readJsonBody(request('{"big":1e400,"list":[1,-2.5e-3,-1E+999],"fine":1e308,"tiny":1e-400}'), 1000).catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe('validation_failed');
    expect(error.errors?.map((e) => e.pointer)).toEqual(['/body/big', '/body/list/2']);
    expect(await readJsonBody(request(`{"long":${'9'.repeat(300)},"n":-0.5e2}`), 1000)).toEqual({ long: Number('9'.repeat(300)), n: -50 });
  });

  it('lists the first 100 of many I-JSON issues, and says how many there are', async () => {
    const body = `[${Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? '"\\ud800"' : '{"a":0,"a":1}')).join(',')}]`;
    const error = (await readJsonBody(request(body), 100_000).catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe('validation_failed');
    expect(error.errors).toHaveLength(100);
    expect(error.detail).toContain('300 in all');
    expect(error.errors?.[0]?.pointer).toBe('/body/0');
  });

  it.each(['{"c":"gzip"}', '{}'])('refuses a body with a content coding with 415, whatever it holds (%s)', async (body) => {
    for (const coding of ['gzip', 'br', 'deflate, gzip', 'x-custom']) {
      expect(await code(readJsonBody(request(body, { 'content-type': 'application/json', 'content-encoding': coding }), 100))).toBe('unsupported_media_type');
    }
    expect(await readJsonBody(request(body, { 'content-type': 'application/json', 'content-encoding': 'identity' }), 100)).toEqual(JSON.parse(body));
  });
});
