import { defineError } from '../shared/errors.ts';
import { MAX_IMAGE_SIDE } from './schemas.ts';

export const mediaNotFound = defineError({
  code: 'media_not_found',
  status: 404,
  title: 'Media not found',
  explanation:
    'No media has this id that you may see. Media is visible to its owner (reading with `media:read`) and administrators; anyone may read media that is the cover of a published post.',
  remedy: 'Check the id: list your media with `GET /api/v1/media`.',
});

export const mediaInUse = defineError({
  code: 'media_in_use',
  status: 409,
  title: 'Media in use',
  explanation: 'A post uses this media as its cover, so it cannot be deleted: the post would lose its image.',
  remedy: 'Set the post’s `cover_media_id` to another media or to null (`PATCH /api/v1/posts/{postId}`), then delete the media.',
});

export const mediaQuotaExceeded = defineError({
  code: 'media_quota_exceeded',
  status: 409,
  title: 'Storage quota exceeded',
  explanation: 'Storing this file would take your media past the storage quota of your account.',
  remedy: 'Delete media you no longer need (`DELETE /api/v1/media/{mediaId}`), then upload again.',
});

export const imageTooLarge = defineError({
  code: 'image_too_large',
  status: 422,
  title: 'Image has too many pixels',
  explanation: `The image’s width × height is above the server’s pixel limit, or a side is longer than ${MAX_IMAGE_SIDE.toLocaleString('en')} pixels. Small files can describe huge images (decompression bombs), so this is checked before any pixel is decoded.`,
  remedy: 'Scale the image down and upload it again.',
});

export const mediaUnreadable = defineError({
  code: 'media_unreadable',
  status: 422,
  title: 'Image cannot be read',
  explanation: 'The file starts like an image of an accepted type, but the rest of it is not a readable image of that type.',
  remedy: 'Export the image again from the program that made it, and upload that file.',
});

export const rangeNotSatisfiable = defineError({
  code: 'range_not_satisfiable',
  status: 416,
  title: 'Range not satisfiable',
  explanation: 'The `Range` asks only for bytes past the end of the content. `Content-Range: bytes */<size>` gives its size.',
  remedy: 'Ask for a range within the size `Content-Range` gives, or leave `Range` out for the whole content.',
});
