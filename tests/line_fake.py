"""A local fake of LINE's Messaging API and data API: records requests, checks them against the spec.

`url` stands for https://api.line.me and `data_url` for https://api-data.line.me (same server, the
data host under a /data prefix). Bodies are checked against LINE's OpenAPI spec (tests/line_spec.py);
what does not fit is answered 400, as LINE would, and kept in `violations`.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Any

from tests import line_spec
from tests.http_fake import Answer, FakeServer

DATA_PREFIX = "/data"
IMAGE_MAX_BYTES = 1024 * 1024


@dataclass
class Request:
    """One request the fake received, and how it answered."""

    method: str
    path: str
    host: str  # "api" or "data"
    headers: dict[str, str]
    body: bytes
    json: Any
    status: int = 0
    accepted: bool = False  # LINE did it (even when the answer said otherwise, see fail_next)


@dataclass
class Failure:
    """A planned error answer (see `fail_next`)."""

    status: int
    count: int
    path: str | None
    retry_after: int | None
    message: str
    accept: bool


class FakeLineApi:
    """LINE as the bot sees it; one per test session, `reset()` between tests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._server = FakeServer(self._from_http)
        self.url = self._server.url
        self.data_url = self.url + DATA_PREFIX
        self.reset()

    def reset(self) -> None:
        """Forget everything (a new test)."""
        self.requests: list[Request] = []
        self.violations: list[str] = []
        self.failures: list[Failure] = []
        self.accepted_keys: dict[str, str] = {}  # X-Line-Retry-Key -> request id
        self.used_reply_tokens: set[str] = set()
        self.quota: int | None = 1000  # None: unlimited
        self.consumption = 0
        self.profiles: dict[str, dict] = {}
        self.rich_menus: dict[str, dict] = {}
        self.images: dict[str, tuple[str, bytes]] = {}
        self.default_rich_menu: str | None = None
        self.links: dict[str, str] = {}
        self.aliases: dict[str, str] = {}
        self.rate_limits: dict[str, int] = {}  # path part -> calls a second (see limit_rate)
        self.recent: dict[str, deque] = {}
        self.rate_limited = 0  # 429s answered because a rate limit was broken
        self.contents: dict[str, bytes] = {}  # message id -> what a person sent (an image)
        self.slow: dict[str, float] = {}  # path part -> seconds each answer takes (see slow_down)

    def close(self) -> None:
        self._server.close()

    def _from_http(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Answer:
        path, host = raw_path.split("?")[0], "api"
        if path.startswith(DATA_PREFIX + "/"):
            path, host = path[len(DATA_PREFIX) :], "data"
        parsed = None
        if "json" in headers.get("content-type", "") and body:
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None  # the spec check reports it
        return self.handle(Request(method, path, host, headers, body, parsed))

    # -- what tests use -----------------------------------------------------------------

    def fail_next(
        self,
        status: int,
        count: int = 1,
        path: str | None = None,
        retry_after: int | None = None,
        message: str = "error",
        accept: bool = False,
    ) -> None:
        """Answer the next `count` requests (to a path containing `path`) with `status`.

        accept=True: LINE takes the request (the retry key is spent) but the answer is lost.
        """
        self.failures.append(Failure(status, count, path, retry_after, message, accept))

    def limit_rate(self, path_substring: str, per_second: int) -> None:
        """Like LINE: calls to a matching path beyond `per_second` in any one second get 429."""
        self.rate_limits[path_substring] = per_second

    def slow_down(self, path_substring: str, seconds: float) -> None:
        """Answer calls to a matching path only after `seconds` (each on its own, in parallel)."""
        self.slow[path_substring] = seconds

    def calls(self, path_substring: str = "") -> list[Request]:
        """Every request whose path contains the substring."""
        return [r for r in self.requests if path_substring in r.path]

    def delivered(self, path_substring: str = "/v2/bot/message/") -> list[Request]:
        """The requests LINE carried out whose path contains the substring."""
        return [r for r in self.calls(path_substring) if r.accepted]

    def sent_messages(self) -> list[dict]:
        """Every message object LINE accepted to send (reply, push, multicast)."""
        return [m for r in self.delivered() for m in (r.json or {}).get("messages", [])]

    # -- answering ------------------------------------------------------------------------

    def handle(self, request: Request) -> Answer:
        time.sleep(max((s for part, s in self.slow.items() if part in request.path), default=0))
        with self._lock:
            self.requests.append(request)
            answer = self._answer(request)
            request.status = answer.status
            answer.headers.setdefault("x-line-request-id", str(uuid.uuid4()))
            return answer

    def _answer(self, request: Request) -> Answer:
        if not request.headers.get("authorization", "").startswith("Bearer "):
            return _error(401, "Authentication failed due to the following reason: no token")
        if self._over_rate(request.path):
            self.rate_limited += 1
            return Answer(
                429, {"message": "The API rate limit has been exceeded. Try again later."}, {"Retry-After": "1"}
            )
        operation = line_spec.find(request.method, request.path)
        if operation is None or operation.data_host != (request.host == "data"):
            return _error(404, "Not found")
        refused = self._check(operation, request)
        if refused is not None:
            return refused
        failure = self._planned_failure(request.path)
        if failure is not None and not failure.accept:
            return _failure_answer(failure)
        answer = self._respond(operation.operation_id, request)
        request.accepted = 200 <= answer.status < 300
        key = request.headers.get("x-line-retry-key")
        if key and request.accepted:
            self.accepted_keys[key] = str(uuid.uuid4())
        return _failure_answer(failure) if failure is not None else answer

    def _over_rate(self, path: str) -> bool:
        """Whether this call breaks a rate limit (a sliding one-second window of calls let through)."""
        for part, per_second in self.rate_limits.items():
            if part in path:
                window, now = self.recent.setdefault(part, deque()), time.monotonic()
                while window and window[0] <= now - 1.0:
                    window.popleft()
                if len(window) >= per_second:
                    return True
                window.append(now)
        return False

    def _check(self, operation: line_spec.Operation, request: Request) -> Answer | None:
        """A spec violation (400) or a repeated retry key (409), else None."""
        if operation.body_schema:
            problems = line_spec.problems(operation.body_schema, request.json)
            if problems:
                self.violations.extend(f"{request.method} {request.path}: {p}" for p in problems)
                return _error(400, "The request body has 1 error(s)", problems)
        key = request.headers.get("x-line-retry-key")
        if key is not None:
            try:
                uuid.UUID(key)
            except ValueError:
                self.violations.append(f"{request.path}: X-Line-Retry-Key {key!r} is not a UUID")
                return _error(400, "The retry key is invalid")
            if key in self.accepted_keys:
                return Answer(
                    409,
                    {"message": "The retry key is already accepted"},
                    {"x-line-accepted-request-id": self.accepted_keys[key]},
                )
        return None

    def _planned_failure(self, path: str) -> Failure | None:
        for failure in self.failures:
            if failure.count > 0 and (failure.path is None or failure.path in path):
                failure.count -= 1
                return failure
        return None

    def _respond(self, operation_id: str, request: Request) -> Answer:
        responder = getattr(self, "_" + operation_id, None)
        if responder is None:
            return Answer(200, {})
        return responder(request, request.path.rstrip("/").split("/"))

    # -- endpoints (named after the spec's operationId) -------------------------------------

    def _replyMessage(self, request: Request, parts: list[str]) -> Answer:
        token = request.json["replyToken"]
        if token in self.used_reply_tokens:
            return _error(400, "Invalid reply token")
        self.used_reply_tokens.add(token)
        return Answer(200, _sent(request.json["messages"]))

    def _getMessageContent(self, request: Request, parts: list[str]) -> Answer:
        found = self.contents.get(parts[-2])
        if found is None:
            return _error(404, "Not found")
        return Answer(200, found, {"Content-Type": "image/jpeg"})

    def _pushMessage(self, request: Request, parts: list[str]) -> Answer:
        self.consumption += len(request.json["messages"])
        return Answer(200, _sent(request.json["messages"]))

    def _multicast(self, request: Request, parts: list[str]) -> Answer:
        self.consumption += len(request.json["to"]) * len(request.json["messages"])
        return Answer(200, {})

    def _showLoadingAnimation(self, request: Request, parts: list[str]) -> Answer:
        return Answer(202, {})

    def _getProfile(self, request: Request, parts: list[str]) -> Answer:
        user_id = parts[-1]
        profile = self.profiles.get(user_id, {"displayName": f"LINE {user_id[:6]}", "language": "ja"})
        return Answer(200, {"userId": user_id, **profile})

    def _getMessageQuota(self, request: Request, parts: list[str]) -> Answer:
        if self.quota is None:
            return Answer(200, {"type": "none"})
        return Answer(200, {"type": "limited", "value": self.quota})

    def _getMessageQuotaConsumption(self, request: Request, parts: list[str]) -> Answer:
        return Answer(200, {"totalUsage": self.consumption})

    def _createRichMenu(self, request: Request, parts: list[str]) -> Answer:
        menu_id = f"richmenu-{uuid.uuid4().hex}"
        self.rich_menus[menu_id] = request.json
        return Answer(200, {"richMenuId": menu_id})

    def _setRichMenuImage(self, request: Request, parts: list[str]) -> Answer:
        menu_id, kind = parts[-2], request.headers.get("content-type", "")
        if menu_id not in self.rich_menus:
            return _error(404, "Not found")
        if kind not in ("image/png", "image/jpeg") or len(request.body) > IMAGE_MAX_BYTES:
            self.violations.append(f"rich menu image refused: {kind}, {len(request.body)} bytes")
            return _error(400, "An invalid image was uploaded")
        if menu_id in self.images:
            return _error(400, "An image has already been uploaded to the richmenu")
        self.images[menu_id] = (kind, request.body)
        return Answer(200, {})

    def _getRichMenuList(self, request: Request, parts: list[str]) -> Answer:
        return Answer(200, {"richmenus": [{"richMenuId": k, **v} for k, v in self.rich_menus.items()]})

    def _deleteRichMenu(self, request: Request, parts: list[str]) -> Answer:
        if self.rich_menus.pop(parts[-1], None) is None:
            return _error(404, "Not found")
        self.images.pop(parts[-1], None)
        return Answer(200, {})

    def _setDefaultRichMenu(self, request: Request, parts: list[str]) -> Answer:
        if parts[-1] not in self.rich_menus or parts[-1] not in self.images:
            return _error(400, "must upload richmenu image before applying it to user")
        self.default_rich_menu = parts[-1]
        return Answer(200, {})

    def _linkRichMenuIdToUser(self, request: Request, parts: list[str]) -> Answer:
        if parts[-1] not in self.rich_menus:
            return _error(404, "Not found")
        self.links[parts[-3]] = parts[-1]
        return Answer(200, {})

    def _unlinkRichMenuIdFromUser(self, request: Request, parts: list[str]) -> Answer:
        self.links.pop(parts[-2], None)
        return Answer(200, {})

    def _linkRichMenuIdToUsers(self, request: Request, parts: list[str]) -> Answer:
        menu_id = request.json["richMenuId"]
        if menu_id not in self.rich_menus:
            return _error(400, "richmenu not found")
        self.links.update(dict.fromkeys(request.json["userIds"], menu_id))
        return Answer(202, {})

    def _createRichMenuAlias(self, request: Request, parts: list[str]) -> Answer:
        alias, menu_id = request.json["richMenuAliasId"], request.json["richMenuId"]
        if alias in self.aliases:
            return _error(400, "conflict richmenu alias id")
        self.aliases[alias] = menu_id
        return Answer(200, {})

    def _updateRichMenuAlias(self, request: Request, parts: list[str]) -> Answer:
        if parts[-1] not in self.aliases:
            return _error(404, "Not found")
        self.aliases[parts[-1]] = request.json["richMenuId"]
        return Answer(200, {})

    def _getRichMenuAlias(self, request: Request, parts: list[str]) -> Answer:
        if parts[-1] not in self.aliases:
            return _error(404, "Not found")
        return Answer(200, {"richMenuAliasId": parts[-1], "richMenuId": self.aliases[parts[-1]]})

    def _getRichMenuAliasList(self, request: Request, parts: list[str]) -> Answer:
        return Answer(200, {"aliases": [{"richMenuAliasId": k, "richMenuId": v} for k, v in self.aliases.items()]})


def _sent(messages: list) -> dict:
    return {"sentMessages": [{"id": str(uuid.uuid4().int)[:18]} for _ in messages]}


def _error(status: int, message: str, details: list[str] = ()) -> Answer:
    body = {"message": message}
    if details:
        body["details"] = [{"message": d} for d in details]
    return Answer(status, body)


def _failure_answer(failure: Failure) -> Answer:
    answer = _error(failure.status, failure.message)
    if failure.retry_after is not None:
        answer.headers["Retry-After"] = str(failure.retry_after)
    return answer
