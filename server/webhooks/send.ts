/**
 * One attempt: POST the signed event to the endpoint and say how it went. The body is sent as the
 * exact string that was signed; redirects are not followed (a 3xx is a failure: following one
 * would let a public URL bounce the request to a private address); the endpoint has
 * FOLIO_WEBHOOK_TIMEOUT (15 s) to answer, and only the first 1024 characters of its answer are
 * kept. Every connection resolves the host through the guarded lookup (./destination.ts).
 */
import http from 'node:http';
import https from 'node:https';
import type { WebhookAttemptResource } from '../../contracts/webhooks/schemas.ts';
import { config } from '../config.ts';
import { AddressRefusedError, destinationOf, guardedLookup } from './destination.ts';
// The one implementation of the Standard Webhooks scheme: the client's, which receivers verify with.
import { signWebhook } from '../../client/src/webhooks.ts';

const USER_AGENT = 'Folio-Webhooks/1.0 (+https://www.standardwebhooks.com)';
const KEPT_BODY = 1024;
const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 32 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 32 }) };

export type Attempt = Omit<WebhookAttemptResource, 'attempted_at'> & { attempted_at: Date };

export interface AttemptOutcome {
  attempt: Attempt;
  /** How long the endpoint asked Folio to wait (Retry-After on 429 and 503), in milliseconds. */
  retryAfterMs?: number;
}

/** Retry-After as seconds or an HTTP date, in milliseconds from now; undefined if absent or unreadable. */
function retryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function failure(started: number, attemptedAt: Date, error: NonNullable<Attempt['error']>): AttemptOutcome {
  return { attempt: { attempted_at: attemptedAt, success: false, status_code: null, latency_ms: Math.round(performance.now() - started), response_body: null, error } };
}

function errorKind(error: unknown): NonNullable<Attempt['error']> {
  if (error instanceof AddressRefusedError) return 'address_refused';
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA') return 'dns_failed';
  if ((error as Error).name === 'AbortError' || (error as Error).name === 'TimeoutError' || code === 'ABORT_ERR') return 'timeout';
  return 'connection_failed';
}

/** Sends `body` (an event as JSON), signed with `secrets` (the current first), and reports the outcome. */
export async function sendWebhook(endpointUrl: string, eventId: string, body: string, secrets: readonly string[]): Promise<AttemptOutcome> {
  const attemptedAt = new Date();
  const started = performance.now();
  const url = new URL(endpointUrl);
  const { literalRefused, nameAllowed } = destinationOf(url);
  if (literalRefused) return failure(started, attemptedAt, 'address_refused');
  const timestamp = Math.floor(attemptedAt.getTime() / 1000);
  // One signature per secret, space-separated, while a rotation overlaps.
  const signature = (await Promise.all(secrets.map((secret) => signWebhook(secret, eventId, timestamp, body)))).join(' ');
  const protocol = url.protocol as 'http:' | 'https:';
  return new Promise<AttemptOutcome>((resolve) => {
    const request = (protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      agent: agents[protocol],
      lookup: guardedLookup(url.hostname, nameAllowed) as never,
      signal: AbortSignal.timeout(config.webhookTimeoutMs),
      headers: {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        'User-Agent': USER_AGENT,
        'webhook-id': eventId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signature,
      },
    });
    request.on('error', (error) => resolve(failure(started, attemptedAt, errorKind(error))));
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      let kept = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        kept += chunk;
        // Enough read: the rest of a large answer is not waited for.
        if (kept.length >= KEPT_BODY) response.destroy();
      });
      const done = () =>
        resolve({
          attempt: {
            attempted_at: attemptedAt,
            success: status >= 200 && status < 300,
            status_code: status >= 100 && status <= 599 ? status : null,
            latency_ms: Math.round(performance.now() - started),
            // PostgreSQL's text holds every character but NUL: an answer with one (binary, or
            // gzip) could not be logged, and its attempt was made again and again.
            response_body: kept ? kept.slice(0, KEPT_BODY).replaceAll('\0', '\uFFFD') : null,
            error: status >= 300 && status < 400 ? 'redirect' : null,
          },
          ...((status === 429 || status === 503) && { retryAfterMs: retryAfter(response.headers['retry-after']) }),
        });
      response.on('end', done);
      response.on('close', done);
      response.on('error', done);
    });
    request.end(body);
  });
}
