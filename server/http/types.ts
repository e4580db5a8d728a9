import type { z } from 'zod';
import type { OperationSpec } from '../../contracts/operation.ts';
import type { Failure } from '../failure.ts';
import type { Caller } from '../identity/caller.ts';
import type { BinaryBodyFor, MultipartBody } from './binary-types.ts';

type Part<R, K extends string> = R extends { [P in K]: infer S extends z.ZodType } ? z.output<S> : Record<string, never>;
type BodyOf<R> = R extends { body: { schema: infer S extends z.ZodType; raw: true } }
  ? RawBody<z.output<S>>
  : R extends { body: { schema: infer S extends z.ZodType } }
    ? z.output<S>
    : R extends { multipart: infer M }
      ? MultipartBody<M>
      : undefined;

/**
 * A signed (`raw`) body as its handler gets it: the exact bytes, to verify before anything reads
 * them, and `parse()` to read them afterwards — JSON, validated by the contract's schema, throwing
 * the same 400 problems (`malformed_json`, `validation_failed`) as any other body.
 */
export interface RawBody<T> {
  /** The body exactly as sent (no bytes when there was none). */
  bytes: Uint8Array;
  parse(): T;
}

/** What a handler receives: every part of the request, parsed and typed by its contract. */
export interface HandlerInput<Op extends OperationSpec> {
  params: Part<Op['request'], 'params'>;
  query: Part<Op['request'], 'query'>;
  headers: Part<Op['request'], 'headers'>;
  body: BodyOf<Op['request']>;
  /** The authenticated caller: always present for `bearer`, maybe for `optional`, never for `public`. */
  caller: Op['auth'] extends { type: 'bearer' } ? Caller : Op['auth'] extends { type: 'optional' } ? Caller | null : null;
  /** Conditional writes: the If-Match the client sent, for the service to check inside its transaction. */
  ifMatch: Op['conditional'] extends 'write' ? string | undefined : undefined;
  /** The media type negotiated from Accept for the success response. */
  mediaType: string;
  requestId: string;
  /** Aborted when the client goes away: long-running work (an event stream) stops with it. */
  signal: AbortSignal;
  /** Who is calling, for per-caller limits: `user:<id>` with a token, else `ip:<address>` (as rate limits count). */
  clientKey: string;
}

/** Flattens an intersection into one object type, so literals get excess-property checks. */
type Simplify<T> = { [K in keyof T]: T[K] } & {};

type ResponseFor<Status, R> = Simplify<{ status: Status } & (R extends {
  content: { schema: infer S extends z.ZodType };
}
  ? { body: z.input<S> }
  : R extends { binary: infer B }
    ? { binary: BinaryBodyFor<B>; body?: undefined }
    : { body?: undefined }) &
  (R extends { headers: infer H extends z.ZodObject } ? { headers: z.input<H> } : { headers?: undefined })>;

/** A stream of events, where the contract declares one: the envelopes, as the contract types them. */
type EventStreamFor<Status, R> = R extends { stream: { events: infer E extends Record<string, z.ZodType> } }
  ? { status: Status; events: AsyncIterable<z.input<E[keyof E]>> }
  : never;

/** A streamed alternative representation (e.g. CSV), where the contract offers one. */
type AlternativeFor<Status, R> = R extends { alternative: { mediaType: string } }
  ? { status: Status; stream: ReadableStream<Uint8Array> }
  : never;

/**
 * What a handler may return: exactly one of the responses its contract declares, with that
 * response's body and headers — or a failure its contract lists in `errors`. Any other status
 * or failure does not compile.
 */
export type HandlerResult<Op extends OperationSpec> =
  | {
      [S in keyof Op['responses'] & number]:
        | (NonNullable<Op['responses'][S]> extends { stream: object } ? never : ResponseFor<S, NonNullable<Op['responses'][S]>>)
        | AlternativeFor<S, NonNullable<Op['responses'][S]>>
        | EventStreamFor<S, NonNullable<Op['responses'][S]>>;
    }[keyof Op['responses'] & number]
  | Failure<Op['errors'][number]>;

export type Handler<Op extends OperationSpec> = (input: HandlerInput<Op>) => Promise<HandlerResult<Op>>;

/** The shape Next.js calls route handlers with. */
export type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };
export type RouteHandler = (request: Request, context: RouteContext) => Promise<Response>;
export type RouteHandlers = Record<'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS', RouteHandler>;

/** A contract joined to its handler, ready to be mounted by `route()`. */
export interface BoundOperation<Op extends OperationSpec = OperationSpec> {
  readonly contract: Op;
  readonly handle: RouteHandler;
}
