import type { EventStreamContent } from '../../contracts/operation.ts';
import { EVENT_STREAM_HEADERS } from '../../contracts/shared/protocol.ts';
import { config } from '../config.ts';
import { log } from '../log.ts';

interface Envelope {
  id: string;
  type: string;
}

const encoder = new TextEncoder();

/** One event on the wire: its id, its type as the SSE event name, the envelope as one line of JSON. */
function frame(event: Envelope): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * A `text/event-stream` response from a handler's events: a `retry:` hint first, each event
 * checked against its envelope in the contract (a broken one is a bug: logged and, in strict
 * mode, the stream ends), a `: ping` comment every FOLIO_SSE_HEARTBEAT_MS so proxies keep it open,
 * and nothing left behind — timer and event source — once the client goes or the events end.
 * `no-transform` keeps compression and proxies from buffering it.
 */
export function eventStreamResponse(status: number, events: AsyncIterable<Envelope>, spec: EventStreamContent, headers: Headers, operationId: string): Response {
  const iterator = events[Symbol.asyncIterator]();
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    clearInterval(heartbeat);
    void iterator.return?.();
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`retry: ${config.sseRetryMs}\n\n`));
      heartbeat = setInterval(() => {
        try {
          controller.enqueue(encoder.encode(': ping\n\n'));
        } catch {
          finish(); // the stream was closed under us
        }
      }, config.sseHeartbeatMs);
    },
    async pull(controller) {
      const next = await iterator.next();
      if (next.done || finished) {
        finish();
        controller.close();
        return;
      }
      const schema = spec.events[next.value.type];
      const checked = schema?.safeParse(next.value);
      if (!checked?.success) {
        log.error({ operation: operationId, type: next.value.type, issues: checked?.error.issues }, 'event breaks its contract');
        if (config.responseValidation === 'strict') {
          finish();
          controller.close();
          return;
        }
      }
      controller.enqueue(encoder.encode(frame((checked?.success ? checked.data : next.value) as Envelope)));
    },
    cancel: finish,
  });
  headers.set('Content-Type', 'text/event-stream');
  for (const [name, value] of Object.entries(EVENT_STREAM_HEADERS)) headers.set(name, value);
  return new Response(body, { status, headers });
}
