import { z } from '../zod.ts';
import { defineOperation, json } from '../operation.ts';
import { publicAccess } from '../shared/auth.ts';
import { Tag } from '../posts/schemas.ts';
import { defineResource } from '../resource.ts';

const TAG = 'Tags';

const TagCount = z
  .object({
    name: Tag,
    count: z.number().int().min(1).max(2_147_483_647).openapi({ description: 'How many published posts carry the tag.', example: 12 }),
  })
  .openapi('TagCount', { description: 'A tag and how often it is used.' });

const TagList = z
  .object({ data: z.array(TagCount).openapi({ description: 'Every tag in use on a published post, most used first, then by name.' }) })
  .openapi('TagList', { description: 'The tags of published posts.' });

export const listTags = defineOperation({
  operationId: 'listTags',
  method: 'get',
  path: '/api/v1/tags',
  summary: 'List tags',
  description: 'Every tag used on a published post, with how many published posts carry it.',
  tags: [TAG],
  auth: publicAccess,
  cache: 'public',
  responses: { 200: { description: 'The tags.', content: json(TagList, { data: [{ name: 'announcements', count: 12 }] }) } },
  errors: [],
});

export const tags = defineResource({
  tag: { name: TAG, description: 'The vocabulary posts are tagged with.' },
  operations: [listTags],
});
