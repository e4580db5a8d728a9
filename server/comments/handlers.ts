import * as contract from '../../contracts/comments/operations.ts';
import { expandPath } from '../../contracts/operation.ts';
import { bind } from '../http/bind.ts';
import * as comments from './service.ts';

export const listComments = bind(contract.listComments, async ({ params, query, caller }) => ({
  status: 200,
  body: await comments.listComments(params.postId, query, caller),
}));

export const createComment = bind(contract.createComment, async ({ params, body, caller }) => {
  const comment = await comments.createComment(params.postId, body.body, caller);
  const location = expandPath(contract.getComment.path, { postId: comment.post_id, commentId: comment.id });
  return { status: 201, body: comment, headers: { Location: location } };
});

export const getComment = bind(contract.getComment, async ({ params, caller }) => ({
  status: 200,
  body: await comments.getComment(params.postId, params.commentId, caller),
}));

export const updateComment = bind(contract.updateComment, async ({ params, body, caller, ifMatch }) => ({
  status: 200,
  body: await comments.updateComment(params.postId, params.commentId, body.body, caller, ifMatch),
}));

export const deleteComment = bind(contract.deleteComment, async ({ params, caller, ifMatch }) => {
  await comments.deleteComment(params.postId, params.commentId, caller, ifMatch);
  return { status: 204 };
});
