/**
 * Realistic, deterministic sample posts: varied titles, Markdown bodies of varied length,
 * tags with a skewed distribution, ~80% published, created over the two years before `until`.
 * Everything is drawn from one seeded generator, in a fixed order, so a seed always gives the
 * same posts (ids aside: see seed.ts).
 */

// ---------------------------------------------------------------------------------------------
// A small PRNG: sfc32 (Chris Doty-Humphrey's Small Fast Chaotic generator, 128-bit state, passes
// PractRand), its state filled by splitmix32 from the seed. Math.random cannot be seeded.

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    const init = splitmix32(seed);
    this.#a = init();
    this.#b = init();
    this.#c = init();
    this.#d = init();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Log-normal around `median`, rounded and clamped. */
  lognormalInt(median: number, sigma: number, min: number, max: number): number {
    return Math.min(max, Math.max(min, Math.round(median * Math.exp(sigma * this.normal()))));
  }
}

/** Picks by cumulative weights (binary search), for skewed vocabularies. */
class Weighted<T> {
  readonly items: readonly T[];
  readonly #cumulative: number[];

  constructor(items: readonly T[], weights: readonly number[]) {
    this.items = items;
    let sum = 0;
    this.#cumulative = weights.map((w) => (sum += w));
  }

  pick(random: Random): T {
    const x = random.next() * (this.#cumulative.at(-1) as number);
    let lo = 0;
    let hi = this.#cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.#cumulative[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo] as T;
  }
}

const DAY = 86_400_000;
const TWO_YEARS = 730 * DAY;

/** Zipf-like weights 1/rank^s: the first items are far more common than the last. */
const zipf = (n: number, s: number) => Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);

// ---------------------------------------------------------------------------------------------
// Vocabulary.

/** Ordered from most to least used; drawn with Zipf weights. */
export const TAGS = [
  'engineering', 'product', 'announcements', 'postgres', 'typescript', 'performance', 'release-notes',
  'tutorial', 'design', 'security', 'devops', 'frontend', 'api', 'data', 'testing', 'culture',
  'open-source', 'accessibility', 'observability', 'case-study', 'mobile', 'hiring', 'incident-review',
  'machine-learning',
] as const;
const TAG_PICKER = new Weighted(TAGS, zipf(TAGS.length, 1.1));
/** How many tags a post has: 0–6, mostly 1–3. */
const TAG_COUNT = new Weighted([0, 1, 2, 3, 4, 5, 6], [10, 25, 30, 18, 10, 5, 2]);

const TOPICS = [
  'PostgreSQL', 'caching', 'observability', 'TypeScript', 'Kubernetes', 'feature flags', 'the release pipeline',
  'rate limiting', 'search', 'onboarding', 'accessibility', 'dark mode', 'our public API', 'pagination',
  'webhooks', 'background jobs', 'error budgets', 'code review', 'monorepos', 'incident response', 'GraphQL',
  'edge functions', 'CSS grid', 'WebAssembly', 'image optimisation', 'SQLite', 'Rust', 'Go', 'structured logging',
  'distributed tracing', 'schema migrations', 'flaky tests', 'design systems', 'localisation', 'the billing system',
  'dependency updates', 'cold starts', 'connection pooling', 'full-text search', 'content modelling', 'React Server Components',
  'OAuth', 'passkeys', 'CDN caching', 'load testing', 'on-call', 'postmortems', 'API versioning', 'OpenAPI', 'Zod',
  'keyset pagination', 'time zones', 'Unicode', 'email deliverability', 'mobile performance', 'offline support',
  'vector search', 'LLM evaluation', 'cost control', 'backups', 'disaster recovery', 'SLOs', 'queues', 'idempotency',
  'naïve date handling', 'Straße addresses', 'résumé parsing', 'Ångström units', 'café Wi-Fi', 'Zürich meetups',
];
const VERBS = [
  'rebuilt', 'scaled', 'simplified', 'replaced', 'debugged', 'measured', 'tamed', 'rethought', 'migrated',
  'shipped', 'sped up', 'tested', 'documented', 'untangled', 'secured', 'automated', 'deleted', 'redesigned',
];
const GERUNDS = [
  'running', 'building', 'migrating', 'operating', 'debugging', 'teaching', 'maintaining', 'benchmarking',
  'rewriting', 'scaling', 'designing', 'reviewing',
];
const CLAIMS = [
  'is harder than it looks', 'matters more than you think', 'is not the bottleneck', 'was the right call',
  'deserves a second look', 'broke in production', 'saved us a week', 'is mostly a people problem',
  'needs better defaults', 'will outlive your framework',
];
const ADJECTIVES = ['practical', 'gentle', 'opinionated', 'short', 'complete', 'honest', 'visual', 'pragmatic', 'minimal', 'field'];
const OUTCOMES = ['what we chose', 'a year later', 'the numbers', 'it depends', 'a rematch', 'lessons learned'];
const NON_LATIN_TITLES = ['日本語のブログ記事', 'Новости проекта', 'Ελληνικά σημειώματα', '中文发布说明', '🚀🚀🚀'];

