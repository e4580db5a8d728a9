// Every operation of the API. The document, the route check and the client all start here.
import * as posts from './posts/operations.ts';
import * as tokens from './tokens/operations.ts';
import * as users from './users/operations.ts';

export const operations = [
  posts.listPosts,
  posts.createPost,
  posts.getPost,
  posts.updatePost,
  posts.deletePost,
  users.createUser,
  users.getUser,
  users.getMe,
  users.updateMe,
  tokens.createToken,
  tokens.listTokens,
  tokens.deleteToken,
] as const;

export { posts, tokens, users };
export type { OperationSpec } from './operation.ts';
