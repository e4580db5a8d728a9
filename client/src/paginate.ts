import type { paths } from './schema.js';

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type PageBody = { data: readonly unknown[]; has_more: boolean; next_cursor: string | null };

/** The paths whose GET answers a cursor-paged envelope `{ data, has_more, next_cursor }`. */
export type PagedPath = {
  [P in keyof paths]: paths[P] extends { get: { responses: { 200: infer R } } } ? (JsonOf<R> extends PageBody ? P : never) : never;
}[keyof paths];

type GetOf<P extends PagedPath> = paths[P] extends { get: infer G } ? G : never;
export type PageItem<P extends PagedPath> = GetOf<P> extends { responses: { 200: infer R } } ? JsonOf<R> extends { data: readonly (infer I)[] } ? I : never : never;
type Params<P extends PagedPath> = GetOf<P> extends { parameters: infer X } ? X : never;
/** The list's parameters, without `cursor`: the iterator follows cursors itself. */
export type PageParams<P extends PagedPath> = {
  [K in keyof Params<P> as Params<P>[K] extends undefined ? never : K]: K extends 'query' ? Omit<NonNullable<Params<P>[K]>, 'cursor'> : Params<P>[K];
};

/** What `paginate` needs of a client: one typed GET. */
export interface PageFetcher {
  GET(path: string, init: { params: Record<string, unknown> }): Promise<{ data?: unknown; error?: unknown; response: Response }>;
}
