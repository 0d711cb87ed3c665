"""Slack: verify and parse Events API and interactivity requests, send Block Kit messages (slack_sdk).

One request URL, /slack/events, takes both: events come as JSON, button presses as a form field
`payload`. Slack signs each body with the app's signing secret and a timestamp.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from collections.abc import Mapping
from typing import ClassVar, TypeVar
from collections.abc import Callable
from urllib.parse import parse_qs

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.channels.shapes import MAX_DEPTH, Fields, depth, loads, problem_in, quarantine, value_at
from bot.channels.slack_render import to_posts
from bot.config import Config
from bot.errors import ChannelError, PayloadError, SignatureError
from bot.events import Inbound, Message
from db.models import CITY_TIMEZONE

__all__ = ["SlackChannel", "challenge", "signature", "to_inbound"]

log = logging.getLogger(__name__)

SIGNATURE_MAX_AGE = 5 * 60  # seconds: an older (or later) timestamp is a replay
METADATA_TYPE = "kyojo_message"
HISTORY_LOOKBACK = 20
T = TypeVar("T")


# -- inbound ------------------------------------------------------------------------------


def signature(headers) -> str:
    """The single signature string receive() hands on: "{timestamp}:{v0=hex}" from Slack's headers."""
    return f"{headers.get('X-Slack-Request-Timestamp', '')}:{headers.get('X-Slack-Signature', '')}"


def verify(secret: str, body: bytes, signed: str, now: float) -> None:
    """Slack's v0 signature: HMAC-SHA256 of "v0:{timestamp}:{body}", within five minutes of now."""
    timestamp, _, given = signed.partition(":")
    if not (secret and given and timestamp.isdigit()):
        raise SignatureError("missing signature or timestamp")
    if abs(now - int(timestamp)) > SIGNATURE_MAX_AGE:
        raise SignatureError(f"stale timestamp {timestamp} (a replay?)")
    digest = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256)
    if not hmac.compare_digest("v0=" + digest.hexdigest(), given):
        raise SignatureError("signature does not match")


def parse_body(body: bytes) -> dict:
    """A verified body as data: JSON (events) or the JSON of the form field `payload` (interactivity)."""
    try:
        text = body.decode("utf-8")
        if not text.lstrip().startswith("{"):
            text = parse_qs(text).get("payload", [""])[0]
        data = loads(text)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError, JSONDecodeError; nesting
        raise PayloadError(f"neither JSON nor a payload form: {error}") from error
    if not (isinstance(data, dict) and isinstance(data.get("type"), str)):
        raise PayloadError("no type")
    return data


def challenge(body: bytes) -> str | None:
    """The challenge of a url_verification body (receive() verified it), else None."""
    try:
        data = parse_body(body)
    except PayloadError:
        return None
    return data.get("challenge") if data["type"] == "url_verification" else None


# What the fields the bot reads must be when present (bot.channels.shapes), after Slack's
# Events API and block_actions payloads; lengths follow the columns they end up in.
EVENT_FIELDS: Fields = [
    (("event_id",), str, 100),
    (("event_time",), int, 0),
    (("event", "type"), str, 50),
    (("event", "subtype"), str, 50),
    (("event", "user"), str, 100),
    (("event", "bot_id"), str, 100),
    (("event", "channel"), str, 100),
    (("event", "channel_type"), str, 20),
    (("event", "text"), str, 1_048_576),  # cut to what a message may hold before any reading
    (("event", "ts"), str, 30),
]
PRESS_FIELDS: Fields = [
    (("user", "id"), str, 100),
    (("action", "value"), str, 2_000),
    (("action", "action_ts"), str, 30),
]
SLACK_TS = re.compile(r"\d{1,11}(\.\d{1,6})?")  # epoch seconds as Slack writes them


def parse_events(data: dict) -> list[tuple[str, str, dict]]:
    """What to store, as (event id, type, payload): an event, a button press, or nothing.

    The bot's own messages come back as events: they are acknowledged and not stored. A payload
    without its ids is refused (400); one whose fields Slack could not have sent is quarantined.
    """
    if data["type"] == "event_callback":
        event = data.get("event")
        if not (
            isinstance(event, dict)
            and isinstance(event.get("type"), str)
            and isinstance(data.get("event_id"), str)
            and data["event_id"]
        ):
            raise PayloadError("an event_callback without event_id or event type")
        problem = shape_problem(data, EVENT_FIELDS, ("event", "ts"))
        if problem is not None:
            return [_quarantine(problem, data)]
        return [] if event.get("bot_id") else [(data["event_id"], event["type"], data)]
    if data["type"] == "block_actions":
        actions, user = data.get("actions"), data.get("user")
        if not (
            isinstance(actions, list)
            and actions
            and isinstance(actions[0], dict)
            and isinstance(user, dict)
            and actions[0].get("action_ts")
            and user.get("id")
        ):
            raise PayloadError("block_actions without an action or a user")
        problem = shape_problem({"user": user, "action": actions[0]}, PRESS_FIELDS, ("action", "action_ts"))
        if problem is not None:
            return [_quarantine(problem, data)]
        return [(press_id(data), "block_actions", data)]
    return []  # url_verification, app_rate_limited, other interactivity: nothing to handle