const WORDS = (
  'the a an our we you it this that these every some each data query index server client request response ' +
  'latency throughput cache table row column schema contract type error retry timeout budget team release ' +
  'feature user customer page cursor token session deploy build test bench metric log trace span queue job ' +
  'worker pool connection transaction lock migration backup replica region edge function handler route ' +
  'is are was were will can should must might could does did has had keeps makes takes gives shows runs ' +
  'fails returns reads writes sends stores checks measures breaks fixes improves reduces adds removes ' +
  'quickly slowly carefully rarely often always never usually simply only still already again ' +
  'fast slow small large stable flaky new old simple complex safe risky cheap expensive obvious subtle ' +
  'and but or so because when while after before until unless then also even just ' +
  'in on at for with without from into over under between across through per by of to about'
).split(' ');

const LINK_TEXTS = ['the docs', 'this post', 'the RFC', 'our changelog', 'the benchmark', 'a great talk', 'the issue', 'the spec'];
const LINK_HOSTS = ['https://example.com', 'https://docs.example.org', 'https://blog.example.net', 'https://github.com/example'];
const IDENTIFIERS = ['listPosts', 'retryWithBackoff', 'parseCursor', 'connectionPool', 'maxConnections', 'statement_timeout', 'useQuery', 'createdAt'];
const LANGUAGES = ['ts', 'sql', 'bash', 'json', 'go', 'python', ''];

// ---------------------------------------------------------------------------------------------
// Text.

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const withArticle = (word: string) => `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;

function sentence(random: Random): string {
  const length = random.int(6, 20);
  const words: string[] = [];
  for (let i = 0; i < length; i++) words.push(random.pick(WORDS));
  const decorate = random.next();
  const at = random.int(1, length - 1);
  if (decorate < 0.08) words[at] = `[${random.pick(LINK_TEXTS)}](${random.pick(LINK_HOSTS)}/${random.pick(WORDS)}-${random.int(1, 999)})`;
  else if (decorate < 0.16) words[at] = `\`${random.pick(IDENTIFIERS)}()\``;
  else if (decorate < 0.22) words[at] = `**${words[at]}**`;
  else if (decorate < 0.27) words[at] = `_${words[at]}_`;
  const end = random.chance(0.9) ? '.' : random.pick(['?', '!', '…']);
  return `${capitalize(words.join(' '))}${end}`;
}

function paragraph(random: Random): string {
  const count = random.lognormalInt(3, 0.5, 1, 10);
  const sentences: string[] = [];
  for (let i = 0; i < count; i++) sentences.push(sentence(random));
  return sentences.join(' ');
}

function list(random: Random): string {
  const count = random.int(2, 7);
  const ordered = random.chance(0.3);
  const tasks = !ordered && random.chance(0.15);
  const items: string[] = [];
  for (let i = 0; i < count; i++) {
    const marker = ordered ? `${i + 1}.` : tasks ? `- [${random.chance(0.5) ? 'x' : ' '}]` : '-';
    items.push(`${marker} ${sentence(random)}`);
    if (random.chance(0.1)) items.push(`  - ${sentence(random)}`);
  }
  return items.join('\n');
}

