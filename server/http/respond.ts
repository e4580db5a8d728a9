import { isFailure, type Failure } from '../failure.ts';

/**
 * A handler's usual answer: a service's value as the `status` response — or, when the service
 * returned a failure instead, that failure (which the binding turns into its problem). The
 * failure keeps its type, so the contract must list it.
 */
export function respond<const S extends number, V>(status: S, value: V): { status: S; body: Exclude<V, Failure> } | Extract<V, Failure> {
  return isFailure(value) ? (value as Extract<V, Failure>) : { status, body: value as Exclude<V, Failure> };
}
