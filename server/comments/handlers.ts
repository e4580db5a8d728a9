import * as contract from '../../contracts/comments/operations.ts';
import { expandPath } from '../../contracts/operation.ts';
import { isFailure } from '../failure.ts';
import { bind } from '../http/bind.ts';
import { respond } from '../http/respond.ts';
import * as comments from './service.ts';

export const listComments = bind(contract.listComments, async ({ params, query, caller }) =>
  respond(200, await comments.listComments(params.postId, query, caller)),
);

export const createComment = bind(contract.createComment, async ({ params, body, caller }) => {
  const comment = await comments.createComment(params.postId, body.body, caller);
  if (isFailure(comment)) return comment;
  const location = expandPath(contract.getComment.path, { postId: comment.post_id, commentId: comment.id });
  return { status: 201, body: comment, headers: { Location: location } };
});

export const getComment = bind(contract.getComment, async ({ params, caller }) =>
  respond(200, await comments.getComment(params.postId, params.commentId, caller)),
);

export const updateComment = bind(contract.updateComment, async ({ params, body, caller, ifMatch }) =>
  respond(200, await comments.updateComment(params.postId, params.commentId, body.body, caller, ifMatch)),
);

export const deleteComment = bind(contract.deleteComment, async ({ params, caller, ifMatch }) =>
  respond(204, await comments.deleteComment(params.postId, params.commentId, caller, ifMatch)),
);
