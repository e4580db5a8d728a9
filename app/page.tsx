import document from '@/openapi.json';

// Plain <a> links throughout: /api/docs and /api/openapi.json are route handlers, not pages, so
// client-side navigation does not apply.
/* eslint-disable @next/next/no-html-link-for-pages */

const ORIGIN = 'http://localhost:3000';

/** The path of an operation, by its operationId, from the document: the home page never spells a path of its own. */
function pathOf(operationId: string): string {
  for (const [path, item] of Object.entries(document.paths)) {
    if (Object.values(item).some((operation) => (operation as { operationId?: string }).operationId === operationId)) return path;
  }
  throw new Error(`openapi.json has no operation ${operationId}`);
}

/** `body` as JSON on lines of at most `width` characters, its members indented by `indent`: short enough not to scroll. */
function wrappedJson(body: object, indent: string, width = 56): string {
  const members = Object.entries(body).map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  const lines = [''];
  for (const [i, member] of members.entries()) {
    const piece = member + (i < members.length - 1 ? ',' : '');
    const line = lines[lines.length - 1]!;
    if (line && indent.length + line.length + 1 + piece.length > width) lines.push(piece);
    else lines[lines.length - 1] = line ? `${line} ${piece}` : piece;
  }
  return `{${lines.join(`\n${indent} `)}}`;
}

/** A curl command that POSTs `body` as JSON, one option per line. */
function curl(path: string, body: object, headers: string[] = []): string {
  const indent = '     ';
  return [`curl ${ORIGIN}${path}`, ...headers.map((h) => `-H "${h}"`), `-H 'Content-Type: application/json'`, `-d '${wrappedJson(body, indent + '    ')}'`].join(
    ` \\\n${indent}`,
  );
}

const account = { email: 'you@example.com', username: 'your_name', display_name: 'Your Name', password: 'a long passphrase' };

const QUICKSTART = [
  {
    id: 'register',
    title: 'Register',
    text: 'Create an account. Passwords need at least 10 characters.',
    command: curl(pathOf('createUser'), account),
  },
  {
    id: 'sign-in',
    title: 'Sign in',
    text: 'Trade the email and password for a bearer token. It is shown once: keep the `token` of the answer.',
    command: `${curl(pathOf('createToken'), { email: account.email, password: account.password })}\n\nexport TOKEN=folio_…   # the "token" field of the answer`,
  },
  {
    id: 'create-post',
    title: 'Create a post',
    text: 'Send the token as a bearer token. Posts are drafts unless published.',
    command: curl(pathOf('createPost'), { title: 'Hello, Folio', body: 'My first post, in **Markdown**.', status: 'published' }, [
      'Authorization: Bearer $TOKEN',
    ]),
  },
];

const RESOURCES = [
  { name: 'Posts', text: 'Markdown bodies, tags, drafts, full-text search, CSV export.' },
  { name: 'Comments', text: 'Under a post, oldest first; authors edit, post authors moderate.' },
  { name: 'Tags', text: 'Every tag in use, with its count of published posts.' },
  { name: 'Users', text: 'Public profiles, and your own account at /me.' },
  { name: 'Tokens', text: 'Scoped bearer tokens: sign-in sessions and partner API keys.' },
];

const CLIENT_SNIPPET = `import { createClient } from '@folio/client';

const folio = createClient({ baseUrl: '${ORIGIN}', headers: () => ({ Authorization: \`Bearer \${token}\` }) });
const { data: post, error } = await folio.POST('${pathOf('createPost')}', { body: { title: 'Hello', status: 'published' } });
if (error) throw new Error(\`\${error.code}: \${error.detail}\`);`;

const PYTHON_SNIPPET = `pipx install openapi-python-client==0.29.1
openapi-python-client generate --url ${ORIGIN}/api/openapi.json --meta setup
pip install ./folio-api-client`;

export default function Home() {
  return (
    <>
      <header className="bar">
        <a className="wordmark" href="/" aria-label="Folio, home">
          Folio
        </a>
        <nav aria-label="Documentation">
          <a href="/api/docs">Reference</a>
          <a href="/api/openapi.json">openapi.json</a>
          <a href="#client">Client</a>
          <a href="#python">Python</a>
        </nav>
      </header>

      <main>
        <div className="top">
          <section className="hero" aria-labelledby="what">
            <p className="eyebrow">
              OpenAPI {document.openapi} · {document.info.title} {document.info.version}
            </p>
            <h1 id="what">A content API that keeps its word.</h1>
            <p className="lede">
              Folio is a contract-first content API: posts, comments, tags, users and tokens over HTTP. Its contracts validate every request
              and response, and generate the OpenAPI document, the typed client and the reference — so the document <em>is</em> the API.
            </p>
            <p className="soon">Coming next: events, webhooks and media.</p>
            <p className="actions">
              <a className="button primary" href="/api/docs">
                Interactive API reference
              </a>
              <a className="button" href="/api/openapi.json">
                OpenAPI document
              </a>
            </p>
          </section>

          <section aria-labelledby="quickstart" className="quickstart">
            <h2 id="quickstart">Quickstart: three requests</h2>
            <ol className="steps">
              {QUICKSTART.map((step) => (
                <li key={step.id} id={step.id}>
                  <h3>{step.title}</h3>
                  <p>{step.text.split('`').map((part, i) => (i % 2 ? <code key={i}>{part}</code> : part))}</p>
                  <pre tabIndex={0}>
                    <code data-step={step.id}>{step.command}</code>
                  </pre>
                </li>
              ))}
            </ol>
          </section>
        </div>

        <section aria-labelledby="resources">
          <h2 id="resources">What it serves</h2>
          <ul className="resources">
            {RESOURCES.map((resource) => (
              <li key={resource.name}>
                <strong>{resource.name}</strong> {resource.text}
              </li>
            ))}
          </ul>
        </section>

        <div className="pair">
          <section id="client" aria-labelledby="client-title">
            <h2 id="client-title">Typed client</h2>
            <p>
              <code>@folio/client</code> (in <code>client/</code>, see its <code>README.md</code>) types every path, parameter, body and problem
              from the document, retries safely and pages for you.
            </p>
            <pre tabIndex={0}>
              <code>{CLIENT_SNIPPET}</code>
            </pre>
          </section>

          <section id="python" aria-labelledby="python-title">
            <h2 id="python-title">Python SDK</h2>
            <p>
              Generate one from the document with <code>openapi-python-client</code>; Folio’s tests do the same on every run.
            </p>
            <pre tabIndex={0}>
              <code>{PYTHON_SNIPPET}</code>
            </pre>
          </section>
        </div>
      </main>

      <footer>
        <p>
          Errors are RFC 9457 problems. Every response carries an <code>X-Request-Id</code>: quote it when something goes wrong.
        </p>
      </footer>
    </>
  );
}
