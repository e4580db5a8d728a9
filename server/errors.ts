import { PIPELINE_ERRORS, type ErrorDefinition, type PipelineCode } from '../contracts/shared/errors.ts';
import type { FieldIssue } from './http/issues.ts';

/**
 * A problem raised by the request pipeline (validation, auth, limits, body reading …) — thrown,
 * since it stops the request wherever it arises. Every operation declares these implicitly
 * (contracts/operation.ts operationErrors). Domain failures are returned instead (./failure.ts).
 * `detail` is safe to show to clients.
 */
export class AppError extends Error {
  readonly error: ErrorDefinition;
  readonly detail: string;
  readonly errors?: FieldIssue[];
  readonly headers?: Record<string, string>;

  constructor(code: PipelineCode, detail?: string, extra: { errors?: FieldIssue[]; headers?: Record<string, string> } = {}) {
    const error = PIPELINE_ERRORS[code];
    super(detail ?? error.title);
    this.name = 'AppError';
    this.error = error;
    this.detail = detail ?? `${error.title}.`;
    this.errors = extra.errors;
    this.headers = extra.headers;
  }

  get code(): PipelineCode {
    return this.error.code as PipelineCode;
  }
}
