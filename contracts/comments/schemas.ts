import { z } from '../zod.ts';
import { page } from '../shared/pagination.ts';
import { identifier, text, Timestamp } from '../shared/primitives.ts';
import { PostId } from '../posts/schemas.ts';
import { User, userExample } from '../users/schemas.ts';

export const CommentId = identifier('cmt', 'The comment’s opaque identifier.', 'cmt_01jdq9a7b3c5d7e9f1g3h5j7k9');

// As sent: comments written before bodies had to contain a visible character may be blank.
const CommentBody = text({ min: 1, max: 10_000 }).openapi({ description: 'The comment, in Markdown.', example: 'Great post — thanks!' });
const NewCommentBody = text({ min: 1, max: 10_000, nonBlank: true }).openapi({ description: 'The comment, in Markdown: not only whitespace.', example: 'Great post — thanks!' });

export const Comment = z
  .object({
    id: CommentId,
    post_id: PostId.openapi({ description: 'The post this comment is on.' }),
    body: CommentBody,
    author: User,
    created_at: Timestamp.openapi({ description: 'When the comment was written (RFC 3339, UTC).' }),
    updated_at: Timestamp.openapi({ description: 'When the comment last changed (RFC 3339, UTC).' }),
  })
  .openapi('Comment', { description: 'A comment on a post.' });

export const CommentCreate = z.strictObject({ body: NewCommentBody }).openapi('CommentCreate', { description: 'A new comment.' });
export const CommentUpdate = z.strictObject({ body: NewCommentBody }).openapi('CommentUpdate', { description: 'The new text of a comment.' });

export const CommentPage = page(Comment, 'CommentPage', 'A page of comments, oldest first.');

export const commentExample: z.input<typeof Comment> = {
  id: 'cmt_01jdq9a7b3c5d7e9f1g3h5j7k9',
  post_id: 'post_01jdq8m4k2c9v7x3n5r6t8w0yz',
  body: 'Great post — thanks!',
  author: userExample,
  created_at: '2026-11-21T10:00:00.000Z',
  updated_at: '2026-11-21T10:00:00.000Z',
};

export type CommentResource = z.infer<typeof Comment>;
