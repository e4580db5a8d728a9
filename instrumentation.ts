/**
 * Next.js calls register() once as a server starts (`npm start`, `npm run dev`); in production no
 * request is handled before it has finished. Only the Node.js runtime has a database to open.
 * Telemetry starts first, so that it instruments the database driver before anything loads it.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startTelemetry } = await import('./server/telemetry/start.ts');
    await startTelemetry();
    const { onServerStart } = await import('./server/on-start.ts');
    await onServerStart();
  }
}
