"""Drives a running Folio through the Python SDK generated from the committed openapi.json.

    python smoke.py --base-url http://127.0.0.1:3000

Only the generated package (`folio_api_client`) talks to the server: it registers an account,
signs in, walks a post through create, read, paged list, update and delete, reads the events that
left, and checks that errors arrive as the documented problems.

Then it plays a newer server: a local stub answers with bodies taken from the real answers above,
each changed the way a later version of the API may change it — a problem code, an enum value, an
event type that this package was generated without — and checks that the package parses them to
its fallbacks (the generic Problem, an unnamed enum member, UnknownVariant) instead of raising.

One line per step; exits non-zero when any step fails.
Run by `npm run test:sdk` (scripts/sdk-smoke.ts), which generates and installs the package first.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import struct
import sys
import threading
import traceback
import uuid
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from folio_api_client import AuthenticatedClient, Client
from folio_api_client.api.events import list_events
from folio_api_client.api.media import create_media, get_media, get_media_content
from folio_api_client.api.posts import create_post, delete_post, get_post, list_posts, update_post
from folio_api_client.api.tokens import create_token
from folio_api_client.api.users import create_user, get_me
from folio_api_client.models import (
    EventPage,
    ListEventsTypesItem,
    CreateMediaBody,
    Me,
    Media,
    Post,
    PostCreate,
    PostCreatedEvent,
    PostCreateStatus,
    PostDeletedEvent,
    PostEventDataStatus,
    PostPage,
    PostPublishedEvent,
    PostStatus,
    PostUpdate,
    PostUpdatedEvent,
    PostNotFoundProblem,
    PreconditionFailedProblem,
    Problem,
    TokenCreate,
    TokenCreated,
    UserCreate,
    UserCreatedEvent,
    UnauthorizedProblem,
    ValidationFailedProblem,
)
from folio_api_client.types import UNSET, File, Response, UnknownVariant, Unset

PASSWORD = "correct horse battery staple"


def png(width: int, height: int) -> bytes:
    """A real PNG (8-bit RGB, a gradient), written with the standard library alone."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes((x * 7 + y * 13) % 256 for x in range(width) for _ in range(3)) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


class StepFailed(AssertionError):
    pass


def expect(response: Response[Any], status: int, model: type) -> Any:
    """The parsed body of a response that must have this status and parse as this model."""
    if response.status_code != status or not isinstance(response.parsed, model):
        raise StepFailed(
            f"expected {status} {model.__name__}, got {int(response.status_code)} "
            f"{type(response.parsed).__name__}: {response.content.decode(errors='replace')}"
        )
    return response.parsed


def check(condition: bool, message: str) -> None:
    if not condition:
        raise StepFailed(message)


