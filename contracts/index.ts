// Every operation of the API. The document, the route check and the client all start here.
import * as comments from './comments/operations.ts';
import * as posts from './posts/operations.ts';
import * as tagOps from './tags/operations.ts';
import * as tokens from './tokens/operations.ts';
import * as users from './users/operations.ts';

export const operations = [
  posts.listPosts,
  posts.createPost,
  posts.getPost,
  posts.updatePost,
  posts.deletePost,
  comments.listComments,
  comments.createComment,
  comments.getComment,
  comments.updateComment,
  comments.deleteComment,
  tagOps.listTags,
  users.createUser,
  users.getUser,
  users.getMe,
  users.updateMe,
  tokens.createToken,
  tokens.listTokens,
  tokens.deleteToken,
] as const;

export { comments, posts, tagOps as tags, tokens, users };
export type { OperationSpec } from './operation.ts';
