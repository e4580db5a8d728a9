/**
 * A lean event-stream reader for the bench: node:http and eventsource-parser, one socket per
 * stream (no pooling, so 500 readers are 500 connections, as 500 browsers would be), and each
 * event's arrival time taken the moment it is parsed — before any other work of the reader.
 */
import { request, type IncomingMessage } from 'node:http';
import { createParser } from 'eventsource-parser';

export interface Arrival {
  /** The event's id (`id:` line) and its envelope's `data`. */
  id: string;
  data: Record<string, unknown>;
  /** performance.now() when it was parsed. */
  at: number;
}

export interface BenchStream {
  /** Every event so far, in the order it came. */
  arrivals: Arrival[];
  /** Heartbeats (`: ping` comments) received. */
  pings: number;
  /** Called on each event, after it is recorded. */
  onEvent?: (arrival: Arrival) => void;
  /** Whether the server ended the stream (or the connection failed) before close(). */
  readonly ended: boolean;
  close(): void;
}

/** Opens a stream; resolves once the server answered 200 (it has then subscribed), rejects on any other status. */
export function openBenchStream(url: string, headers: Record<string, string> = {}): Promise<BenchStream> {
  return new Promise((resolve, reject) => {
    let closing = false;
    let ended = false;
    const stream: BenchStream = {
      arrivals: [],
      pings: 0,
      get ended() {
        return ended;
      },
      close() {
        closing = true;
        req.destroy();
      },
    };
    const parser = createParser({
      onEvent(message) {
        const at = performance.now();
        const envelope = JSON.parse(message.data) as { data: Record<string, unknown> };
        const arrival = { id: message.id ?? '', data: envelope.data, at };
        stream.arrivals.push(arrival);
        stream.onEvent?.(arrival);
      },
      onComment: () => void stream.pings++,
    });
    const req = request(url, { headers: { Accept: 'text/event-stream', ...headers }, agent: false });
    req.on('response', (res: IncomingMessage) => {
      if (res.statusCode !== 200) {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => reject(new Error(`the stream was refused: ${res.statusCode} ${body}`)));
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => parser.feed(chunk));
      res.on('close', () => (ended = !closing));
      resolve(stream);
    });
    req.on('error', (error) => {
      ended = !closing;
      if (!closing) reject(error);
    });
    req.end();
  });
}
