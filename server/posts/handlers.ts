import { expandPath } from '../../contracts/operation.ts';
import * as contract from '../../contracts/posts/operations.ts';
import { bind } from '../http/bind.ts';
import * as posts from './service.ts';

export const createPost = bind(contract.createPost, async ({ body, caller }) => {
  const post = await posts.createPost(body, caller.userId);
  return { status: 201, body: post, headers: { Location: expandPath(contract.getPost.path, { postId: post.id }) } };
});

export const getPost = bind(contract.getPost, async ({ params, caller }) => ({
  status: 200,
  body: await posts.getPost(params.postId, caller),
}));

export const listPosts = bind(contract.listPosts, async ({ query, caller }) => ({
  status: 200,
  body: await posts.listPosts(query, caller),
}));

export const updatePost = bind(contract.updatePost, async ({ params, body, caller }) => ({
  status: 200,
  body: await posts.updatePost(params.postId, body, caller),
}));

export const deletePost = bind(contract.deletePost, async ({ params, caller }) => {
  await posts.deletePost(params.postId, caller);
  return { status: 204 };
});
