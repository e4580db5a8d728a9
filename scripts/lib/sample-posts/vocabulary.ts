/** The words sample posts and authors are made of. Changing any list changes what a seed produces. */

/** Ordered from most to least used; drawn with Zipf weights. */
export const TAGS = [
  'engineering', 'product', 'announcements', 'postgres', 'typescript', 'performance', 'release-notes',
  'tutorial', 'design', 'security', 'devops', 'frontend', 'api', 'data', 'testing', 'culture',
  'open-source', 'accessibility', 'observability', 'case-study', 'mobile', 'hiring', 'incident-review',
  'machine-learning',
] as const;

export const TOPICS = [
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
export const VERBS = [
  'rebuilt', 'scaled', 'simplified', 'replaced', 'debugged', 'measured', 'tamed', 'rethought', 'migrated',
  'shipped', 'sped up', 'tested', 'documented', 'untangled', 'secured', 'automated', 'deleted', 'redesigned',
];
export const GERUNDS = [
  'running', 'building', 'migrating', 'operating', 'debugging', 'teaching', 'maintaining', 'benchmarking',
  'rewriting', 'scaling', 'designing', 'reviewing',
];
export const CLAIMS = [
  'is harder than it looks', 'matters more than you think', 'is not the bottleneck', 'was the right call',
  'deserves a second look', 'broke in production', 'saved us a week', 'is mostly a people problem',
  'needs better defaults', 'will outlive your framework',
];
export const ADJECTIVES = ['practical', 'gentle', 'opinionated', 'short', 'complete', 'honest', 'visual', 'pragmatic', 'minimal', 'field'];
export const OUTCOMES = ['what we chose', 'a year later', 'the numbers', 'it depends', 'a rematch', 'lessons learned'];
export const NON_LATIN_TITLES = ['日本語のブログ記事', 'Новости проекта', 'Ελληνικά σημειώματα', '中文发布说明', '🚀🚀🚀'];

export const WORDS = (
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

export const LINK_TEXTS = ['the docs', 'this post', 'the RFC', 'our changelog', 'the benchmark', 'a great talk', 'the issue', 'the spec'];
export const LINK_HOSTS = ['https://example.com', 'https://docs.example.org', 'https://blog.example.net', 'https://github.com/example'];
export const IDENTIFIERS = ['listPosts', 'retryWithBackoff', 'parseCursor', 'connectionPool', 'maxConnections', 'statement_timeout', 'useQuery', 'createdAt'];
export const LANGUAGES = ['ts', 'sql', 'bash', 'json', 'go', 'python', ''];

/**
 * Sample authors: username and display name. More authors than personas reuse them with a number.
 * None may be a user of the reference's examples (`ada_lovelace`): someone trying a request from
 * the reference on a seeded database would meet a sample account instead of creating their own
 * (tests/unit/sample-data.test.ts checks).
 */
export const PERSONAS = [
  ['joan_clarke', 'Joan Clarke'], ['grace_hopper', 'Grace Hopper'], ['alan_turing', 'Alan Turing'],
  ['katherine_johnson', 'Katherine Johnson'], ['edsger_dijkstra', 'Edsger W. Dijkstra'], ['barbara_liskov', 'Barbara Liskov'],
  ['donald_knuth', 'Donald Knuth'], ['margaret_hamilton', 'Margaret Hamilton'], ['ken_thompson', 'Ken Thompson'],
  ['radia_perlman', 'Radia Perlman'], ['tony_hoare', 'Tony Hoare'], ['frances_allen', 'Frances E. Allen'],
  ['john_mccarthy', 'John McCarthy'], ['hedy_lamarr', 'Hedy Lamarr'], ['niklaus_wirth', 'Niklaus Wirth'],
  ['sophie_wilson', 'Sophie Wilson'], ['jose_valim', 'José Valim'], ['bjarne_s', 'Bjarne Stroustrup'],
  ['anita_borg', 'Anita Borg'], ['yukihiro_matsumoto', 'まつもとゆきひろ'], ['guido_vr', 'Guido van Rossum'],
  ['shafi_goldwasser', 'Shafi Goldwasser'], ['leslie_lamport', 'Leslie Lamport'], ['lynn_conway', 'Lynn Conway'],
] as const;
