import { defineError } from '../shared/errors.ts';

export const commentNotFound = defineError({
  code: 'comment_not_found',
  status: 404,
  title: 'Comment not found',
  explanation: 'The post has no comment with this id.',
  remedy: 'Check both ids: a comment is addressed under the post it belongs to.',
});
