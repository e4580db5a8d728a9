import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { errors, operations } from '@/contracts/index';
import { operationErrors } from '@/contracts/operation';

/**
 * The page a problem's `type` points at (`/problems/<code>`): what the problem means and what to
 * do, from its definition in the contracts — like Stripe's `doc_url`. One static page per code.
 */
export const dynamicParams = false;

export function generateStaticParams() {
  return errors.map((error) => ({ code: error.code }));
}

const byCode = (code: string) => errors.find((error) => error.code === code);

export async function generateMetadata({ params }: { params: Promise<{ code: string }> }): Promise<Metadata> {
  const error = byCode((await params).code);
  return { title: error ? `${error.code} — Folio problems` : 'Folio problems' };
}

export default async function ProblemPage({ params }: { params: Promise<{ code: string }> }) {
  const error = byCode((await params).code);
  if (!error) notFound();
  const raisedBy = operations.filter((op) => operationErrors(op).some((e) => e.code === error.code));
  return (
    <main>
      <p>
        <Link href="/problems">Problems</Link> · {`HTTP ${error.status}`}
      </p>
      <h1>
        <code>{error.code}</code>: {error.title}
      </h1>
      <h2>What it means</h2>
      <p>{error.explanation}</p>
      <h2>What to do</h2>
      <p>{error.remedy}</p>
      <h2>Operations that can answer with it</h2>
      {raisedBy.length > 0 ? (
        <ul>
          {raisedBy.map((op) => (
            <li key={op.operationId}>
              <code>
                {op.method.toUpperCase()} {op.path}
              </code>{' '}
              — {op.summary}
            </li>
          ))}
        </ul>
      ) : (
        <p>Any request: Folio’s front server answers it before an operation is chosen.</p>
      )}
      <p>
        Every problem is an RFC 9457 <code>application/problem+json</code> body with this <code>code</code>, a <code>detail</code> about
        the occurrence and the <code>request_id</code> to quote when reporting it.
      </p>
    </main>
  );
}
