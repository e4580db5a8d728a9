import { z } from '../zod.ts';
import { defineOperation, json } from '../operation.ts';
import { bearer, optionalBearer } from '../shared/auth.ts';
import { paginationQuery } from '../shared/pagination.ts';
import { PostId } from '../posts/schemas.ts';
import { Comment, CommentCreate, CommentId, CommentPage, CommentUpdate, commentExample } from './schemas.ts';
import { PIPELINE_ERRORS } from '../shared/errors.ts';
import { postNotFound } from '../posts/errors.ts';
import { commentNotFound } from './errors.ts';
import { defineResource } from '../resource.ts';

const TAG = 'Comments';
const tags = [TAG] as const;
const onPost = z.object({ postId: PostId });
const byId = z.object({ postId: PostId, commentId: CommentId });
const fromCreated = (operationId: string, description: string) => ({
  operationId,
  parameters: { postId: '$response.body#/post_id', commentId: '$response.body#/id' },
  description,
});

export const listComments = defineOperation({
  operationId: 'listComments',
  method: 'get',
  path: '/api/v1/posts/{postId}/comments',
  summary: 'List comments',
  description: 'Lists a post’s comments, oldest first, a page at a time. The post must be visible to the caller.',
  tags,
  auth: optionalBearer,
  cache: 'public',
  request: { params: onPost, query: z.object(paginationQuery) },
  responses: { 200: { description: 'A page of comments.', content: json(CommentPage, { data: [commentExample], has_more: false, next_cursor: null }) } },
  errors: [postNotFound],
});

export const createComment = defineOperation({
  operationId: 'createComment',
  method: 'post',
  path: '/api/v1/posts/{postId}/comments',
  summary: 'Comment on a post',
  description: 'Adds a comment to a post the caller can see. Needs `comments:write`.',
  tags,
  auth: bearer('comments:write'),
  idempotent: true,
  request: { params: onPost, body: { description: 'The comment.', ...json(CommentCreate, { body: 'Great post — thanks!' }) } },
  responses: {
    201: {
      description: 'The comment was added.',
      content: json(Comment, commentExample),
      headers: z.object({
        Location: z.string().openapi({
          description: 'The URL of the new comment.',
          example: '/api/v1/posts/post_01jdq8m4k2c9v7x3n5r6t8w0yz/comments/cmt_01jdq9a7b3c5d7e9f1g3h5j7k9',
        }),
      }),
      links: {
        GetComment: fromCreated('getComment', 'Read the new comment.'),
        UpdateComment: fromCreated('updateComment', 'Edit the new comment.'),
        DeleteComment: fromCreated('deleteComment', 'Delete the new comment.'),
      },
    },
  },
  errors: [postNotFound],
});

export const getComment = defineOperation({
  operationId: 'getComment',
  method: 'get',
  path: '/api/v1/posts/{postId}/comments/{commentId}',
  summary: 'Get a comment',
  description: 'Returns one comment of a post the caller can see.',
  tags,
  auth: optionalBearer,
  conditional: 'read',
  cache: 'public',
  request: { params: byId },
  responses: { 200: { description: 'The comment.', content: json(Comment, commentExample) } },
  errors: [postNotFound, commentNotFound],
});

export const updateComment = defineOperation({
  operationId: 'updateComment',
  method: 'patch',
  path: '/api/v1/posts/{postId}/comments/{commentId}',
  summary: 'Edit a comment',
  description: 'Replaces a comment’s text. Only its author (or an admin) may. Needs `comments:write`.',
  tags,
  auth: bearer('comments:write'),
  conditional: 'write',
  request: { params: byId, body: { description: 'The new text.', ...json(CommentUpdate, { body: 'Great post — thanks again!' }) } },
  responses: { 200: { description: 'The edited comment.', content: json(Comment, { ...commentExample, body: 'Great post — thanks again!' }) } },
  errors: [postNotFound, commentNotFound, PIPELINE_ERRORS.forbidden, PIPELINE_ERRORS.precondition_failed],
});

export const deleteComment = defineOperation({
  operationId: 'deleteComment',
  method: 'delete',
  path: '/api/v1/posts/{postId}/comments/{commentId}',
  summary: 'Delete a comment',
  description: 'Deletes a comment. Its author, the post’s author and admins may. Needs `comments:write`.',
  tags,
  auth: bearer('comments:write'),
  conditional: 'write',
  request: { params: byId },
  responses: { 204: { description: 'The comment was deleted.' } },
  errors: [postNotFound, commentNotFound, PIPELINE_ERRORS.forbidden, PIPELINE_ERRORS.precondition_failed],
});

export const comments = defineResource({
  tag: { name: TAG, description: 'Readers’ comments on posts.' },
  operations: [listComments, createComment, getComment, updateComment, deleteComment],
});
