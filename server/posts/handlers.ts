import { expandPath } from '../../contracts/operation.ts';
import * as contract from '../../contracts/posts/operations.ts';
import { listTags as listTagsContract } from '../../contracts/tags/operations.ts';
import { bind } from '../http/bind.ts';
import { listPosts as list, listTags as tags, streamPostsCsv } from './list.ts';
import * as posts from './service.ts';

export const createPost = bind(contract.createPost, async ({ body, caller }) => {
  const post = await posts.createPost(body, caller.userId);
  return { status: 201, body: post, headers: { Location: expandPath(contract.getPost.path, { postId: post.id }) } };
});

export const getPost = bind(contract.getPost, async ({ params, caller }) => ({
  status: 200,
  body: await posts.getPost(params.postId, caller),
}));

export const listPosts = bind(contract.listPosts, async ({ query, caller, mediaType }) =>
  mediaType === 'text/csv' ? { status: 200, stream: streamPostsCsv(query, caller) } : { status: 200, body: await list(query, caller) },
);

export const updatePost = bind(contract.updatePost, async ({ params, body, caller, ifMatch }) => ({
  status: 200,
  body: await posts.updatePost(params.postId, body, caller, ifMatch),
}));

export const deletePost = bind(contract.deletePost, async ({ params, caller, ifMatch }) => {
  await posts.deletePost(params.postId, caller, ifMatch);
  return { status: 204 };
});

export const listTags = bind(listTagsContract, async () => ({ status: 200, body: { data: await tags() } }));
