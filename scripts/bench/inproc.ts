/**
 * The in-process half of `npm run bench`, run by it as a child process (so the bound handlers'
 * log lines go to a pipe the parent drains, not to the terminal) and answering over IPC; it can
 * also be run alone: `node scripts/bench/inproc.ts ['{"posts":500}']` prints its result as JSON.
 *
 * Compares each bound operation (server/posts/handlers.ts: request id, validation, handler,
 * response validation, problem mapping, a log line) with a bare route handler making the same
 * service call, on an in-memory PGlite seeded with sample posts. The two alternate in rounds
 * after a warm-up, each call timed alone up to its body read in full; the same ids are requested
 * in the same order.
 */
import { isDeepStrictEqual } from 'node:util';
import { BENCH_RATE_LIMITS } from './env.ts';
import { summarize, type Summary } from './stats.ts';

export interface InprocOptions {
  posts: number;
  warmupCalls: number;
  rounds: number;
  callsPerRound: number;
}

export interface Comparison {
  operation: string;
  bound: Summary;
  bare: Summary;
  /** Whether the first responses of both had status 200 and the same JSON body. */
  sameResponse: boolean;
  failures: number;
}

export interface InprocResult {
  logLevel: string;
  responseValidation: string;
  rateLimits: string;
  database: string;
  comparisons: Comparison[];
}

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };
type Route = (request: Request, context: RouteContext) => Promise<Response>;
type Call = { request: Request; context: RouteContext };

async function runInproc(options: InprocOptions): Promise<InprocResult> {
  // Config is read when server modules are first imported: settle it before importing them.
  process.env.FOLIO_PGLITE_DIR = 'memory://';
  process.env.DATABASE_URL = '';
  process.env.FOLIO_RATE_LIMITS = BENCH_RATE_LIMITS;
  const { config } = await import('../../server/config.ts');
  const { db } = await import('../../server/db/index.ts');
  const handlers = await import('../../server/posts/handlers.ts');
  const service = await import('../../server/posts/service.ts');
  const { postsPage } = await import('../../server/posts/list.ts');
  const { seedPosts } = await import('../seed.ts');

  await seedPosts(db(), { posts: options.posts, authors: 12, seed: 1, batchSize: 500, until: Date.now() });
  // Published posts only: a draft is 404 to an anonymous caller.
  const ids = (await db().selectFrom('posts').select('id').where('status', '=', 'published').orderBy('id').execute()).map((r) => r.id);

  const byId = (i: number): Call => {
    const postId = ids[i % ids.length] as string;
    return { request: new Request(`http://localhost/api/v1/posts/${postId}`), context: { params: Promise.resolve({ postId }) } };
  };
  const firstPage = (): Call => ({ request: new Request('http://localhost/api/v1/posts?limit=20'), context: { params: Promise.resolve({}) } });

  // What a hand-written Next.js route handler would do, with no contract around it (anonymous caller).
  const bareGet: Route = async (_request, context) => {
    const { postId } = (await context.params) as { postId: string };
    return Response.json(await service.getPost(postId, null));
  };
  const bareList: Route = async (request) => {
    const limit = Number(new URL(request.url).searchParams.get('limit') ?? 20);
    return Response.json(await postsPage({ limit }, null));
  };

  const comparisons = [
    await compare('getPost', handlers.getPost.handle, bareGet, byId, options),
    await compare('listPosts', handlers.listPosts.handle, bareList, firstPage, options),
  ];
  await db().destroy();
  return {
    logLevel: config.logLevel,
    responseValidation: config.responseValidation,
    rateLimits: BENCH_RATE_LIMITS,
    database: 'PGlite in memory',
    comparisons,
  };
}

async function compare(operation: string, bound: Route, bare: Route, call: (i: number) => Call, options: InprocOptions): Promise<Comparison> {
  const first = [await run(bound, call(0)), await run(bare, call(0))];
  const bodies = await Promise.all(first.map((r) => r.json()));
  const sameResponse = first.every((r) => r.status === 200) && isDeepStrictEqual(bodies[0], bodies[1]);

  const variants = [
    { route: bound, samples: [] as number[], next: 0 },
    { route: bare, samples: [] as number[], next: 0 },
  ];
  let failures = 0;
  const batch = async (variant: (typeof variants)[number], calls: number, record: boolean) => {
    for (let k = 0; k < calls; k++) {
      const args = call(variant.next++);
      const started = performance.now();
      const response = await variant.route(args.request, args.context);
      // Read as a server sends it: Response.json() defers encoding its string until the body is read.
      await response.arrayBuffer();
      const elapsed = performance.now() - started;
      if (response.status !== 200) failures++;
      if (record) variant.samples.push(elapsed);
    }
  };
  for (const variant of variants) await batch(variant, options.warmupCalls, false);
  for (const variant of variants) variant.next = 0;
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let round = 0; round < options.rounds; round++) {
    // Alternate which goes first, so neither always runs right after a collection.
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const variant of order) {
      gc?.();
      await batch(variant, options.callsPerRound, true);
    }
  }
  return { operation, bound: summarize(variants[0]!.samples), bare: summarize(variants[1]!.samples), sameResponse, failures };
}

const run = (route: Route, args: Call) => route(args.request, args.context);

if (import.meta.main) {
  const defaults: InprocOptions = { posts: 500, warmupCalls: 1000, rounds: 20, callsPerRound: 250 };
  const options = { ...defaults, ...(process.argv[2] ? (JSON.parse(process.argv[2]) as Partial<InprocOptions>) : {}) };
  let reply: { ok: true; result: InprocResult } | { ok: false; error: string };
  try {
    reply = { ok: true, result: await runInproc(options) };
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    process.exitCode = 1;
  }
  if (process.send) process.send(reply, () => process.disconnect());
  else process.stderr.write(`${JSON.stringify(reply, null, 2)}\n`);
}
