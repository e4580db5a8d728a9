import { defineError } from '../shared/errors.ts';

export const postNotFound = defineError({
  code: 'post_not_found',
  status: 404,
  title: 'Post not found',
  explanation: 'No post has this id — or it is a draft, which exists only for its author (reading with `posts:read`) and administrators.',
  remedy: 'Check the id; to read your own draft, use a token with `posts:read`.',
});

export const slugTaken = defineError({
  code: 'slug_taken',
  status: 409,
  title: 'Slug already in use',
  explanation: 'A published post, or another of your own posts, already uses this slug. Slugs are unique among published posts and among one author’s posts.',
  remedy: 'Choose another slug, or leave `slug` out to have one derived from the title.',
});

export const coverMediaInvalid = defineError({
  code: 'cover_media_invalid',
  status: 422,
  title: 'Cover media is not the author’s',
  explanation: '`cover_media_id` names no media that the post’s author uploaded. A post can show only its author’s own media.',
  remedy: 'Upload the image first (`POST /api/v1/media`) as the post’s author, and send its `id`; or send null for no cover.',
});