function codeBlock(random: Random): string {
  const language = random.pick(LANGUAGES);
  const name = random.pick(IDENTIFIERS);
  const n = random.int(1, 500);
  const bodies: Record<string, string[]> = {
    ts: [
      `export async function ${name}(limit = ${n}) {`,
      `  const rows = await db.selectFrom('posts').selectAll().limit(limit).execute();`,
      `  return rows.map((row) => ({ ...row, id: String(row.id) }));`,
      `}`,
    ],
    sql: [
      `select id, title, created_at`,
      `from posts`,
      `where status = 'published' and created_at < now() - interval '${n} days'`,
      `order by created_at desc, id desc`,
      `limit 20;`,
    ],
    bash: [`npm run db:seed -- --posts ${n * 100}`, `curl -s localhost:3000/api/v1/posts?limit=20 | jq '.data | length'`],
    json: [`{`, `  "${name}": ${n},`, `  "enabled": ${random.chance(0.5)},`, `  "tags": ["${random.pick(TAGS)}"]`, `}`],
    go: [`func ${name}(ctx context.Context) error {`, `\treturn retry.Do(ctx, ${n}, func() error { return ping(ctx) })`, `}`],
    python: [`def ${name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}(n=${n}):`, `    return [x * x for x in range(n)]`],
    '': [`$ ${name} --verbose`, `ok (${n} ms)`],
  };
  const lines = bodies[language] ?? [];
  return `\`\`\`${language}\n${lines.join('\n')}\n\`\`\``;
}

function table(random: Random): string {
  const rows = [`| ${random.pick(TOPICS)} | before | after |`, '| --- | ---: | ---: |'];
  for (let i = random.int(2, 5); i > 0; i--) rows.push(`| ${random.pick(WORDS)} | ${random.int(1, 900)} ms | ${random.int(1, 300)} ms |`);
  return rows.join('\n');
}

function heading(random: Random): string {
  return `${random.chance(0.7) ? '##' : '###'} ${capitalize(random.pick(GERUNDS))} ${random.pick(TOPICS)}`;
}

/** Markdown of varied length: median ~7 blocks (~2 kB), a long tail up to tens of kB, a few empty. */
function body(random: Random): string {
  if (random.chance(0.02)) return '';
  const blocks: string[] = [];
  if (random.chance(0.3)) blocks.push(`# ${random.pick(TOPICS)}`);
  const count = random.lognormalInt(7, 0.8, 1, 150);
  for (let i = 0; i < count; i++) {
    const kind = random.next();
    if (kind < 0.55) blocks.push(paragraph(random));
    else if (kind < 0.67) blocks.push(heading(random));
    else if (kind < 0.8) blocks.push(list(random));
    else if (kind < 0.89) blocks.push(codeBlock(random));
    else if (kind < 0.94) blocks.push(`> ${sentence(random)}`);
    else if (kind < 0.97) blocks.push(`![${random.pick(TOPICS)}](https://example.com/images/${random.int(1, 99999)}.png)`);
    else blocks.push(table(random));
  }
  return blocks.join('\n\n').slice(0, 100_000);
}

function title(random: Random): string {
  const topic = random.pick(TOPICS);
  const kind = random.int(0, 12);
  const text = [
    () => `How we ${random.pick(VERBS)} ${topic}`,
    () => `${random.int(3, 12)} lessons from ${random.pick(GERUNDS)} ${topic}`,
    () => `Why ${topic} ${random.pick(CLAIMS)}`,
    () => `Release notes: v${random.int(0, 4)}.${random.int(0, 30)}.${random.int(0, 9)}`,
    () => `Notes on ${topic}`,
    () => `${capitalize(withArticle(random.pick(ADJECTIVES)))} guide to ${topic}`,
    () => `What I learned ${random.pick(GERUNDS)} ${topic} in ${random.int(2019, 2026)}`,
    () => `${capitalize(topic)} vs ${random.pick(TOPICS)}: ${random.pick(OUTCOMES)}`,
    () => `Weekly update #${random.int(1, 400)}`,
    () => `${capitalize(topic)}, ${random.pick(ADJECTIVES)} edition — part ${random.int(1, 5)}`,
    () => `We ${random.pick(VERBS)} ${topic} (and ${random.pick(TOPICS)} ${random.pick(CLAIMS)})`,
    () => `“${capitalize(random.pick(CLAIMS))}”: ${topic} in practice`,
    () => (random.chance(0.05) ? random.pick(NON_LATIN_TITLES) : `Q&A: ${topic}?`),
  ][kind] as () => string;
  return text().slice(0, 200);
}

// ---------------------------------------------------------------------------------------------
// Authors.

