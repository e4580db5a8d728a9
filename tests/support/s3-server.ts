/**
 * A real S3-compatible server for the S3 driver's tests: moto's server mode, pinned, installed from
 * PyPI into `.venv-s3` on first use (as scripts/contract-test.ts installs Schemathesis into
 * `.venv`), listening on a free port of 127.0.0.1, with an empty bucket.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort, REPO_ROOT } from '../../scripts/lib/folio-process.ts';

const MOTO = '5.2.5';
const VENV = join(REPO_ROOT, '.venv-s3');

function ensureMoto(): string {
  const server = join(VENV, 'bin', 'moto_server');
  const pip = join(VENV, 'bin', 'pip');
  const installed = existsSync(pip) && spawnSync(pip, ['show', 'moto'], { encoding: 'utf8' }).stdout.includes(`Version: ${MOTO}`);
  if (!installed) {
    rmSync(VENV, { recursive: true, force: true });
    execFileSync('python3', ['-m', 'venv', VENV], { stdio: 'inherit' });
    execFileSync(pip, ['install', '--quiet', '--disable-pip-version-check', `moto[server]==${MOTO}`], { stdio: 'inherit' });
  }
  return server;
}

export interface S3Server {
  endpoint: string;
  bucket: string;
  /** What a Folio server needs to use it (FOLIO_MEDIA_DRIVER=s3 and the rest). */
  env: Record<string, string>;
  client: S3Client;
  stop(): Promise<void>;
}

export async function startS3(bucket = 'folio-media'): Promise<S3Server> {
  const binary = ensureMoto();
  const port = await freePort();
  const child: ChildProcess = spawn(binary, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await (await fetch(endpoint)).arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`moto did not start on ${endpoint}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const credentials = { accessKeyId: 'folio-test', secretAccessKey: 'folio-test-secret' };
  const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    endpoint,
    bucket,
    client,
    env: {
      FOLIO_MEDIA_DRIVER: 's3',
      FOLIO_S3_ENDPOINT: endpoint,
      FOLIO_S3_BUCKET: bucket,
      FOLIO_S3_REGION: 'us-east-1',
      FOLIO_S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    },
    async stop() {
      client.destroy();
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}
