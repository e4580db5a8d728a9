import { expandPath } from '../../contracts/operation.ts';
import * as contract from '../../contracts/posts/operations.ts';
import { bind } from '../http/bind.ts';
import * as posts from './service.ts';

export const createPost = bind(contract.createPost, async ({ body }) => {
  const post = await posts.createPost(body);
  return { status: 201, body: post, headers: { Location: expandPath(contract.getPost.path, { postId: post.id }) } };
});

export const getPost = bind(contract.getPost, async ({ params }) => ({
  status: 200,
  body: await posts.getPost(params.postId),
}));

export const listPosts = bind(contract.listPosts, async ({ query }) => ({
  status: 200,
  body: await posts.listPosts(query),
}));

export const updatePost = bind(contract.updatePost, async ({ params, body }) => ({
  status: 200,
  body: await posts.updatePost(params.postId, body),
}));

export const deletePost = bind(contract.deletePost, async ({ params }) => {
  await posts.deletePost(params.postId);
  return { status: 204 };
});
