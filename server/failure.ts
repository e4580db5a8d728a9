import type { ErrorDefinition } from '../contracts/shared/errors.ts';

/**
 * A domain failure, returned — not thrown — by a service: "no such post", "slug taken". Its
 * definition (code, status) comes from the contracts, and its type travels in the service's
 * return type up to the handler, whose contract must list it: a handler that can return a
 * failure its operation does not declare does not compile (server/http/types.ts HandlerResult).
 */
export interface Failure<E extends ErrorDefinition = ErrorDefinition> {
  readonly failure: E;
  /** Safe to show to the client: it becomes the problem's `detail`. */
  readonly detail: string;
  readonly headers?: Record<string, string>;
}

export function fail<const E extends ErrorDefinition>(failure: E, detail: string, headers?: Record<string, string>): Failure<E> {
  return { failure, detail, ...(headers && { headers }) };
}

export function isFailure(value: unknown): value is Failure {
  return typeof value === 'object' && value !== null && 'failure' in value && 'detail' in value;
}

/** The result of a service: the value, or the failure that stands in for it. */
export type Outcome<T, E extends ErrorDefinition> = T | Failure<E>;
