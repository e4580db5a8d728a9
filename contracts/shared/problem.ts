import { z } from '../zod.ts';
import { problemType, type ErrorDefinition } from './errors.ts';

const problemFields = {
  type: z.string().openapi({
    description: 'A URI reference to the page that explains this problem type (`/problems/<code>`, on the API’s origin).',
    example: '/problems/post_not_found',
  }),
  title: z.string().openapi({ description: 'A short, human-readable summary of the problem type.', example: 'Post not found' }),
  status: z.number().int().min(400).max(599).openapi({ description: 'The HTTP status code of this response.', example: 404 }),
  detail: z.string().openapi({
    description: 'A human-readable explanation specific to this occurrence.',
    example: 'No post has the id post_01jdq8m4k2c9v7x3n5r6t8w0yz.',
  }),
  code: z.string().openapi({
    description: 'A stable machine-readable code. Each operation lists the codes it can answer with; clients must tolerate codes they do not know.',
    example: 'post_not_found',
  }),
  request_id: z.string().openapi({
    description: 'The id of the request, also sent as the `X-Request-Id` header. Quote it when reporting a problem.',
    example: 'req_4f8c2a1e9b7d4c3a8e6f1b2d3c4a5e6f',
  }),
  trace_id: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional()
    .openapi({
      description: 'The OpenTelemetry trace of the request, when the server records traces: quote it too, it finds every span of the request.',
      example: '4bf92f3577b34da6a3ce929d0e0e4736',
    }),
};

/** Any RFC 9457 problem (`application/problem+json`): what every problem body has in common. */
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

/** Problems about the request's values list every issue found, not just the first. */
const WITH_ISSUES = new Set(['validation_failed', 'malformed_json']);

const pascal = (code: string) => code.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());

/** The component name of a problem code's schema: `slug_taken` → `SlugTakenProblem`. */
export const problemSchemaName = (code: string) => `${pascal(code)}Problem`;

const schemas = new Map<string, z.ZodObject>();

/**
 * The schema of one problem code: a Problem whose `code`, `status` and `type` are that code's,
 * named in the document (`SlugTakenProblem`) so that clients can tell problems apart by `code`.
 * Built once per code.
 */
export function problemSchema(error: ErrorDefinition): z.ZodObject {
  let schema = schemas.get(error.code);
  if (!schema) {
    schema = Problem.extend({
      type: z.literal(problemType(error.code)).openapi({ description: `This problem’s page: ${problemType(error.code)}.` }),
      status: z.literal(error.status).openapi({ type: 'integer', enum: [error.status], description: `Always ${error.status}.` }),
      code: z.literal(error.code).openapi({ description: `Always \`${error.code}\`.` }),
      ...(WITH_ISSUES.has(error.code) && { errors: z.array(FieldIssue).openapi({ description: 'Every issue found in the request.' }) }),
    }).openapi(problemSchemaName(error.code), {
      description: `\`${error.code}\` (${error.status}): ${error.title}. ${error.explanation} [What to do](${problemType(error.code)}).`,
    });
    schemas.set(error.code, schema);
  }
  return schema;
}
