import Link from 'next/link';
import { errors } from '@/contracts/index';

export const metadata = { title: 'Problems — Folio' };

/** Every problem code Folio can answer with, each linking to its page. */
export default function Problems() {
  return (
    <main>
      <h1>Problems</h1>
      <p>
        Folio answers every error with an RFC 9457 problem (<code>application/problem+json</code>). Switch on its <code>code</code>;
        its <code>type</code> links here. The reference lists, for each operation and status, the codes it can answer with.
      </p>
      <table>
        <thead>
          <tr>
            <th>Status</th>
            <th>Code</th>
            <th>Title</th>
          </tr>
        </thead>
        <tbody>
          {errors.map((error) => (
            <tr key={error.code}>
              <td>{error.status}</td>
              <td>
                <Link href={`/problems/${error.code}`}>
                  <code>{error.code}</code>
                </Link>
              </td>
              <td>{error.title}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
