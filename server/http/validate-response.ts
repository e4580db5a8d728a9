import type { z } from 'zod';
import type { ResponseValidation } from '../config.ts';

/** Fields present in `sent` that the schema's parse result dropped, as JSON Pointers. */
function undeclaredFields(sent: unknown, parsed: unknown, pointer = ''): string[] {
  if (Array.isArray(sent) && Array.isArray(parsed)) {
    return sent.flatMap((item, i) => undeclaredFields(item, parsed[i], `${pointer}/${i}`));
  }
  if (sent && parsed && typeof sent === 'object' && typeof parsed === 'object') {
    return Object.keys(sent).flatMap((key) =>
      key in parsed
        ? undeclaredFields((sent as Record<string, unknown>)[key], (parsed as Record<string, unknown>)[key], `${pointer}/${key}`)
        : [`${pointer}/${key}`],
    );
  }
  return [];
}

class ResponseContractError extends Error {
  readonly problems: string[];

  constructor(operationId: string, status: number, problems: string[]) {
    super(`${operationId} ${status} response breaks its contract: ${problems.join('; ')}`);
    this.name = 'ResponseContractError';
    this.problems = problems;
  }
}

/**
 * Checks a response body against its schema. `strict` throws on any difference, including
 * undeclared fields; `strip` returns the parsed body, so undeclared fields never leave the server.
 */
export function validateResponseBody(
  schema: z.ZodType,
  body: unknown,
  mode: ResponseValidation,
  where: { operationId: string; status: number },
): unknown {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new ResponseContractError(
      where.operationId,
      where.status,
      result.error.issues.map((i) => `${i.path.join('/')}: ${i.message}`),
    );
  }
  if (mode === 'strict') {
    const extra = undeclaredFields(body, result.data);
    if (extra.length > 0) throw new ResponseContractError(where.operationId, where.status, extra.map((p) => `${p}: undeclared`));
  }
  return result.data;
}
