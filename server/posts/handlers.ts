import { expandPath } from '../../contracts/operation.ts';
import * as contract from '../../contracts/posts/operations.ts';
import { isFailure } from '../failure.ts';
import { bind } from '../http/bind.ts';
import { respond } from '../http/respond.ts';
import { postsPage, streamPostsCsv } from './list.ts';
import * as posts from './service.ts';

export const createPost = bind(contract.createPost, async ({ body, caller }) => {
  const post = await posts.createPost(body, caller.userId);
  if (isFailure(post)) return post;
  return { status: 201, body: post, headers: { Location: expandPath(contract.getPost.path, { postId: post.id }) } };
});

export const getPost = bind(contract.getPost, async ({ params, caller }) => respond(200, await posts.getPost(params.postId, caller)));

export const listPosts = bind(contract.listPosts, async ({ query, caller, mediaType }) => {
  if (mediaType !== 'text/csv') return respond(200, await postsPage(query, caller));
  const stream = streamPostsCsv(query, caller);
  return isFailure(stream) ? stream : { status: 200, stream };
});

export const updatePost = bind(contract.updatePost, async ({ params, body, caller, ifMatch }) =>
  respond(200, await posts.updatePost(params.postId, body, caller, ifMatch)),
);

export const deletePost = bind(contract.deletePost, async ({ params, caller, ifMatch }) =>
  respond(204, await posts.deletePost(params.postId, caller, ifMatch)),
);