def shape_problem(data: dict, fields: Fields, timestamp: tuple[str, ...]) -> str | None:
    """What makes a payload impossible for Slack to have sent (see EVENT_FIELDS), or None."""
    if depth(data) > MAX_DEPTH:
        return "nested too deeply"
    problem = problem_in(data, fields)
    if problem is None and not SLACK_TS.fullmatch(str(value_at(data, timestamp) or "0")):
        problem = f"{'.'.join(timestamp)}: not a Slack timestamp"
    return problem


def _quarantine(problem: str, data: dict) -> tuple[str, str, dict]:
    return quarantine("Slack", problem, json.dumps(data, ensure_ascii=False, default=str))


def press_id(data: dict) -> str:
    """A button press's id: the action's timestamp and the person (the same on Slack's retries)."""
    return f"{data['actions'][0]['action_ts']}:{data['user']['id']}"


def inbound_kind(event: dict) -> str:
    """The project's kind of a Slack event: text or file in a direct message, else other."""
    if event.get("type") != "message" or event.get("bot_id"):
        return "other"
    subtype = event.get("subtype")
    if subtype is None:
        return "text"
    return "file" if subtype == "file_share" else "other"  # edits, deletions, joins...


def to_inbound(payload: dict) -> Inbound:
    """A stored Slack payload as the project's own inbound event.

    Only direct messages and button presses carry a person; the rest is recorded only.
    """
    if payload.get("type") == "block_actions":
        action = payload["actions"][0]
        return Inbound(
            platform="slack",
            user_id=payload["user"]["id"],
            kind="postback",
            event_id=press_id(payload),
            received_at=_local(action["action_ts"]),
            data=action.get("value"),
        )
    event = payload.get("event") or {}
    kind = inbound_kind(event)
    direct = event.get("channel_type") == "im"
    personal = direct and kind != "other"
    return Inbound(
        platform="slack",
        user_id=event.get("user", "") if personal else "",
        kind=kind,
        event_id=payload.get("event_id", ""),
        received_at=_local(event.get("ts") or payload.get("event_time") or 0),
        text=event.get("text") if kind == "text" else None,
        in_group=kind != "other" and not direct,
    )


def _local(timestamp: str | float) -> datetime:
    """Slack's epoch seconds ("1700000000.000100") as naive city time."""
    return datetime.fromtimestamp(float(timestamp), CITY_TIMEZONE).replace(tzinfo=None)


# -- the channel ---------------------------------------------------------------------------


