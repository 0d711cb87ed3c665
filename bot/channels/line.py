"""LINE Messaging API: verify and parse webhooks, send messages (line-bot-sdk v3)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, TypeVar

import urllib3
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    MessagingApiBlob,
)
from linebot.v3.messaging.rest import RESTResponse
from linebot.v3.webhook import SignatureValidator

from bot.channels.line_events import event_problem, parse_events
from bot.channels.line_render import batches, to_line_messages
from bot.channels.pacing import LocalPacer, RedisPacer
from bot.config import Config
from bot.errors import ChannelError, PayloadError, SignatureError
from bot.events import Inbound, Message
from db.models import CITY_TIMEZONE

__all__ = ["LineChannel", "parse_events", "to_line_messages"]

log = logging.getLogger(__name__)

MULTICAST_MAX = 500
LOADING_SECONDS = 20
MEDIA = ("sticker", "image", "video", "audio", "file", "location")
GROUP_EVENTS = {"join": "join", "leave": "leave", "memberJoined": "member_joined", "memberLeft": "member_left"}
# LINE's answers that another try cannot change (a malformed request, no such user); an
# expired token (401) or a quota (429) may be set right, so those are tried again later.
PERMANENT = (400, 404)
# The Messaging API's endpoints that take a JSON body (LineChannel.post)
REPLY, PUSH, MULTICAST = "/v2/bot/message/reply", "/v2/bot/message/push", "/v2/bot/message/multicast"
LOADING = "/v2/bot/chat/loading/start"
T = TypeVar("T")


def inbound_kind(event: dict) -> str:
    """The project's kind of a LINE event: text, postback, follow, a media type, join..., other."""
    kind = event.get("type") or ""
    if kind == "message":
        message_type = (event.get("message") or {}).get("type")
        return message_type if message_type == "text" or message_type in MEDIA else "other"
    if kind in ("postback", "follow", "unfollow"):
        return kind
    return GROUP_EVENTS.get(kind, "other")


def to_inbound(event: dict) -> Inbound:
    """A stored LINE event as the project's own inbound event.

    Group and room events and those of a standby channel carry no user: they are recorded only.
    A follow after a block has data "unblocked"; a date or time picker's choice comes as text.
    PayloadError for an event LINE could not have sent (stored before it was checked at parse).
    """
    problem = event_problem(event)
    if problem is not None:
        raise PayloadError(problem)
    source = event.get("source") or {}
    message = event.get("message") or {}
    postback = event.get("postback") or {}
    kind = inbound_kind(event)
    in_group = source.get("type") in ("group", "room")
    personal = not in_group and event.get("mode", "active") == "active"
    text = message.get("text") if kind == "text" else _picked(postback.get("params"))
    data = postback.get("data")
    if kind == "follow" and (event.get("follow") or {}).get("isUnblocked"):
        data = "unblocked"
    at = datetime.fromtimestamp((event.get("timestamp") or 0) / 1000, CITY_TIMEZONE)
    if kind == "location":
        text = message.get("address") or message.get("title") or ""
    return Inbound(
        platform="line",
        user_id=source.get("userId", "") if personal else "",
        kind=kind,
        event_id=event.get("webhookEventId", ""),
        received_at=at.replace(tzinfo=None),
        text=text,
        data=data,
        reply_token=event.get("replyToken"),
        in_group=in_group,
        media_id=message.get("id") if kind == "image" else None,
        latitude=message.get("latitude") if kind == "location" else None,
        longitude=message.get("longitude") if kind == "location" else None,
    )


def _picked(params: dict | None) -> str | None:
    """What a date/time picker returned (postback params), if anything."""
    params = params or {}
    return params.get("datetime") or params.get("date") or params.get("time")


def idempotency_key(retry_key: str, part: int = 0) -> str:
    """A UUID for X-Line-Retry-Key: the given one, or one derived from it (per part, per any string)."""
    try:
        base = uuid.UUID(retry_key)
    except ValueError:
        base = uuid.uuid5(uuid.NAMESPACE_URL, f"kyojo:{retry_key}")
    return str(base if part == 0 else uuid.uuid5(base, str(part)))


def request_id(error: ApiException) -> str:
    """LINE's x-line-request-id of a failed call (for LINE's support)."""
    return (error.headers or {}).get("x-line-request-id", "-")


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500


def _invalid_reply_token(error: BaseException | None) -> bool:
    """LINE's 400 for a reply token that expired or was used."""
    return isinstance(error, ApiException) and error.status == 400 and "reply token" in _body(error).lower()


def _body(error: ApiException) -> str:
    body = error.body or b""
    return (body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body))[:300]


