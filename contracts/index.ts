// Every operation of the API. The document, the route check and the client all start here.
import * as posts from './posts/operations.ts';

export const operations = [posts.listPosts, posts.createPost, posts.getPost, posts.updatePost, posts.deletePost] as const;

export { posts };
export type { OperationSpec } from './operation.ts';