class NewerServer:
    """A stand-in for a later version of Folio, on a free local port: it answers a method and path with
    the status and JSON body set for them in `answers` (the tests take them from real answers, changed)."""

    def __init__(self) -> None:
        self.answers: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
        answers = self.answers

        class Handler(BaseHTTPRequestHandler):
            def answer(self) -> None:
                self.rfile.read(int(self.headers.get("content-length") or 0))  # the request body, unread
                status, body = answers[(self.command, urlsplit(self.path).path)]
                content = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/problem+json" if status >= 400 else "application/json")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = answer

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 — the base class's name
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def client(self) -> AuthenticatedClient:
        return AuthenticatedClient(base_url=self.url, token="any", raise_on_unexpected_status=True)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Smoke:
    def __init__(self, base_url: str, newer: NewerServer) -> None:
        self.base_url = base_url
        self.newer = newer
        # Undocumented statuses raise instead of parsing to None: the document must list them all.
        self.anonymous = Client(base_url=base_url, raise_on_unexpected_status=True)
        self.name = f"sdk_{uuid.uuid4().hex[:12]}"
        self.client: AuthenticatedClient
        self.me: Me
        self.post: Post
        self.etag = ""
        # Real answers, as the server sent them: the newer server's bodies are made from these.
        self.sent: dict[str, dict[str, Any]] = {}
        self.media: Media
        self.image = png(24, 16)

    def register(self) -> str:
        body = UserCreate(email=f"{self.name}@example.com", username=self.name, display_name="SDK Smoke", password=PASSWORD)
        me = expect(create_user.sync_detailed(client=self.anonymous, body=body), 201, Me)
        check(me.username == self.name, f"registered as {me.username!r}")
        self.me = me
        return f"201, user {me.id}"

    def sign_in(self) -> str:
        body = TokenCreate(email=f"{self.name}@example.com", password=PASSWORD, name="sdk smoke")
        created = expect(create_token.sync_detailed(client=self.anonymous, body=body), 201, TokenCreated)
        check(created.token != "", "empty token")
        self.client = AuthenticatedClient(base_url=self.base_url, token=created.token, raise_on_unexpected_status=True)
        me = expect(get_me.sync_detailed(client=self.client), 200, Me)
        check(me.username == self.name, f"the token belongs to {me.username!r}")
        return f"201, token {created.id} with {', '.join(str(s) for s in created.scopes)}; getMe → {me.username}"

    def create(self) -> str:
        body = PostCreate(
            title="Hello from Python",
            body="Written by the **generated** SDK.",
            status=PostCreateStatus.PUBLISHED,
            tags=["sdk-smoke"],
        )
        response = create_post.sync_detailed(client=self.client, body=body)
        self.post = expect(response, 201, Post)
        check(self.post.title == "Hello from Python", f"title {self.post.title!r}")
        check(self.post.author.username == self.name, f"author {self.post.author.username!r}")
        check(self.post.tags == ["sdk-smoke"], f"tags {self.post.tags!r}")
        check(self.post.published_at is not None, "a published post without published_at")
        return f"201, {self.post.id} ({self.post.slug}), Location {response.headers.get('location')}"

    def read(self) -> str:
        response = get_post.sync_detailed(self.post.id, client=self.client)
        post = expect(response, 200, Post)
        check((post.id, post.title, post.body) == (self.post.id, self.post.title, self.post.body), f"read back {post!r}")
        check(post.created_at.tzinfo is not None, "created_at without a time zone")
        self.etag = response.headers.get("etag", "")
        check(self.etag != "", "no ETag")
        self.sent["post"] = json.loads(response.content)
        return f"200, same post, ETag {self.etag}"

    def list_paged(self) -> str:
        created = [self.post.id]
        for n in range(2, 6):
            body = PostCreate(title=f"Paging post {n}", status=PostCreateStatus.PUBLISHED)
            created.append(expect(create_post.sync_detailed(client=self.client, body=body), 201, Post).id)
        seen: list[str] = []
        sizes: list[int] = []
        cursor: str | Unset = UNSET
        for _ in range(10):
            page = expect(list_posts.sync_detailed(client=self.client, author=self.name, limit=2, cursor=cursor), 200, PostPage)
            sizes.append(len(page.data))
            seen.extend(post.id for post in page.data)
            check(
                page.has_more == (page.next_cursor is not None), f"has_more {page.has_more} with next_cursor {page.next_cursor!r}"
            )
            if not page.has_more:
                break
            cursor = page.next_cursor or UNSET
        check(len(seen) == len(set(seen)), f"duplicates across pages: {seen}")
        check(sorted(seen) == sorted(created), f"listed {seen}, created {created}")
        check(seen == list(reversed(created)), f"not newest first: {seen}")
        check(sizes == [2, 2, 1], f"page sizes {sizes}")
        return f"5 posts in pages of {sizes}, newest first, no duplicates"

    def update(self) -> str:
        body = PostUpdate(title="Hello again from Python", tags=["sdk-smoke", "updated"])
        response = update_post.sync_detailed(self.post.id, client=self.client, body=body, if_match=self.etag)
        post = expect(response, 200, Post)
        check(post.title == "Hello again from Python", f"title {post.title!r}")
        check(post.tags == ["sdk-smoke", "updated"], f"tags {post.tags!r}")
        check(post.body == self.post.body, "PATCH changed a field it did not send")
        check(post.updated_at >= self.post.updated_at, "updated_at went backwards")
        stale = update_post.sync_detailed(self.post.id, client=self.client, body=body, if_match=self.etag)
        # Each status of each operation is typed with exactly the problem codes it can carry.
        problem = expect(stale, 412, PreconditionFailedProblem)
        check(problem.code.value == "precondition_failed", f"code {problem.code}")
        check(problem.type_.value == "/problems/precondition_failed", f"type {problem.type_}")
        return "200 with If-Match, title and tags changed; the stale ETag then gets 412 precondition_failed"

    def delete(self) -> str:
        response = delete_post.sync_detailed(self.post.id, client=self.client)
        check(response.status_code == 204, f"expected 204, got {int(response.status_code)}: {response.content!r}")
        return "204"

    def read_deleted(self) -> str:
        response = get_post.sync_detailed(self.post.id, client=self.client)
        problem = expect(response, 404, PostNotFoundProblem)
        check(problem.code.value == "post_not_found", f"code {problem.code}")
        check(problem.request_id == response.headers.get("x-request-id"), "request_id differs from X-Request-Id")
        self.sent["post_not_found"] = json.loads(response.content)
        return f"404 {problem.code.value}, request_id {problem.request_id}"

    def list_events(self) -> str:
        # The post's events in order, typed by `type`, among the rest of the log (other posts, accounts).
        wanted = [ListEventsTypesItem.USER_CREATED, ListEventsTypesItem.POST_CREATED, ListEventsTypesItem.POST_PUBLISHED]
        wanted += [ListEventsTypesItem.POST_UPDATED, ListEventsTypesItem.POST_DELETED]
        events: list[Any] = []
        cursor: str | Unset = UNSET
        for _ in range(20):
            response = list_events.sync_detailed(client=self.client, types=wanted, limit=100, cursor=cursor)
            page = expect(response, 200, EventPage)
            self.sent["events"] = json.loads(response.content)
            events.extend(page.data)
            if not page.has_more:
                break
            cursor = page.next_cursor or UNSET
        check(not any(isinstance(event, UnknownVariant) for event in events), f"unknown events from this server: {events}")
        kinds = {type(event).__name__ for event in events}
        check(kinds <= {"UserCreatedEvent", "PostCreatedEvent", "PostPublishedEvent", "PostUpdatedEvent", "PostDeletedEvent"}, f"kinds {kinds}")
        mine = [event for event in events if not isinstance(event, UserCreatedEvent) and event.data.post_id == self.post.id]
        lifecycle = [PostCreatedEvent, PostPublishedEvent, PostUpdatedEvent, PostDeletedEvent]
        check([type(event) for event in mine] == lifecycle, f"the post's events: {[event.type_.value for event in mine]}")
        check(all(event.data.status == PostEventDataStatus.PUBLISHED for event in mine), f"statuses {[e.data.status for e in mine]}")
        joined = [e for e in events if isinstance(e, UserCreatedEvent) and e.data.user_id == self.me.id]
        check(len(joined) == 1 and joined[0].data.username == self.name, f"user.created for {self.me.id}: {joined}")
        ids = [event.id for event in events]  # "in log order", says the document
        check(ids == sorted(ids) and len(set(ids)) == len(ids), f"not oldest first: {[(e.id, e.type_.value) for e in events]}")
        return f"{len(events)} events, oldest first; the post's: {', '.join(event.type_.value for event in mine)}"

    def newer_problem_code(self) -> str:
        # A later version may answer with a code this package was generated without — at a status
        # with one documented code (getPost 404) and at one with several (createPost 409).
        archived = self.sent["post_not_found"] | {"type": "/problems/post_archived", "title": "Post archived", "code": "post_archived"}
        self.newer.answers[("GET", f"/api/v1/posts/{self.post.id}")] = (404, archived)
        self.newer.answers[("POST", "/api/v1/posts")] = (409, archived | {"type": "/problems/post_limit_reached", "status": 409, "code": "post_limit_reached"})
        client = self.newer.client()
        problem = expect(get_post.sync_detailed(self.post.id, client=client), 404, Problem)
        check((problem.code, problem.request_id) == ("post_archived", archived["request_id"]), f"parsed {problem!r}")
        conflict = expect(create_post.sync_detailed(client=client, body=PostCreate(title="Later")), 409, Problem)
        check(conflict.code == "post_limit_reached", f"parsed {conflict!r}")
        return "404 post_archived and 409 post_limit_reached parse to the generic Problem"

    def newer_enum_value(self) -> str:
        # A later version may add a post status ("archived"): the Post still parses, the status kept.
        archived = self.sent["post"] | {"status": "archived"}
        self.newer.answers[("GET", f"/api/v1/posts/{self.post.id}")] = (200, archived)
        post = expect(get_post.sync_detailed(self.post.id, client=self.newer.client()), 200, Post)
        check(isinstance(post.status, PostStatus) and post.status.value == "archived", f"status {post.status!r}")
        check(post.status.name is None and post.status not in (PostStatus.DRAFT, PostStatus.PUBLISHED), f"status {post.status!r}")
        check(post.to_dict()["status"] == "archived", "the status does not survive to_dict()")
        return f"Post.status {post.status.value!r}: a PostStatus with no name, equal to no known one"

    def newer_event_type(self) -> str:
        # A later version may log a new event type, and a new status inside a known one.
        real = self.sent["events"]["data"]
        check(len(real) > 0, "no event to start from")
        known = real[-1]
        added = known | {"type": "post.archived"}
        changed = known | {"type": "post.updated", "data": known["data"] | {"status": "archived"}}
        body = {"data": [known, added, changed], "has_more": False, "next_cursor": None}
        self.newer.answers[("GET", "/api/v1/events")] = (200, body)
        page = expect(list_events.sync_detailed(client=self.newer.client()), 200, EventPage)
        first, unknown, updated = page.data
        check(not isinstance(first, UnknownVariant) and first.type_.value == known["type"], f"the known event parsed as {first!r}")
        check(isinstance(unknown, UnknownVariant) and unknown.raw == added, f"the new type parsed as {unknown!r}")
        check(page.to_dict()["data"][1] == added, "the new event does not survive to_dict()")
        check(isinstance(updated, PostUpdatedEvent) and updated.data.status.value == "archived", f"parsed {updated!r}")
        return "post.archived parses to UnknownVariant (raw kept); post.updated with status archived still typed"

    def without_token(self) -> str:
        # The anonymous client on an operation that needs a token: the server, not the SDK, says no.
        response = create_post.sync_detailed(client=self.anonymous, body=PostCreate(title="Nobody"))  # type: ignore[arg-type]
        problem = expect(response, 401, UnauthorizedProblem)
        check(problem.code.value == "unauthorized", f"code {problem.code}")
        check(response.headers.get("www-authenticate", "").startswith("Bearer"), "no Bearer challenge")
        return f"401 {problem.code.value}, WWW-Authenticate {response.headers.get('www-authenticate')}"

    def upload(self) -> str:
        body = CreateMediaBody(alt="A gradient", file=File(payload=io.BytesIO(self.image), file_name="gradient.png", mime_type="image/png"))
        response = create_media.sync_detailed(client=self.client, body=body)
        self.media = expect(response, 201, Media)
        check(self.media.content_type.value == "image/png", f"content_type {self.media.content_type}")
        check((self.media.width, self.media.height) == (24, 16), f"dimensions {self.media.width}×{self.media.height}")
        check(self.media.sha256 == hashlib.sha256(self.image).hexdigest(), "sha256 differs from the bytes sent")
        return f"201, {self.media.id} ({self.media.size} bytes), Location {response.headers.get('location')}"

    def read_media(self) -> str:
        media = expect(get_media.sync_detailed(self.media.id, client=self.client), 200, Media)
        check((media.filename, media.alt, media.size) == ("gradient.png", "A gradient", len(self.image)), f"read back {media!r}")
        return f"200, {media.filename}, {media.width}×{media.height}, alt {media.alt!r}"

    def download(self) -> str:
        whole = get_media_content.sync_detailed(self.media.id, client=self.client)
        check(whole.status_code == 200 and isinstance(whole.parsed, File), f"expected 200 File, got {int(whole.status_code)}")
        check(whole.parsed.payload.read() == self.image, "downloaded bytes differ from the upload")
        part = get_media_content.sync_detailed(self.media.id, client=self.client, range_="bytes=0-7")
        check(part.status_code == 206 and isinstance(part.parsed, File), f"expected 206 File, got {int(part.status_code)}")
        check(part.parsed.payload.read() == self.image[:8], "the range's bytes differ")
        return f"200 with the same {len(self.image)} bytes (ETag {whole.headers.get('etag')}); Range bytes=0-7 → 206"

    def invalid_query(self) -> str:
        problem = expect(list_posts.sync_detailed(client=self.client, limit=0), 400, ValidationFailedProblem)
        pointers = [issue.pointer for issue in problem.errors]
        check(any("limit" in pointer for pointer in pointers), f"pointers {pointers}")
        return f"400 {problem.code.value} at {', '.join(pointers)}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--tally", help="write {passed, failed, skipped} as JSON here (for npm test's summary)")
    args = parser.parse_args()
    newer = NewerServer()
    smoke = Smoke(args.base_url, newer)
    steps: list[tuple[str, Callable[[], str]]] = [
        ("register (createUser)", smoke.register),
        ("sign in (createToken, getMe)", smoke.sign_in),
        ("create a post (createPost)", smoke.create),
        ("read it (getPost)", smoke.read),
        ("list with paging (listPosts, limit=2)", smoke.list_paged),
        ("update it (updatePost)", smoke.update),
        ("delete it (deletePost)", smoke.delete),
        ("read the deleted post (getPost)", smoke.read_deleted),
        ("its events (listEvents)", smoke.list_events),
        ("create without a token (createPost)", smoke.without_token),
        ("invalid query (listPosts, limit=0)", smoke.invalid_query),
        ("a newer server's problem code (getPost, createPost)", smoke.newer_problem_code),
        ("a newer server's enum value (getPost)", smoke.newer_enum_value),
        ("a newer server's event type (listEvents)", smoke.newer_event_type),
        ("upload a PNG (createMedia)", smoke.upload),
        ("read its metadata (getMedia)", smoke.read_media),
        ("download it, whole and a range (getMediaContent)", smoke.download),
    ]
    passed = failed = 0
    for name, run in steps:
        try:
            detail = run()
        except StepFailed as error:
            failed += 1
            print(f"FAIL {name}: {error}")
        except Exception:  # noqa: BLE001 — an SDK crash is a failed step, with its traceback
            failed += 1
            print(f"FAIL {name}:\n{traceback.format_exc()}")
        else:
            passed += 1
            print(f"ok   {name}: {detail}")
    newer.close()
    print(f"sdk smoke: {passed} passed, {failed} failed")
    if args.tally:
        with open(args.tally, "w", encoding="utf-8") as out:
            json.dump({"passed": passed, "failed": failed, "skipped": 0}, out)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
