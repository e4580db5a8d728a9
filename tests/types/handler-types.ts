/**
 * Type-level tests, checked by `npm run typecheck` (tsc): every `@ts-expect-error` below must
 * stay an error. If the binding's types ever let one of these compile, tsc reports the unused
 * directive and the test suite fails.
 */
import * as contract from '../../contracts/posts/operations.ts';
import { defineOperation } from '../../contracts/operation.ts';
import { postNotFound, slugTaken } from '../../contracts/posts/errors.ts';
import type { PostResource } from '../../contracts/posts/schemas.ts';
import { PIPELINE_ERRORS } from '../../contracts/shared/errors.ts';
import { fail, type Failure } from '../../server/failure.ts';
import { bind } from '../../server/http/bind.ts';
import { respond } from '../../server/http/respond.ts';

const post = contract.getPost.responses[200].content.example;

// The shapes a contract allows compile.
bind(contract.getPost, async ({ params }) => ({ status: 200, body: { ...post, id: params.postId } }));
bind(contract.deletePost, async () => ({ status: 204 }));
bind(contract.createPost, async ({ body }) => ({
  status: 201,
  body: { ...post, title: body.title },
  headers: { Location: '/api/v1/posts/x' },
}));
bind(contract.listPosts, async ({ query }) => ({
  status: 200,
  body: { data: [post].slice(0, query.limit), has_more: false, next_cursor: null },
}));

// @ts-expect-error 404 is not a success response of getPost: problems are failures, not statuses
bind(contract.getPost, async () => ({ status: 404, body: post }));

// Failures the contract lists compile; any other does not.
bind(contract.getPost, async () => fail(postNotFound, 'No such post.'));
bind(contract.updatePost, async () => fail(PIPELINE_ERRORS.precondition_failed, 'Changed.'));

// @ts-expect-error getPost does not declare slug_taken
bind(contract.getPost, async () => fail(slugTaken, 'Taken.'));

// @ts-expect-error getPost does not declare forbidden (updatePost does)
bind(contract.getPost, async () => fail(PIPELINE_ERRORS.forbidden, 'No.'));

// A service's failures travel in its return type: a handler passing on one its contract lacks does not compile.
declare function findPostOrFail(): Promise<PostResource | Failure<typeof postNotFound> | Failure<typeof slugTaken>>;
bind(contract.updatePost, async () => respond(200, await findPostOrFail()));
// @ts-expect-error getPost declares post_not_found but not slug_taken
bind(contract.getPost, async () => respond(200, await findPostOrFail()));

// @ts-expect-error 201 is declared on createPost, not on getPost
bind(contract.getPost, async () => ({ status: 201, body: post, headers: { Location: '/x' } }));

// @ts-expect-error the body lacks required fields of Post
bind(contract.getPost, async () => ({ status: 200, body: { id: 'post_x' } }));

// @ts-expect-error a field of the wrong type
bind(contract.getPost, async () => ({ status: 200, body: { ...post, tags: 'one' } }));

// (An extra, undeclared field is not a compile error — TypeScript checks excess properties only
// in some positions — so the binding catches it at run time: see tests/unit/bind.test.ts.)

// @ts-expect-error 201 must send the declared Location header
bind(contract.createPost, async () => ({ status: 201, body: post }));

// @ts-expect-error 204 has no body
bind(contract.deletePost, async () => ({ status: 204, body: post }));

bind(contract.updatePost, async ({ params, body }) => {
  // Inputs are typed from the contract: params.postId is a string, body fields are optional.
  const id: string = params.postId;
  // @ts-expect-error `title` may be absent in a PATCH body
  const title: string = body.title;
  // @ts-expect-error there is no `author` in the request
  void body.author;
  return { status: 200, body: { ...post, id, title } };
});

// @ts-expect-error listPosts has no path parameters
bind(contract.listPosts, async ({ params }) => ({ status: 200, body: { data: [], has_more: false, next_cursor: params.postId } }));

// Fail closed: a contract that does not say who may call it does not compile.
// @ts-expect-error `auth` is required
defineOperation({
  operationId: 'getNothing',
  method: 'get',
  path: '/api/v1/nothing',
  summary: 'Nothing',
  description: 'Declares no auth.',
  tags: ['Test'],
  responses: { 204: { description: 'Nothing.' } },
  errors: [],
});

// Handlers see the caller the contract's auth implies: always for bearer, maybe for optional.
bind(contract.deletePost, async ({ caller }) => {
  const userId: string = caller.userId;
  void userId;
  return { status: 204 };
});
bind(contract.getPost, async ({ caller }) => {
  // @ts-expect-error getPost's auth is optional: the caller may be null
  const userId: string = caller.userId;
  return { status: 200, body: { ...post, id: userId } };
});
