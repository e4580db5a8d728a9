import { beforeAll, describe, expect, inject, it } from 'vitest';
import * as contract from '../../contracts/media/operations.ts';
import { expectConforms, send } from '../support/contract-assertions.ts';
import { signUp, type Account } from '../support/identity.ts';

const servers = inject('servers');

describe.each(servers)('media on $kind', ({ baseUrl }) => {
  let owner: Account;
  beforeAll(async () => {
    owner = await signUp(baseUrl);
  });

  it('creates, lists, reads, renames and deletes a media', async () => {
    const created = await send(baseUrl, '/api/v1/media', { method: 'POST', headers: owner.auth, json: { name: 'First' } });
    expectConforms(contract.createMedia, created);
    expect(created.status, created.text).toBe(201);
    const id = (created.body as { id: string }).id;
    const listed = await send(baseUrl, '/api/v1/media', { headers: owner.auth });
    expectConforms(contract.listMedia, listed);
    expect((listed.body as { data: { id: string }[] }).data.map((item) => item.id)).toContain(id);
    const renamed = await send(baseUrl, `/api/v1/media/${id}`, { method: 'PATCH', headers: owner.auth, json: { name: 'Second' } });
    expectConforms(contract.updateMedia, renamed);
    expect((renamed.body as { name: string }).name).toBe('Second');
    const deleted = await send(baseUrl, `/api/v1/media/${id}`, { method: 'DELETE', headers: owner.auth });
    expect(deleted.status, deleted.text).toBe(204);
    const gone = await send(baseUrl, `/api/v1/media/${id}`, { headers: owner.auth });
    expectConforms(contract.getMedia, gone);
    expect(gone.status).toBe(404);
  });
});
