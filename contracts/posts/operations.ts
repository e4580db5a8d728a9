import { z } from '../zod.ts';
import { defineOperation, json } from '../operation.ts';
import { bearer, optionalBearer } from '../shared/auth.ts';
import { paginationQuery } from '../shared/pagination.ts';
import { text } from '../shared/primitives.ts';
import { Username } from '../users/schemas.ts';
import { Post, PostCreate, PostId, PostPage, PostStatus, PostUpdate, SEARCH_MAX_TERMS, Tag, postExample } from './schemas.ts';
import { PIPELINE_ERRORS } from '../shared/errors.ts';
import { coverMediaInvalid, postNotFound, slugTaken } from './errors.ts';
import { defineResource } from '../resource.ts';

const TAG = 'Posts';
const tags = [TAG] as const;
const byId = z.object({ postId: PostId });

/** Create → read, update and delete of the same post: the chain stateful fuzzing walks. */
const linksFromCreated = {
  GetPost: { operationId: 'getPost', parameters: { postId: '$response.body#/id' }, description: 'Read the new post.' },
  UpdatePost: { operationId: 'updatePost', parameters: { postId: '$response.body#/id' }, description: 'Change the new post.' },
  DeletePost: { operationId: 'deletePost', parameters: { postId: '$response.body#/id' }, description: 'Delete the new post.' },
};

export const createPost = defineOperation({
  operationId: 'createPost',
  method: 'post',
  path: '/api/v1/posts',
  summary: 'Create a post',
  description:
    'Creates a post, a draft unless `status` says otherwise. The slug is derived from the title when not given. ' +
    'Answers 201 with the post and its URL in `Location`. The caller becomes its author. Needs `posts:write`.',
  tags,
  auth: bearer('posts:write'),
  idempotent: true,
  request: {
    body: {
      description: 'The new post.',
      ...json(PostCreate, { title: 'Hello, world', body: '# Hello\n\nThis is **Folio**.', status: 'published', tags: ['announcements'] }),
    },
  },
  responses: {
    201: {
      description: 'The post was created.',
      content: json(Post, postExample),
      headers: z.object({
        Location: z.string().openapi({ description: 'The URL of the new post.', example: '/api/v1/posts/post_01jdq8m4k2c9v7x3n5r6t8w0yz' }),
      }),
      links: linksFromCreated,
    },
  },
  errors: [slugTaken, coverMediaInvalid],
});

export const getPost = defineOperation({
  operationId: 'getPost',
  method: 'get',
  path: '/api/v1/posts/{postId}',
  summary: 'Get a post',
  description:
    'Returns one post by its id. Published posts are public; a draft is visible only to its author (with `posts:read`) ' +
    'and to admins — to anyone else it does not exist (404).',
  tags,
  auth: optionalBearer,
  conditional: 'read',
  cache: 'public',
  request: { params: byId },
  responses: { 200: { description: 'The post.', content: json(Post, postExample) } },
  errors: [postNotFound],
});

export const listPosts = defineOperation({
  operationId: 'listPosts',
  method: 'get',
  path: '/api/v1/posts',
  summary: 'List posts',
  description:
    'Lists posts newest first (by creation time, then id), a page at a time. Follow `next_cursor` until `has_more` is false; ' +
    'the order is stable while posts are added. Published posts are public; `status=draft` lists the caller’s own drafts ' +
    '(every draft for admins) and needs a token with `posts:read`.',
  tags,
  auth: optionalBearer,
  cache: 'public',
  request: {
    query: z.object({
      ...paginationQuery,
      tag: z
        .array(Tag)
        .max(10)
        .optional()
        .openapi({ description: 'Only posts with every one of these tags, e.g. `announcements`. Repeat it (`?tag=a&tag=b`) for several.', example: undefined }),
      author: Username.optional().openapi({ description: 'Only posts by this user (username), e.g. `ada_lovelace`.', example: undefined }),
      q: text({ min: 1, max: 200 })
        .optional()
        .openapi({
          description:
            'Full-text search over title and body (English stemming; web-search syntax: every word must match, ' +
            '"a phrase" matches its words in order, within the title or within the body, `or` between two terms lets either match — next to an exclusion it joins nothing —, ' +
            '`-word` excludes posts with the word in their title or body). ' +
            `Only the first ${SEARCH_MAX_TERMS} terms count; a search of exclusions alone (or with only stop words and punctuation besides) matches nothing. Results are ranked: posts ` +
            'whose title matches first, then posts that match in the body; newest first within each. For example `release notes`.',
          example: undefined,
        }),
      status: PostStatus.default('published').openapi({
        description: 'Only posts with this status; `draft` needs a token with `posts:read`.',
        example: 'published',
      }),
    }),
  },
  responses: {
    200: {
      description: 'A page of posts; or, with `Accept: text/csv`, every matching post from `cursor` on, streamed.',
      content: json(PostPage, { data: [postExample], has_more: false, next_cursor: null }),
      alternative: {
        mediaType: 'text/csv',
        description:
          'RFC 4180 CSV with a header row: id, slug, title, status, tags (space-separated), author (username), excerpt, ' +
          'body, created_at, updated_at, published_at. Cells starting with = + - @ are prefixed with an apostrophe so ' +
          'spreadsheets do not run them as formulas. `limit` does not apply: every match is streamed.',
        example:
          'id,slug,title,status,tags,author,excerpt,body,created_at,updated_at,published_at\r\n' +
          'post_01jdq8m4k2c9v7x3n5r6t8w0yz,hello-world,"Hello, world",published,announcements,ada_lovelace,Hello This is Folio.,' +
          '"# Hello\n\nThis is **Folio**.",2026-11-21T09:30:00.000Z,2026-11-21T09:30:00.000Z,2026-11-21T09:30:00.000Z\r\n',
      },
    },
  },
  errors: [PIPELINE_ERRORS.unauthorized, PIPELINE_ERRORS.forbidden],
});

export const updatePost = defineOperation({
  operationId: 'updatePost',
  method: 'patch',
  path: '/api/v1/posts/{postId}',
  summary: 'Update a post',
  description:
    'Changes the fields present in the body and leaves the others as they are. Publishing a draft sets `published_at`. ' +
    'Only the author, or an admin, may update a post. Needs `posts:write`.',
  tags,
  auth: bearer('posts:write'),
  conditional: 'write',
  request: {
    params: byId,
    body: { description: 'The fields to change.', ...json(PostUpdate, { title: 'Hello again', status: 'published' }) },
  },
  responses: {
    200: { description: 'The updated post.', content: json(Post, { ...postExample, title: 'Hello again' }) },
  },
  errors: [postNotFound, slugTaken, coverMediaInvalid, PIPELINE_ERRORS.forbidden, PIPELINE_ERRORS.precondition_failed],
});

export const deletePost = defineOperation({
  operationId: 'deletePost',
  method: 'delete',
  path: '/api/v1/posts/{postId}',
  summary: 'Delete a post',
  description:
    'Deletes a post for good. Answers 204 with no body; the post then answers 404. Only the author, or an admin, ' +
    'may delete a post. Needs `posts:write`.',
  tags,
  auth: bearer('posts:write'),
  conditional: 'write',
  request: { params: byId },
  responses: { 204: { description: 'The post was deleted, with its comments.' } },
  errors: [postNotFound, PIPELINE_ERRORS.forbidden, PIPELINE_ERRORS.precondition_failed],
});

export const posts = defineResource({
  tag: { name: TAG, description: 'Titled Markdown documents, drafted and published.' },
  operations: [listPosts, createPost, getPost, updatePost, deletePost],
});
