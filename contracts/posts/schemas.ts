import { z } from '../zod.ts';
import { identifier, KEBAB, text, Timestamp } from '../shared/primitives.ts';
import { page } from '../shared/pagination.ts';
import { User, userExample } from '../users/schemas.ts';
import { MediaId } from '../media/schemas.ts';

const CoverMediaId = MediaId.nullable().openapi({
  description: 'The media shown with the post (its cover image), or null. It must be media the post’s author uploaded; while a published post shows it, anyone may read it.',
  example: 'media_01jdq8m4k2c9v7x3n5r6t8w0yz',
});

export const PostId = identifier('post', 'The post’s opaque identifier.', 'post_01jdq8m4k2c9v7x3n5r6t8w0yz');

// Inline rather than a named component, so each use can carry its own description.
export const PostStatus = z.enum(['draft', 'published']).openapi({
  description: '`draft` posts are not public; `published` posts are. New values may be added: tolerate unknown ones.',
  example: 'published',
});

export const Slug = z
  .string()
  .min(1)
  .max(100)
  .regex(KEBAB)
  .openapi({
    description:
      'URL-safe name: lowercase words joined by hyphens. Unique among published posts and among one author’s posts ' +
      '(another user’s draft never conflicts; it must pick a free slug when it is published).',
    example: 'hello-world',
  });

// As sent: posts written before titles had to contain a visible character may have a blank one.
const Title = text({ min: 1, max: 200 }).openapi({ description: 'The headline.', example: 'Hello, world' });
const NewTitle = text({ min: 1, max: 200, nonBlank: true }).openapi({ description: 'The headline: not only whitespace.', example: 'Hello, world' });
const Body = text({ max: 100_000 }).openapi({
  description: 'The content, in Markdown (CommonMark).',
  example: '# Hello\n\nThis is **Folio**.',
});
const Excerpt = text({ max: 500 }).openapi({
  description: 'A short summary for listings.',
  example: 'A first post on Folio.',
});
export const Tag = z
  .string()
  .min(1)
  .max(40)
  .regex(KEBAB)
  .openapi({ description: 'A tag: lowercase words joined by hyphens.', example: 'announcements' });
const Tags = z
  .array(Tag)
  .max(20)
  .openapi({ description: 'Up to 20 tags. Duplicates are dropped, first occurrence kept.', example: ['announcements', 'release-notes'] });

export const Post = z
  .object({
    id: PostId,
    slug: Slug,
    title: Title,
    body: Body,
    excerpt: Excerpt.openapi({
      description: 'The author’s summary, or, when none was given, the start of the body as plain text (at most 280 characters).',
    }),
    status: PostStatus,
    tags: Tags,
    author: User,
    created_at: Timestamp.openapi({ description: 'When the post was created (RFC 3339, UTC).' }),
    updated_at: Timestamp.openapi({ description: 'When the post last changed (RFC 3339, UTC).' }),
    published_at: Timestamp.nullable().openapi({
      description: 'When the post was published (RFC 3339, UTC); null while it is a draft.',
      example: '2026-11-21T09:30:00.000Z',
    }),
    cover_media_id: CoverMediaId,
  })
  .openapi('Post', { description: 'A post: a titled Markdown document, draft or published.' });

export const postExample: z.input<typeof Post> = {
  id: 'post_01jdq8m4k2c9v7x3n5r6t8w0yz',
  slug: 'hello-world',
  title: 'Hello, world',
  body: '# Hello\n\nThis is **Folio**.',
  excerpt: 'Hello This is Folio.',
  status: 'published',
  tags: ['announcements'],
  author: userExample,
  created_at: '2026-11-21T09:30:00.000Z',
  updated_at: '2026-11-21T09:30:00.000Z',
  published_at: '2026-11-21T09:30:00.000Z',
  cover_media_id: null,
};

export const PostCreate = z
  .strictObject({
    title: NewTitle,
    body: Body.optional().openapi({ description: 'The content, in Markdown. Defaults to empty.' }),
    slug: Slug.optional().openapi({
      description: 'The slug to use. When omitted it is derived from the title, with a numeric suffix if taken; when given and taken, the request fails with 409.',
    }),
    excerpt: Excerpt.optional().openapi({ description: 'A short summary. When omitted, derived from the body.' }),
    status: PostStatus.optional().openapi({ description: 'Defaults to `draft`.' }),
    tags: Tags.optional().openapi({ description: 'Defaults to no tags.' }),
    cover_media_id: CoverMediaId.optional().openapi({ description: 'Media of yours to show with the post. Defaults to none.' }),
  })
  .openapi('PostCreate', { description: 'A new post. Only the title is required.' });

export const PostUpdate = z
  .strictObject({
    title: NewTitle.optional(),
    body: Body.optional(),
    slug: Slug.optional().openapi({ description: 'A new slug; 409 when another post has it.' }),
    excerpt: Excerpt.nullable()
      .optional()
      .openapi({ description: 'A new summary; null to go back to one derived from the body.' }),
    status: PostStatus.optional().openapi({
      description: 'Publishing sets `published_at`; returning to `draft` clears it.',
    }),
    tags: Tags.optional().openapi({ description: 'Replaces the tags.' }),
    cover_media_id: CoverMediaId.optional().openapi({ description: 'Media of the author’s to show with the post; null for none.' }),
  })
  .openapi('PostUpdate', { description: 'A partial update: only the fields present change.' });

/** How many terms of a search count (`q`); the rest are ignored, so a search's cost is bounded. */
export const SEARCH_MAX_TERMS = 16;

export const PostPage = page(Post, 'PostPage', 'A page of posts, newest first.');

export type PostResource = z.infer<typeof Post>;
export type PostCreateInput = z.infer<typeof PostCreate>;
export type PostUpdateInput = z.infer<typeof PostUpdate>;
export type PostStatusValue = z.infer<typeof PostStatus>;
