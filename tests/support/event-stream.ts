/**
 * Reading a server's event stream in a test: fetch, parsed with eventsource-parser, the events
 * collected as they come, the response kept for its status and headers, and a way to wait for
 * what a test expects and to stop reading.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface StreamedEvent {
  id: string;
  type: string;
  envelope: { id: string; type: string; created_at: string; data: Record<string, unknown> };
}

export interface OpenStream {
  response: Response;
  events: StreamedEvent[];
  /** `retry:` values and `: comment` lines, in order. */
  retries: number[];
  comments: string[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  /** Waits until `predicate` holds for what has arrived (or fails after `timeoutMs`). */
  until(predicate: (events: StreamedEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

export async function openStream(url: string, headers: Record<string, string> = {}): Promise<OpenStream> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal: controller.signal });
  if (response.status !== 200) throw new Error(`the stream was refused: ${response.status} ${await response.text()}`);
  const events: StreamedEvent[] = [];
  const retries: number[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      const envelope = JSON.parse(message.data) as StreamedEvent['envelope'];
      events.push({ id: message.id ?? '', type: message.event ?? 'message', envelope });
      notify();
    },
    onRetry: (ms) => retries.push(ms),
    onComment: (comment) => {
      comments.push(comment.trim());
      notify();
    },
  });
  const ended = (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    try {
      const reader = response.body.getReader();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) parser.feed(decoder.decode(chunk.value, { stream: true }));
    } catch {
      // closed by the test
    }
    notify();
  })();
  return {
    response,
    events,
    retries,
    comments,
    ended,
    async until(predicate, timeoutMs = 10_000) {
      if (predicate(events)) return;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out; events so far: ${events.map((e) => e.type).join(', ')}`));
        }, timeoutMs);
        const check = () => {
          if (!predicate(events)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
    close: () => controller.abort(),
  };
}
