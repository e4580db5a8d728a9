/**
 * An HTTP/1.1 request sent in two parts over its own connection: the first part now (so the server
 * has a request under way — headers begun, or a body begun), the rest when the test says. For
 * proving what a server does with requests in flight when something happens in between (a signal).
 */
import { connect } from 'node:net';

export interface HeldResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface HeldRequest {
  /** Sends the rest of the request. */
  finish(): void;
  /** The answer, once the server has closed the connection (or `undefined` if it closed it without one). */
  response: Promise<HeldResponse | undefined>;
}

function dechunk(body: string): string {
  let out = '';
  for (let rest = body; ; ) {
    const lineEnd = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (!size) return out;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}

function parse(raw: string): HeldResponse | undefined {
  if (!raw) return undefined;
  const split = raw.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = raw.slice(0, split).split('\r\n');
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  const body = raw.slice(split + 4);
  return { status: Number(statusLine.split(' ')[1]), headers, body: headers['transfer-encoding'] === 'chunked' ? dechunk(body) : body };
}

/** Opens a connection and writes `first`, resolving once it is sent; `finish()` writes `rest`. */
export async function holdRequest(baseUrl: string, first: string, rest: string): Promise<HeldRequest> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const response = new Promise<HeldResponse | undefined>((resolve) => {
    socket.on('close', () => resolve(parse(Buffer.concat(chunks).toString('utf8'))));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  await new Promise<void>((resolve) => socket.write(first, () => resolve()));
  return { finish: () => void socket.write(rest), response };
}

/** A request's text: method, target, headers (Host and Connection: close added), body. */
export function requestText(method: string, target: string, headers: Record<string, string>, body = ''): string {
  const all = { Host: 'folio.test', Connection: 'close', ...headers, ...(body && { 'Content-Length': String(Buffer.byteLength(body)) }) };
  return `${method} ${target} HTTP/1.1\r\n${Object.entries(all).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n${body}`;
}
