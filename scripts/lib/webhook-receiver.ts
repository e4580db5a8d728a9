/**
 * A partner's webhook endpoint, for the tests and the bench: a local HTTP server that keeps every request it gets —
 * raw body and headers, as signed — and answers as the test says (status, headers, delay).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  /** The path it was sent to (each test registers its endpoints under paths of its own). */
  path: string;
  id: string;
  timestamp: string;
  signature: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as it arrived. */
  body: string;
  type: string;
  at: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
}

export interface Receiver {
  /** The URL to register, with `path` appended. */
  url(path?: string): string;
  received: Received[];
  /** What to answer; by default 200 "ok". Called with the request and how many attempts of its delivery (path and webhook-id) came before. */
  answer: (request: Received, earlier: number) => Answer;
  /** Attempts of one delivery (path and webhook-id) that were in progress at the same time (there must be none). */
  overlaps: string[];
  until(predicate: (received: Received[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const inFlight = new Set<string>();
  const receiver: Receiver = {
    url: (path = '/hook') => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    received,
    answer: () => ({ status: 200, body: 'ok' }),
    overlaps: [],
    async until(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`timed out; received ${received.length}: ${received.map((r) => `${r.type} ${r.id}`).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const id = String(req.headers['webhook-id'] ?? '');
      let type = '';
      try {
        type = (JSON.parse(body) as { type?: string }).type ?? '';
      } catch {
        // kept as it came
      }
      const request: Received = { path: req.url ?? '', id, timestamp: String(req.headers['webhook-timestamp'] ?? ''), signature: String(req.headers['webhook-signature'] ?? ''), headers: req.headers, body, type, at: Date.now() };
      // One delivery is one event to one endpoint (path): its attempts share the webhook-id.
      const delivery = `${request.path} ${id}`;
      const earlier = received.filter((r) => r.path === request.path && r.id === id).length;
      received.push(request);
      if (inFlight.has(delivery)) receiver.overlaps.push(delivery);
      inFlight.add(delivery);
      const answer = receiver.answer(request, earlier);
      setTimeout(() => {
        inFlight.delete(delivery);
        res.writeHead(answer.status, { 'Content-Type': 'text/plain', ...answer.headers });
        res.end(answer.body ?? '');
      }, answer.delayMs ?? 0);
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return receiver;
}