@dataclass
class SlackChannel:
    """The Slack side of the bot: direct messages with the app."""

    signing_secret: str
    bot_token: str
    api_url: str
    retries: int = 3
    retry_max_seconds: float = 30.0
    timeout: int = 20
    platform: str = "slack"
    webhook_path: ClassVar[str] = "/slack/events"  # events and button presses: one request URL
    multicasts_natively: ClassVar[bool] = False  # no multicast: one chat.postMessage each
    rich_menus: ClassVar[bool] = False
    _ims: dict[str, str] = field(default_factory=dict, repr=False)  # user id -> IM channel id

    @classmethod
    def from_config(cls, config: Config) -> "SlackChannel":
        """The channel for the configured Slack signing secret, bot token and API URL."""
        return cls(
            config.slack_signing_secret or "",
            config.slack_bot_token or "",
            config.slack_api_url,
            retries=config.extra.get("slack_retries", 3),
            retry_max_seconds=config.extra.get("slack_retry_max_seconds", 30.0),
        )

    @staticmethod
    def signature(headers: Mapping[str, str]) -> str:
        """Slack's timestamp and signature headers as one string (see `signature` above)."""
        return signature(headers)

    @staticmethod
    def handshake(body: bytes) -> dict | None:
        """Slack checks the request URL with a challenge, answered with it."""
        code = challenge(body)
        return {"challenge": code} if code else None

    def parse_webhook(self, body: bytes, signed: str) -> list[tuple[str, str, dict]]:
        """Check the signature on the raw body and timestamp, then what to store."""
        verify(self.signing_secret, body, signed, time.time())
        return parse_events(parse_body(body))

    def to_inbound(self, payload: dict) -> Inbound:
        """A stored Slack payload as the project's own inbound event."""
        return to_inbound(payload)

    def client(self) -> WebClient:
        """An SDK client without its own retries: this channel decides what is safe to repeat."""
        return WebClient(token=self.bot_token, base_url=self.api_url, timeout=self.timeout, retry_handlers=[])

    def send(self, user_id: str, messages: list[Message], *, reply_token: str | None, retry_key: str) -> None:
        """Post to the person's direct message with the app (Slack has no reply token)."""
        client = self.client()
        channel = self._im(client, user_id)
        for part, (blocks, text) in enumerate(to_posts(messages)):
            self._post(client, channel, blocks, text, f"{retry_key}:{part}")

    def multicast(self, user_ids: list[str], messages: list[Message], *, retry_key: str) -> None:
        """Slack has no multicast: one post each."""
        for user_id in user_ids:
            self.send(user_id, messages, reply_token=None, retry_key=f"{retry_key}:{user_id}")

    def show_loading(self, user_id: str) -> None:
        """Slack shows bots no typing indicator in direct messages: nothing to do."""

    def profile(self, user_id: str) -> dict:
        """The person's name and language (Slack's locale, "ja-JP"); empty when Slack does not say."""
        client = self.client()
        try:
            found = self.call("users.info", lambda: client.users_info(user=user_id, include_locale=True))
        except ChannelError:
            return {}
        user = found.get("user") or {}
        name = user.get("real_name") or (user.get("profile") or {}).get("real_name")
        return {"display_name": name, "language": user.get("locale")}

    def quota(self) -> tuple[int | None, int]:
        """Slack counts no messages: unlimited."""
        return None, 0

    def content(self, media_id: str) -> tuple[bytes, str]:
        """Slack's events carry no media ids (a photo arrives as a file share the bot does not read)."""
        raise ChannelError(f"Slack has no media {media_id}", permanent=True)

    def switch_menus(self, people: dict[str, list[str]], disaster: bool) -> int:
        """Slack has no rich menus: nobody is switched."""
        return 0

    def link_menu(self, user_id: str, language: str) -> str | None:
        """Slack has no rich menu."""
        return None

    def unlink_menu(self, user_id: str) -> None:
        """Slack has no rich menu."""

    # -- calling Slack ------------------------------------------------------------------------

    def _im(self, client: WebClient, user_id: str) -> str:
        """The id of the direct message between the app and the person (opened once a process)."""
        if user_id not in self._ims:
            opened = self.call("conversations.open", lambda: client.conversations_open(users=user_id))
            self._ims[user_id] = opened["channel"]["id"]
        return self._ims[user_id]

    def _post(self, client: WebClient, channel: str, blocks: list[dict], text: str, key: str) -> None:
        """One chat.postMessage, tagged with its key.

        Slack takes no idempotency key. When the answer is lost (no connection, 5xx), the post may
        have gone through: the conversation's recent history tells, by the key in the metadata.
        """
        metadata = {"event_type": METADATA_TYPE, "event_payload": {"key": key}}
        try:
            self.call(
                "chat.postMessage",
                lambda: client.chat_postMessage(
                    channel=channel, text=text, blocks=blocks, metadata=metadata, unfurl_links=False
                ),
            )
        except ChannelError as error:
            if not (_uncertain(error.__cause__) and self._posted(client, channel, key)):
                raise

    def _posted(self, client: WebClient, channel: str, key: str) -> bool:
        """Whether a message with this key is among the conversation's latest."""
        try:
            found = self.call(
                "conversations.history",
                lambda: client.conversations_history(
                    channel=channel, limit=HISTORY_LOOKBACK, include_all_metadata=True
                ),
            )
        except ChannelError:
            return False
        keys = [((m.get("metadata") or {}).get("event_payload") or {}).get("key") for m in found.get("messages") or []]
        return key in keys

    def call(self, what: str, request: Callable[[], T]) -> T:
        """One Web API call; rate limits (429) are waited out and retried, then ChannelError.

        Only a 429 is retried here: Slack did nothing then. Anything else is the caller's to judge.
        """
        failure: Exception | None = None
        for attempt in range(self.retries + 1):
            try:
                return request()
            except SlackApiError as error:
                failure, status = error, error.response.status_code
                log.warning("Slack %s refused: %s %s", what, status, error.response.get("error"))
                if status != 429 or attempt == self.retries:
                    break
                time.sleep(self._wait(error.response.headers))
            except OSError as error:  # no connection, a timeout
                log.warning("Slack %s unreachable: %s", what, error)
                failure = error
                break
        raise ChannelError(f"Slack {what} failed: {failure}") from failure

    def _wait(self, headers) -> float:
        """Seconds Slack's Retry-After asks for (one if it says nothing), at most retry_max_seconds."""
        named = {str(k).lower(): v for k, v in (headers or {}).items()}
        retry_after = str(named.get("retry-after", ""))
        return min(float(retry_after) if retry_after.isdigit() else 1.0, self.retry_max_seconds)


def _uncertain(error: BaseException | None) -> bool:
    """A failure after which a post may or may not have happened."""
    if isinstance(error, SlackApiError):
        return error.response.status_code >= 500
    return isinstance(error, OSError)
