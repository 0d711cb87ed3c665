"""A local fake of Slack's Web API: records calls, answers the few methods the bot uses.

`url` stands for https://slack.com/api/. Arguments may come as a query string, a form or JSON,
as slack_sdk sends them; every call needs `Authorization: Bearer <token>`.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.http_fake import Answer, FakeServer


@dataclass
class Call:
    """One Web API call the fake received, and whether Slack carried it out."""

    method: str  # "chat.postMessage"
    args: dict[str, Any]
    status: int = 0
    done: bool = False


@dataclass
class Failure:
    """A planned error answer (see `fail_next`)."""

    status: int
    count: int
    method: str | None
    retry_after: int | None
    error: str
    accept: bool


class FakeSlackApi:
    """Slack as the bot sees it; one per test session, `reset()` between tests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._server = FakeServer(self._from_http)
        self.url = self._server.url + "/api/"
        self.reset()

    def reset(self) -> None:
        """Forget everything (a new test)."""
        self.calls: list[Call] = []
        self.failures: list[Failure] = []
        self.users: dict[str, dict] = {}  # user id -> users.info's `user`
        self.history: dict[str, list[dict]] = {}  # IM channel id -> messages, newest first

    def close(self) -> None:
        self._server.close()

    def _from_http(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Answer:
        parts = urlsplit(raw_path)
        args: dict[str, Any] = dict(parse_qsl(parts.query))
        if "json" in headers.get("content-type", "") and body:
            args.update(json.loads(body))
        elif body:
            args.update(parse_qsl(body.decode()))
        return self.handle(Call(parts.path.rsplit("/", 1)[-1], args), headers.get("authorization", ""))

    # -- what tests use -----------------------------------------------------------------

    def fail_next(
        self,
        status: int = 429,
        count: int = 1,
        method: str | None = None,
        retry_after: int | None = None,
        error: str = "ratelimited",
        accept: bool = False,
    ) -> None:
        """Answer the next `count` calls (of `method`) with an error.

        accept=True: Slack carries the call out, but the answer is lost (a 5xx after the fact).
        """
        self.failures.append(Failure(status, count, method, retry_after, error, accept))

    def posts(self, channel: str | None = None) -> list[Call]:
        """The chat.postMessage calls Slack carried out (to a channel)."""
        return [
            c
            for c in self.calls
            if c.method == "chat.postMessage" and c.done and channel in (None, c.args.get("channel"))
        ]

    def posted_blocks(self) -> list[dict]:
        """Every block of every carried-out post."""
        return [block for call in self.posts() for block in call.args["blocks"]]

    def posted_texts(self) -> list[str]:
        """The words of every section block posted."""
        return [b["text"]["text"] for b in self.posted_blocks() if b["type"] == "section"]

    def posted_buttons(self) -> list[dict]:
        """Every button posted."""
        return [e for b in self.posted_blocks() if b["type"] == "actions" for e in b["elements"]]

    # -- answering ------------------------------------------------------------------------

    def handle(self, call: Call, authorization: str) -> Answer:
        with self._lock:
            self.calls.append(call)
            answer = self._answer(call, authorization)
            call.status = answer.status
            return answer

    def _answer(self, call: Call, authorization: str) -> Answer:
        if not authorization.startswith("Bearer "):
            return Answer(200, {"ok": False, "error": "not_authed"})
        responder = getattr(self, "_" + call.method.replace(".", "_"), None)
        if responder is None:
            return Answer(200, {"ok": False, "error": "unknown_method"})
        failure = self._planned_failure(call.method)
        if failure is not None and not failure.accept:
            return _failure_answer(failure)
        answer = responder(call.args)
        call.done = answer.body.get("ok", False)
        return _failure_answer(failure) if failure is not None else answer

    def _planned_failure(self, method: str) -> Failure | None:
        for failure in self.failures:
            if failure.count > 0 and failure.method in (None, method):
                failure.count -= 1
                return failure
        return None

    # -- methods ----------------------------------------------------------------------------

    def _chat_postMessage(self, args: dict) -> Answer:
        channel, blocks = args.get("channel"), args.get("blocks")
        if not channel or not (args.get("text") or blocks):
            return Answer(200, {"ok": False, "error": "no_text"})
        if isinstance(blocks, str):  # a form sends them as JSON text
            args["blocks"] = json.loads(blocks)
        ts = f"{1700000000 + len(self.calls)}.000100"
        message = {
            "type": "message",
            "ts": ts,
            "text": args.get("text"),
            "bot_id": "B0BOT",
            "blocks": args.get("blocks") or [],
            "metadata": args.get("metadata"),
        }
        self.history.setdefault(channel, []).insert(0, message)
        return Answer(200, {"ok": True, "channel": channel, "ts": ts, "message": message})

    def _conversations_open(self, args: dict) -> Answer:
        users = args.get("users")
        if not users:
            return Answer(200, {"ok": False, "error": "users_list_not_supplied"})
        return Answer(200, {"ok": True, "channel": {"id": f"D{users}"}})

    def _conversations_history(self, args: dict) -> Answer:
        messages = self.history.get(args.get("channel", ""), [])[: int(args.get("limit") or 100)]
        return Answer(200, {"ok": True, "messages": messages, "has_more": False})

    def _users_info(self, args: dict) -> Answer:
        user_id = args.get("user", "")
        if not user_id.startswith("U"):
            return Answer(200, {"ok": False, "error": "user_not_found"})
        user = {
            "id": user_id,
            "name": user_id.lower(),
            "real_name": f"Slack {user_id}",
            "locale": "ja-JP",
            **self.users.get(user_id, {}),
        }
        return Answer(200, {"ok": True, "user": user})


def _failure_answer(failure: Failure) -> Answer:
    answer = Answer(failure.status, {"ok": False, "error": failure.error})
    if failure.retry_after is not None:
        answer.headers["Retry-After"] = str(failure.retry_after)
    return answer
