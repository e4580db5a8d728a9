import { z } from '../zod.ts';
import { ERROR_CODES } from './errors.ts';

const problemFields = {
  type: z.string().openapi({
    description: 'A URI naming the problem type (`urn:folio:problem:<code>`).',
    example: 'urn:folio:problem:post_not_found',
  }),
  title: z.string().openapi({ description: 'A short, human-readable summary of the problem type.', example: 'Post not found' }),
  status: z.number().int().min(400).max(599).openapi({ description: 'The HTTP status code of this response.', example: 404 }),
  detail: z.string().openapi({
    description: 'A human-readable explanation specific to this occurrence.',
    example: 'No post has the id post_01jdq8m4k2c9v7x3n5r6t8w0yz.',
  }),
  code: z.enum(ERROR_CODES).openapi({
    description: 'A stable machine-readable code. Clients must tolerate codes they do not know.',
    example: 'post_not_found',
  }),
  request_id: z.string().openapi({
    description: 'The id of the request, also sent as the `X-Request-Id` header. Quote it when reporting a problem.',
    example: 'req_4f8c2a1e9b7d4c3a8e6f1b2d3c4a5e6f',
  }),
};

/** An RFC 9457 problem document (`application/problem+json`). */
export const Problem = z.object(problemFields).openapi('Problem', {
  description: 'An RFC 9457 problem: what went wrong, with a stable `code` and the `request_id`.',
});

export const FieldIssue = z
  .object({
    pointer: z.string().openapi({
      description:
        'A JSON Pointer into the request: `/body/...` for the body, `/query/<name>`, `/params/<name>` or `/headers/<name>`.',
      example: '/body/title',
    }),
    message: z.string().openapi({ description: 'What is wrong with the value there.', example: 'Too small: expected string to have >=1 characters' }),
  })
  .openapi('FieldIssue', { description: 'One thing wrong with one part of the request.' });

/** A 400 problem that lists every issue found, not just the first. */
export const ValidationProblem = z
  .object({
    ...problemFields,
    code: z.enum(['validation_failed', 'malformed_json']).openapi({
      description: 'Why the request was refused: a schema violation, or a body that is not JSON.',
      example: 'validation_failed',
    }),
    status: z.literal(400).openapi({ description: 'Always 400.', example: 400 }),
    errors: z.array(FieldIssue).openapi({ description: 'Every issue found in the request.' }),
  })
  .openapi('ValidationProblem', {
    description: 'An RFC 9457 problem for a request that failed validation, listing every issue.',
  });

export type ProblemBody = z.infer<typeof Problem>;
export type ValidationProblemBody = z.infer<typeof ValidationProblem>;
