/**
 * Next.js calls register() once as a server starts (`npm start`, `npm run dev`); in production no
 * request is handled before it has finished. Only the Node.js runtime has a database to open.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { onServerStart } = await import('./server/on-start.ts');
    await onServerStart();
  }
}
