import { readFileSync } from 'node:fs';

export interface DocumentedPath {
  template: string;
  /** The methods the path answers, as the `Allow` header lists them. */
  allow: string[];
  /** Matches the path's raw (still percent-encoded) form; each path parameter is a named group. */
  pattern: RegExp;
}

/** The paths of the committed document, for the answers the front server gives itself. */
export function documentedPaths(): DocumentedPath[] {
  const document = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8')) as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(document.paths).map(([template, item]) => {
    const methods = Object.keys(item).map((m) => m.toUpperCase());
    return {
      template,
      allow: [...methods, ...(methods.includes('GET') ? ['HEAD'] : []), 'OPTIONS'],
      pattern: new RegExp(`^${template.replace(/\{([^}/]+)\}/g, '(?<$1>[^/]+)')}$`),
    };
  });
}

/** The documented path `pathname` is on, with its raw path parameters. */
export function findPath(paths: DocumentedPath[], pathname: string): { path: DocumentedPath; params: Record<string, string> } | undefined {
  for (const path of paths) {
    const match = path.pattern.exec(pathname);
    if (match) return { path, params: { ...match.groups } };
  }
  return undefined;
}