@dataclass
class LineChannel:
    """The LINE side of the bot."""

    secret: str
    access_token: str
    api_host: str
    data_host: str
    retries: int = 4
    retry_base_seconds: float = 1.0
    retry_max_seconds: float = 30.0
    timeout: tuple[float, float] = (5.0, 20.0)  # connect, read
    platform: str = "line"
    pacer: LocalPacer | RedisPacer = field(default_factory=LocalPacer)  # LINE's rate limits
    _clients: dict[tuple[int, bool], ApiClient] = field(default_factory=dict, init=False, repr=False, compare=False)
    _pools: dict[tuple[int, str], urllib3.HTTPConnectionPool] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    webhook_path: ClassVar[str] = "/callback"
    multicasts_natively: ClassVar[bool] = True
    rich_menus: ClassVar[bool] = True

    @classmethod
    def from_config(cls, config: Config) -> "LineChannel":
        """The channel for the configured LINE secret, token and API hosts."""
        extra = config.extra
        token = config.line_channel_access_token or ""
        # Every process calling LINE for this channel shares one pace through Redis, if there is one.
        pacer = (
            RedisPacer(config.redis_url, hashlib.sha256(token.encode()).hexdigest()[:16])
            if config.redis_url
            else LocalPacer()
        )
        return cls(
            config.line_channel_secret or "",
            token,
            config.line_api_host,
            config.line_api_data_host,
            retries=extra.get("line_retries", 4),
            retry_base_seconds=extra.get("line_retry_base_seconds", 1.0),
            retry_max_seconds=extra.get("line_retry_max_seconds", 30.0),
            pacer=pacer,
        )

    # -- inbound -------------------------------------------------------------------------

    @staticmethod
    def signature(headers: Mapping[str, str]) -> str:
        """LINE's X-Line-Signature header."""
        return headers.get("X-Line-Signature", "")

    @staticmethod
    def handshake(body: bytes) -> dict | None:
        """LINE checks the URL with an ordinary (empty) webhook: nothing to answer."""
        return None

    def parse_webhook(self, body: bytes, signature: str) -> list[tuple[str, str, dict]]:
        """Check the signature on the raw body, then split it into (event id, type, event)."""
        if not signature or not self.secret:
            raise SignatureError("missing signature")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise SignatureError("body is not UTF-8, it cannot be LINE's") from error
        if not SignatureValidator(self.secret).validate(text, signature):
            raise SignatureError("signature does not match")
        return parse_events(text)

    def to_inbound(self, event: dict) -> Inbound:
        """A stored LINE event as the project's own inbound event."""
        return to_inbound(event)

    # -- outbound ------------------------------------------------------------------------

    def client(self, data: bool = False) -> ApiClient:
        """An SDK client for the API host (or the data host, for uploads), made once per process:
        its pool keeps the connections to LINE open from one call to the next (a client per call
        opened a connection, a TLS handshake in production, and set up its configuration again:
        the greater part of a job's time in the SDK). A forked process makes its own."""
        key = (os.getpid(), data)
        found = self._clients.get(key)
        if found is None:
            host = self.data_host if data else self.api_host
            found = self._clients[key] = ApiClient(Configuration(access_token=self.access_token, host=host))
        return found

    def send(self, user_id: str, messages: list[Message], *, reply_token: str | None, retry_key: str) -> None:
        """Reply while the token is taken, push the rest (five messages a request)."""
        for part, group in enumerate(batches(to_line_messages(messages))):
            if part == 0 and reply_token and self._reply(reply_token, group):
                continue
            key = idempotency_key(retry_key, part)
            self.call("push", lambda: self.post(PUSH, {"to": user_id, "messages": group}, key))

    def _reply(self, token: str, group: list) -> bool:
        """Answer with the reply token; False when LINE no longer takes it (then we push)."""
        try:
            self.call("reply", lambda: self.post(REPLY, {"replyToken": token, "messages": group}))
        except ChannelError as error:
            if _invalid_reply_token(error.__cause__):
                return False
            raise
        return True

    def multicast(self, user_ids: list[str], messages: list[Message], *, retry_key: str) -> None:
        """The same messages to up to 500 people (the caller makes the batches)."""
        if len(user_ids) > MULTICAST_MAX:
            raise ValueError(f"LINE multicasts to at most {MULTICAST_MAX} people, not {len(user_ids)}")
        if not user_ids:
            return
        for part, group in enumerate(batches(to_line_messages(messages))):
            key = idempotency_key(retry_key, part)
            self.call("multicast", lambda: self.post(MULTICAST, {"to": list(user_ids), "messages": group}, key))

    def show_loading(self, user_id: str) -> None:
        """The loading animation in the person's chat (once, no retries: it is only a courtesy)."""
        body = {"chatId": user_id, "loadingSeconds": LOADING_SECONDS}
        self.call("loading", lambda: self.post(LOADING, body), retries=0)

    def post(self, path: str, body: dict, retry_key: str | None = None) -> None:
        """POST a JSON body to the Messaging API on the connection pool of the SDK's client (its
        authorisation, its errors: ApiException for any answer but 2xx), the body already LINE's
        JSON. Straight to the pool: the SDK's request models would validate the body field by
        field and turn it back into the same dicts (a tenth of a worker's time per message,
        bot.channels.line_render), and its call_api walks the body again, copies the headers,
        parses the URL and wraps the answer (about 0.1 ms a call, two or three calls a message)."""
        client = self.client()
        headers = {**client.default_headers, "Accept": "application/json", "Content-Type": "application/json"}
        if retry_key is not None:
            headers["X-Line-Retry-Key"] = retry_key
        answer = self._pool(client).urlopen(
            "POST", path, body=json.dumps(body).encode(), headers=headers, timeout=self._timeout()
        )
        if not 200 <= answer.status <= 299:
            error = ApiException(http_resp=RESTResponse(answer))
            error.body = answer.data.decode("utf-8", "replace")  # as the SDK's call_api leaves it
            raise error

    def _pool(self, client: ApiClient) -> urllib3.HTTPConnectionPool:
        """The SDK client's connection pool for the API host (looked up once per process)."""
        key = (os.getpid(), "pool")
        found = self._pools.get(key)
        if found is None:
            found = self._pools[key] = client.rest_client.pool_manager.connection_from_url(self.api_host)
        return found

    def _timeout(self) -> urllib3.Timeout:
        return urllib3.Timeout(connect=self.timeout[0], read=self.timeout[1])

    def profile(self, user_id: str) -> dict:
        """The person's display name and language (LINE's setting); empty when LINE does not say."""
        try:
            with self.client() as client:
                api = MessagingApi(client)
                found = self.call("profile", lambda: api.get_profile(user_id, _request_timeout=self.timeout), retries=0)
        except ChannelError:
            return {}
        if found is None:  # (only a 409 answers None, and a profile is never one)
            return {}
        return {"display_name": found.display_name, "language": found.language}

    def quota(self) -> tuple[int | None, int]:
        """This month's push message limit (None: unlimited) and how many were sent."""
        with self.client() as client:
            api = MessagingApi(client)
            limit = self.call("quota", lambda: api.get_message_quota(_request_timeout=self.timeout))
            used = self.call(
                "quota consumption", lambda: api.get_message_quota_consumption(_request_timeout=self.timeout)
            )
        if limit is None or used is None:  # (only a 409 answers None, and a quota is never one)
            raise ChannelError("LINE quota: no answer")
        return (limit.value if limit.type == "limited" else None), used.total_usage

    def link_menu(self, user_id: str, language: str) -> str | None:
        """Show this person the rich menu of their language; its id, or None for the default."""
        from bot.channels import richmenu

        return richmenu.link(self, user_id, language)

    def content(self, media_id: str) -> tuple[bytes, str]:
        """An image a person sent (LINE keeps it a while): its bytes and content type."""
        with self.client(data=True) as data_client:
            blob = MessagingApiBlob(data_client)
            answer = self.call("message content", lambda: blob.get_message_content_with_http_info(media_id))
        if answer is None:  # (only a 409 answers None, and a download is never one)
            raise ChannelError(f"LINE message content {media_id}: no answer")
        headers = {k.lower(): v for k, v in (answer.headers or {}).items()}
        return bytes(answer.data or answer.raw_data or b""), headers.get("content-type", "image/jpeg")

    def switch_menus(self, people: dict[str, list[str]], disaster: bool) -> int:
        """Disaster mode: show these users (by language) the safety menu, or their own again."""
        from bot.channels import disaster_menu, richmenu

        return disaster_menu.switch(self, richmenu, people, disaster)

    def unlink_menu(self, user_id: str) -> None:
        """Give this person back the default (Japanese) rich menu."""
        from bot.channels import richmenu

        richmenu.unlink(self, user_id)

    # -- calling LINE ----------------------------------------------------------------------

    def call(self, what: str, request: Callable[[], T], retries: int | None = None) -> T | None:
        """One API call, paced under LINE's rate limits; 429, 5xx and lost connections are
        retried with backoff (LINE's Retry-After when it gives one), then ChannelError.

        A 409 answers a retry key LINE accepted before: that message went out, so it is no error.
        """
        retries = self.retries if retries is None else retries
        for attempt in range(retries + 1):
            self.pacer.wait(what)
            try:
                return request()
            except ApiException as error:
                if error.status == 409:
                    log.info("LINE %s: retry key accepted before (x-line-request-id %s)", what, request_id(error))
                    return None
                log.warning(
                    "LINE %s refused: %s %s (x-line-request-id %s) %s",
                    what,
                    error.status,
                    error.reason,
                    request_id(error),
                    _body(error),
                )
                failure, headers = error, error.headers
                if not _retryable(error.status):
                    break
            except urllib3.exceptions.HTTPError as error:
                log.warning("LINE %s unreachable: %s", what, error)
                failure, headers = error, None
            except (ValueError, TypeError) as error:  # the SDK could not read LINE's answer
                log.warning("LINE %s answered what the SDK cannot read: %.300s", what, error)
                failure = error
                break
            if attempt < retries:
                time.sleep(self._wait(attempt, headers))
        permanent = isinstance(failure, ApiException) and failure.status in PERMANENT
        raise ChannelError(f"LINE {what} failed: {failure}", permanent=permanent) from failure

    def _wait(self, attempt: int, headers) -> float:
        """Seconds before the next try: LINE's Retry-After if it gave one, else doubling."""
        retry_after = str((headers or {}).get("Retry-After", ""))
        wait = (
            float(retry_after)
            if retry_after.isascii() and retry_after.isdigit()
            else self.retry_base_seconds * 2**attempt
        )
        return min(wait, self.retry_max_seconds)
