import { ERRORS, type ErrorCode } from '../contracts/shared/errors.ts';
import type { FieldIssue } from './http/issues.ts';

/**
 * The one error class services and the binding throw. It carries a code from the catalogue in
 * contracts/shared/errors.ts, which fixes its HTTP status; `detail` is safe to show to clients.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string;
  readonly errors?: FieldIssue[];
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, detail?: string, extra: { errors?: FieldIssue[]; headers?: Record<string, string> } = {}) {
    super(detail ?? ERRORS[code].title);
    this.name = 'AppError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.detail = detail ?? `${ERRORS[code].title}.`;
    this.errors = extra.errors;
    this.headers = extra.headers;
  }
}
