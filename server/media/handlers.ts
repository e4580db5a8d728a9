import * as contract from '../../contracts/media/operations.ts';
import { expandPath } from '../../contracts/operation.ts';
import { isFailure } from '../failure.ts';
import { bind } from '../http/bind.ts';
import { respond } from '../http/respond.ts';
import * as media from './service.ts';

export const listMedia = bind(contract.listMedia, async ({ query, caller }) => respond(200, await media.listMedia(query, caller)));

export const createMedia = bind(contract.createMedia, async ({ body, caller }) => {
  const created = await media.uploadMedia(body, caller);
  if (isFailure(created)) return created;
  return { status: 201, body: created, headers: { Location: expandPath(contract.getMedia.path, { mediaId: created.id }) } };
});

export const getMedia = bind(contract.getMedia, async ({ params, caller }) => respond(200, await media.getMedia(params.mediaId, caller)));

export const getMediaContent = bind(contract.getMediaContent, async ({ params, headers, caller }) =>
  media.mediaContent(params.mediaId, caller, headers),
);

export const updateMedia = bind(contract.updateMedia, async ({ params, body, caller, ifMatch }) =>
  respond(200, await media.updateMedia(params.mediaId, body, caller, ifMatch)),
);

export const deleteMedia = bind(contract.deleteMedia, async ({ params, caller, ifMatch }) =>
  respond(204, await media.deleteMedia(params.mediaId, caller, ifMatch)),
);
