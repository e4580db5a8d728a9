import document from '@/openapi.json';

export default function Home() {
  return (
    <main>
      <h1>Folio</h1>
      <p>
        Folio is a contract-first content API. Its Zod contracts are the single source of truth: they validate every request
        and response, and generate the OpenAPI {document.openapi} document, the typed client and the reference below.
      </p>
      {/* Plain links: both targets are route handlers, not pages, so client-side navigation does not apply. */}
      {/* eslint-disable @next/next/no-html-link-for-pages */}
      <ul>
        <li>
          <a href="/api/docs">Interactive API reference</a> — every operation, with examples you can try.
        </li>
        <li>
          <a href="/api/openapi.json">OpenAPI document</a> — {document.info.title} {document.info.version}, for SDK generators and tools.
        </li>
      </ul>
      {/* eslint-enable @next/next/no-html-link-for-pages */}
    </main>
  );
}