const PERSONAS = [
  ['ada_lovelace', 'Ada Lovelace'], ['grace_hopper', 'Grace Hopper'], ['alan_turing', 'Alan Turing'],
  ['katherine_johnson', 'Katherine Johnson'], ['edsger_dijkstra', 'Edsger W. Dijkstra'], ['barbara_liskov', 'Barbara Liskov'],
  ['donald_knuth', 'Donald Knuth'], ['margaret_hamilton', 'Margaret Hamilton'], ['ken_thompson', 'Ken Thompson'],
  ['radia_perlman', 'Radia Perlman'], ['tony_hoare', 'Tony Hoare'], ['frances_allen', 'Frances E. Allen'],
  ['john_mccarthy', 'John McCarthy'], ['hedy_lamarr', 'Hedy Lamarr'], ['niklaus_wirth', 'Niklaus Wirth'],
  ['sophie_wilson', 'Sophie Wilson'], ['jose_valim', 'José Valim'], ['bjarne_s', 'Bjarne Stroustrup'],
  ['anita_borg', 'Anita Borg'], ['yukihiro_matsumoto', 'まつもとゆきひろ'], ['guido_vr', 'Guido van Rossum'],
  ['shafi_goldwasser', 'Shafi Goldwasser'], ['leslie_lamport', 'Leslie Lamport'], ['lynn_conway', 'Lynn Conway'],
] as const;

/** Sample accounts live under this domain (reserved, never deliverable), which is how a later seed finds them again. */
export const AUTHOR_EMAIL_DOMAIN = 'sample.folio.invalid';

export interface SampleAuthor {
  username: string;
  displayName: string;
  email: string;
  createdAt: number;
}

/** `count` authors, all created before the first post can be (two years before `until`, ms). */
export function sampleAuthors(random: Random, count: number, until: number): SampleAuthor[] {
  const before = until - TWO_YEARS;
  return Array.from({ length: count }, (_, i) => {
    const [base, name] = PERSONAS[i % PERSONAS.length] as (typeof PERSONAS)[number];
    const round = Math.floor(i / PERSONAS.length);
    const username = round === 0 ? base : `${base.slice(0, 26)}_${round + 1}`;
    return {
      username,
      displayName: round === 0 ? name : `${name} ${round + 1}`,
      email: `${username}@${AUTHOR_EMAIL_DOMAIN}`,
      createdAt: before - random.int(1, 90) * DAY - random.int(0, DAY - 1),
    };
  });
}

/** Picks authors with Zipf weights: a few write most posts. */
export function authorPicker(count: number): (random: Random) => number {
  const picker = new Weighted(
    Array.from({ length: count }, (_, i) => i),
    zipf(count, 0.9),
  );
  return (random) => picker.pick(random);
}

// ---------------------------------------------------------------------------------------------
// Posts.

export interface SamplePost {
  title: string;
  body: string;
  excerpt: string | null;
  status: 'draft' | 'published';
  tags: string[];
  createdAt: number;
  updatedAt: number;
  publishedAt: number | null;
}


/**
 * `count` creation times over the two years before `until`, ascending, in milliseconds. Denser
 * towards the present (a blog that grows): age = span · u^1.4.
 */
export function creationTimes(random: Random, count: number, until: number): Float64Array {
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) times[i] = until - Math.floor(TWO_YEARS * random.next() ** 1.4) - 1;
  return times.sort();
}

/** Delay drawn from an exponential distribution with the given mean, in ms. */
const exponential = (random: Random, mean: number) => Math.floor(-Math.log(1 - random.next()) * mean);

export function samplePost(random: Random, createdAt: number, until: number): SamplePost {
  const postTitle = title(random);
  const postBody = body(random);
  const published = random.chance(0.8);
  const tags = new Set<string>();
  for (let n = TAG_COUNT.pick(random); tags.size < n; ) tags.add(TAG_PICKER.pick(random));
  const excerpt = random.chance(0.2) ? sentence(random).slice(0, 280) : null;
  // Published some time after it was started (often at once, sometimes days later); edited later or not.
  const publishedAt = published ? Math.min(until, createdAt + (random.chance(0.4) ? 0 : exponential(random, DAY))) : null;
  const lastChange = publishedAt ?? createdAt;
  const updatedAt = random.chance(0.35) ? Math.min(until, lastChange + exponential(random, 10 * DAY)) : lastChange;
  return {
    title: postTitle,
    body: postBody,
    excerpt,
    status: published ? 'published' : 'draft',
    tags: [...tags],
    createdAt,
    updatedAt,
    publishedAt,
  };
}
