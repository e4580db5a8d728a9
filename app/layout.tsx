import type { ReactNode } from 'react';

export const metadata = {
  title: 'Folio',
  description: 'A contract-first content API.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', maxWidth: '42rem', margin: '4rem auto', padding: '0 1rem', lineHeight: 1.6 }}>
        {children}
      </body>
    </html>
  );
}
