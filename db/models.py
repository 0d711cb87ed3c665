"""The data model: typed SQLAlchemy 2.0 models (DESIGN.md's domain words)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


CITY_TIMEZONE = ZoneInfo("Asia/Tokyo")


def local_now() -> datetime:
    """Now in the city's time, naive: every timestamp is stored and compared this way,
    the same way residents speak of time (明日の朝8時)."""
    return datetime.now(CITY_TIMEZONE).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {dict: JSON, list: JSON}


district_neighbours = Table(
    "district_neighbours",
    Base.metadata,
    Column("district_id", ForeignKey("districts.id"), primary_key=True),
    Column("neighbour_id", ForeignKey("districts.id"), primary_key=True),
)

helper_districts = Table(
    "helper_districts",
    Base.metadata,
    Column("helper_id", ForeignKey("helper_profiles.id"), primary_key=True),
    Column("district_id", ForeignKey("districts.id"), primary_key=True),
)


class District(Base):
    """A school district or neighbourhood association."""

    __tablename__ = "districts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    city: Mapped[str] = mapped_column(String(100), default="")
    reading: Mapped[str] = mapped_column(String(200), default="")
    # A district may ask its admin to approve helpers before they get offers.
    requires_approval: Mapped[bool] = mapped_column(default=False)
    # Disaster mode: the district's people see the safety menu; where the shelters are.
    disaster_mode: Mapped[bool] = mapped_column(default=False)
    # The mode whose menus its people were last given (bot.watch.disaster.switch_menus); the
    # reconciler switches again while it differs from disaster_mode.
    menus_disaster: Mapped[bool] = mapped_column(default=False, server_default=false())
    shelter_info: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=local_now)

    neighbours: Mapped[list[District]] = relationship(
        secondary=district_neighbours,
        primaryjoin=lambda: District.id == district_neighbours.c.district_id,
        secondaryjoin=lambda: District.id == district_neighbours.c.neighbour_id,
    )


class Resident(Base):
    """A person who talks to the bot (or is represented by a proxy)."""

    __tablename__ = "residents"
    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    # a channel's platform ("line", "slack"; the local chat page speaks as "line"), or "none"
    # for a person without a phone (served by a proxy)
    platform: Mapped[str] = mapped_column(String(20))
    platform_user_id: Mapped[str] = mapped_column(String(100))
    display_name: Mapped[str] = mapped_column(String(100), default="")
    language: Mapped[str] = mapped_column(String(10), default="ja")
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    # Private: shown only to the helper who accepted this person's task.
    address: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(default=True)
    erased: Mapped[bool] = mapped_column(default=False)
    # The proxy (family, neighbour, 民生委員) who receives this person's messages.
    proxy_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"))
    rich_menu_id: Mapped[str | None] = mapped_column(String(100))
    # Whether a daily check-in (見守り) was ever set up for them: only their texts are looked at
    # as answers to its greeting (bot.watch.answers), with no look-up for everyone else's. The
    # server's default only: an INSERT names the column only when it is set (as code written
    # before the column, such as the migrations' tests, does not).
    watched: Mapped[bool] = mapped_column(server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=local_now)
    left_at: Mapped[datetime | None]

    district: Mapped[District | None] = relationship(foreign_keys=[district_id])
    proxy: Mapped[Resident | None] = relationship(remote_side=[id], foreign_keys=[proxy_id])
    helper_profile: Mapped[HelperProfile | None] = relationship(
        back_populates="resident", foreign_keys="HelperProfile.resident_id"
    )


class DistrictAdmin(Base):
    """A resident who administers a district (地区協議会 / 地区担当職員)."""

    __tablename__ = "district_admins"
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), primary_key=True)
    # "admin": the district's own (地区協議会); "staff": city staff who support several districts
    # (地区担当職員), who also edit their districts' setup.
    role: Mapped[str] = mapped_column(String(20), default="admin", server_default="admin")
    created_at: Mapped[datetime] = mapped_column(default=local_now)


class AdminSession(Base):
    """A district admin's signed-in session, kept here so that logout and revocation end it at
    once; the browser holds only a random token, whose hash is stored."""

    __tablename__ = "admin_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The sign-in link that opened it: unique, so that a link opens one session only.
    link_id: Mapped[str] = mapped_column(String(64), unique=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=local_now)
    seen_at: Mapped[datetime] = mapped_column(default=local_now)
    ended_at: Mapped[datetime | None]


class HelperProfile(Base):
    """What a helper offers; an experience master has `experience` text too."""

    __tablename__ = "helper_profiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), unique=True)
    skills: Mapped[list] = mapped_column(default=list)  # categories from bot.nlp.CATEGORIES
    experience: Mapped[str | None] = mapped_column(Text)
    experience_skills: Mapped[list] = mapped_column(default=list)
    # The NLP reading of `experience` (bot.nlp.experience_terms), so matching need not redo it.
    experience_terms: Mapped[dict | None] = mapped_column(JSON)
    # Slots such as "weekday_morning", "weekday_evening", "weekend".
    availability: Mapped[list] = mapped_column(default=list)
    paused: Mapped[bool] = mapped_column(default=False)
    # A break with an end (「来週は旅行でお休みします」): offered again once it has passed.
    paused_until: Mapped[datetime | None]
    approved: Mapped[bool] = mapped_column(default=False)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"))
    weekly_cap: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=local_now)

    resident: Mapped[Resident] = relationship(back_populates="helper_profile", foreign_keys=[resident_id])
    districts: Mapped[list[District]] = relationship(secondary=helper_districts)


class HelperKind(Base):
    """One kind of help a helper takes in one district: the index that candidate selection reads.

    db.matching_index keeps it in step with HelperProfile on every flush; the kind
    `matching_index.EXPERIENCE` marks an experience master (experience text to compare).
    """

    __tablename__ = "helper_kinds"
    # Every column a pool reads (bot.matching.pools), in the pool's order: read from the index
    # alone, with no visit to the table for each helper.
    __table_args__ = (
        Index(
            "ix_helper_kinds_offerable",
            "district_id",
            "kind",
            "helper_id",
            "resident_id",
            "approved",
            "paused",
            "paused_until",
            "offerable",
            "weekly_cap",
            "availability",
        ),
    )
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    helper_id: Mapped[int] = mapped_column(
        ForeignKey("helper_profiles.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # Copies of the profile's, so that a district's pool is read from this table alone, in index
    # order, stopping at the pool's size (see bot.matching.candidates).
    resident_id: Mapped[int]
    paused: Mapped[bool] = mapped_column(default=False)
    paused_until: Mapped[datetime | None]
    approved: Mapped[bool] = mapped_column(default=False)
    # The resident still follows on a platform that can be written to, and is not waiting for an
    # admin's approval in any district: false, the helper is asked nothing anywhere.
    offerable: Mapped[bool] = mapped_column(default=False)
    weekly_cap: Mapped[int | None]
    # The profile's free time as JSON text (a btree cannot hold JSON); "[]": any time.
    availability: Mapped[str] = mapped_column(Text, default="[]")


class HelpRequest(Base):
    """A resident's need, from draft to done."""

    __tablename__ = "help_requests"
    __table_args__ = (
        Index("ix_help_requests_district_status", "district_id", "status"),
        # a person's requests: the one just sent (a correction after it), those sent together
        Index("ix_help_requests_creator_status", "created_by_id", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"))  # who is helped
    created_by_id: Mapped[int] = mapped_column(ForeignKey("residents.id"))  # self or proxy
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    category: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(String(200), default="")
    when: Mapped[datetime | None]
    time_of_day: Mapped[str | None] = mapped_column(String(20))
    # Public: a landmark or street, shown in offers. Private: the exact place.
    landmark: Mapped[str | None] = mapped_column(String(200))
    meeting_point: Mapped[str | None] = mapped_column(Text)
    # draft, open, assigned, done, cancelled, unmet
    status: Mapped[str] = mapped_column(String(20), default="draft")
    urgent: Mapped[bool] = mapped_column(default=False)
    offer_round: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=local_now)
    closed_at: Mapped[datetime | None]
    # A draft's other kinds asked for in the same message (「ゴミ出しと買い物」), each sent as a
    # request of its own with it: [{"category", "summary", "when", "time_of_day"}] (when None: this one's).
    more_kinds: Mapped[list | None]
    # What the person added at the summary (「お米は10キロです」 "the dog is big"), for the helper
    # who takes the request only: it may name a person or a place.
    note: Mapped[str | None] = mapped_column(Text)

    resident: Mapped[Resident] = relationship(foreign_keys=[resident_id])
    district: Mapped[District | None] = relationship()
    task: Mapped[Task | None] = relationship(back_populates="request")


class Offer(Base):
    """A request offered to one helper."""

    __tablename__ = "offers"
    __table_args__ = (UniqueConstraint("request_id", "helper_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("help_requests.id"), index=True)
    helper_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    round: Mapped[int] = mapped_column(default=1)
    # sent, accepted, declined, withdrawn, expired, taken
    status: Mapped[str] = mapped_column(String(20), default="sent")
    score: Mapped[float] = mapped_column(default=0.0)
    sent_at: Mapped[datetime] = mapped_column(default=local_now)
    answered_at: Mapped[datetime | None]

    request: Mapped[HelpRequest] = relationship()
    helper: Mapped[Resident] = relationship()


class Task(Base):
    """An accepted request: the unique request_id makes the first accept win."""

    __tablename__ = "tasks"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("help_requests.id"), unique=True)
    helper_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    accepted_at: Mapped[datetime] = mapped_column(default=local_now)
    done_reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"))
    done_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    minutes: Mapped[int | None]

    request: Mapped[HelpRequest] = relationship(back_populates="task")
    helper: Mapped[Resident] = relationship(foreign_keys=[helper_id])


class Account(Base):
    """A time-bank account: a resident's, a district's community account, or the grant source."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("kind", "resident_id", "district_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # resident, community, grants
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))


class LedgerEntry(Base):
    """One leg of a transfer; the legs of a transfer sum to zero."""

    __tablename__ = "ledger_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[str] = mapped_column(String(36), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    minutes: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))  # grant, task, gift, teaching, cover
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    memo: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=local_now)


class Subscription(Base):
    """A resident follows a district's circulars and safety checks."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("resident_id", "district_id"),
        Index("ix_subscriptions_district_active", "district_id", "active", "resident_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=local_now)


class Circular(Base):
    """A district circular (回覧板) or a safety check (kind "safety_check")."""

    __tablename__ = "circulars"
    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("residents.id"))
    kind: Mapped[str] = mapped_column(String(20), default="circular")
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    image_url: Mapped[str | None] = mapped_column(String(1000))
    needs_confirmation: Mapped[bool] = mapped_column(default=False)
    translations: Mapped[dict] = mapped_column(default=dict)  # {"en": {"title":..., "body":...}}
    # draft, scheduled, sending, sent, cancelled
    status: Mapped[str] = mapped_column(String(20), default="draft")
    scheduled_at: Mapped[datetime | None]
    remind_after_minutes: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=local_now)
    sent_at: Mapped[datetime | None]
    # The fan-out's lease: the worker sending it renews it batch by batch; once it runs out
    # (the worker died), bot.reconcile hands the rest to another worker.
    lease_owner: Mapped[str | None] = mapped_column(String(36))
    lease_until: Mapped[datetime | None]

    district: Mapped[District] = relationship()


class DeliveryBatch(Base):
    """One multicast batch of a circular: whom it is for, planned before it is sent and marked
    after, in one row (not a row per person: a 100k fan-out writes 200 rows, not 100,000)."""

    __tablename__ = "delivery_batches"
    __table_args__ = (
        UniqueConstraint("circular_id", "number"),
        # The batch holding a resident: batches are consecutive ranges of resident ids.
        Index("ix_delivery_batches_circular_first", "circular_id", "first_resident_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    circular_id: Mapped[int] = mapped_column(ForeignKey("circulars.id"))
    number: Mapped[int]
    first_resident_id: Mapped[int]
    last_resident_id: Mapped[int]
    resident_ids: Mapped[list]  # everyone planned in it, in id order
    skipped_ids: Mapped[list] = mapped_column(default=list)  # of those, not sent (left, unreachable)
    size: Mapped[int]  # len(resident_ids)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending, sent
    sent: Mapped[int] = mapped_column(default=0)  # how many it reached (once marked)
    sent_at: Mapped[datetime | None]


class Delivery(Base):
    """What one resident did with a circular they were sent (DeliveryBatch): confirmed it as read,
    answered it, was reminded. Made on the first of these, not by the fan-out."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("circular_id", "resident_id"),
        Index("ix_deliveries_circular_batch", "circular_id", "batch"),
        # Room on each page for the row's next version: marking a batch sent is then a HOT update
        # on PostgreSQL (no index touched), about 4x cheaper (see migration 0014).
        {"postgresql_with": {"fillfactor": 50}},
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    circular_id: Mapped[int] = mapped_column(ForeignKey("circulars.id"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"))
    batch: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending, sent, skipped
    sent_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(String(20))  # safe, need_help
    answered_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]


class InboundEvent(Base):
    """A webhook event as received; the unique key makes a redelivery a no-op."""

    __tablename__ = "inbound_events"
    __table_args__ = (UniqueConstraint("platform", "event_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(100))
    event_type: Mapped[str] = mapped_column(String(50), default="")
    payload: Mapped[dict] = mapped_column(default=dict)
    received_at: Mapped[datetime] = mapped_column(default=local_now)
    processed_at: Mapped[datetime | None]
    # received, done (answered), ignored (nobody to answer), failed (a handler raised; kept to replay),
    # quarantined (a platform could not have sent it: kept, never handled), refused (unreadable)
    status: Mapped[str] = mapped_column(String(20), default="received")
    # The RQ job queued to handle it with the others of its webhook group (bot.intake): while that
    # job waits, the reconciler leaves the event to it.
    job_id: Mapped[str | None] = mapped_column(String(100))


class Conversation(Base):
    """The question the bot is waiting on for one resident."""

    __tablename__ = "conversations"
    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), unique=True)
    state: Mapped[str] = mapped_column(String(50))
    data: Mapped[dict] = mapped_column(default=dict)
    expires_at: Mapped[datetime | None]
    # The person is told when the question times out (bot.matching.drafts): the reconciler
    # re-drives that note from here when Redis lost its delayed job.
    tell_when_expired: Mapped[bool] = mapped_column(default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(default=local_now, onupdate=local_now)


class LocalMessage(Base):
    """What the bot said on the local chat page (the dev channel's outbox)."""

    __tablename__ = "local_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(100), index=True)
    payload: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=local_now)


class OutboundMessage(Base):
    """Messages to one person, written in the job's transaction and sent after it.

    Sending after the commit, keyed by `retry_key`, makes a retried job send nothing twice.
    """

    __tablename__ = "outbound_messages"
    __table_args__ = (Index("ix_outbound_messages_status", "status", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"))
    inbound_event_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_events.id"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(100))
    messages: Mapped[list] = mapped_column(default=list)
    reply_token: Mapped[str | None] = mapped_column(String(200))
    reply_deadline: Mapped[datetime | None]
    retry_key: Mapped[str] = mapped_column(String(36), unique=True)
    # pending, sent, dropped (no channel), failed (given up: shown to admins)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=local_now)
    sent_at: Mapped[datetime | None]
    # After a failed attempt: when bot.reconcile tries again, and what went wrong.
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(300))


# Matching finds helpers by district; the primary key of helper_districts leads with helper_id.
Index("ix_helper_districts_district_helper", helper_districts.c.district_id, helper_districts.c.helper_id)


# -- 見守り: daily check-ins, their watchers, and each day's greeting ---------------------------


class CheckIn(Base):
    """A resident's daily check-in (見守り): when the greeting goes, and how long to wait."""

    __tablename__ = "check_ins"
    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("residents.id"))  # self, proxy or family
    minute_of_day: Mapped[int] = mapped_column(default=9 * 60)  # 9:00 -> 540
    weekdays: Mapped[list] = mapped_column(default=lambda: list(range(7)))  # Monday is 0
    remind_after_minutes: Mapped[int] = mapped_column(default=60)
    alert_after_hours: Mapped[int] = mapped_column(default=3)
    # The code a family member or 民生委員 sends to the bot to become a watcher.
    invite_code: Mapped[str] = mapped_column(String(12), unique=True)
    paused_from: Mapped[date | None]
    paused_until: Mapped[date | None]  # the last day without a greeting
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=local_now)

    resident: Mapped[Resident] = relationship(foreign_keys=[resident_id])


class Watcher(Base):
    """Someone told when a check-in goes unanswered: family, a 民生委員, a district admin."""

    __tablename__ = "watchers"
    __table_args__ = (UniqueConstraint("check_in_id", "resident_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    check_in_id: Mapped[int] = mapped_column(ForeignKey("check_ins.id"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="family")  # family, minsei, admin
    created_at: Mapped[datetime] = mapped_column(default=local_now)

    resident: Mapped[Resident] = relationship()


class CheckInRequest(Base):
    """Family asking for a resident's daily check-in: nothing starts until the resident agrees."""

    __tablename__ = "check_in_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    minute_of_day: Mapped[int]
    weekdays: Mapped[list]
    alert_after_hours: Mapped[int]
    district_admins_watch: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="asked")  # asked, agreed, declined
    created_at: Mapped[datetime] = mapped_column(default=local_now)
    answered_at: Mapped[datetime | None]

    resident: Mapped[Resident] = relationship(foreign_keys=[resident_id])
    requested_by: Mapped[Resident] = relationship(foreign_keys=[requested_by_id])


class CheckInDay(Base):
    """One day's greeting and what came of it: the unique day makes a second greeting impossible."""

    __tablename__ = "check_in_days"
    __table_args__ = (
        UniqueConstraint("check_in_id", "day"),
        Index("ix_check_in_days_open", "answered_at", "alerted_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    check_in_id: Mapped[int] = mapped_column(ForeignKey("check_ins.id"))
    day: Mapped[date]  # in the city's time
    greeted_at: Mapped[datetime]
    reminded_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(String(20))  # fine, words, unwell
    alerted_at: Mapped[datetime | None]
    visit_request_id: Mapped[int | None] = mapped_column(ForeignKey("help_requests.id"))
    outcome: Mapped[str | None] = mapped_column(String(20))  # met, absent, emergency

    check_in: Mapped[CheckIn] = relationship()


# -- 避難行動要支援者: people who need help in a disaster, and the neighbours who support them ------


class SupportNeed(Base):
    """A person the district admin marked as needing help in a disaster, and how the latest
    safety check stands for them."""

    __tablename__ = "support_needs"
    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), unique=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    marked_by_id: Mapped[int] = mapped_column(ForeignKey("residents.id"))
    note: Mapped[str] = mapped_column(Text, default="")  # 車いす, 耳が遠い: for supporters only
    circular_id: Mapped[int | None] = mapped_column(ForeignKey("circulars.id"))  # the check followed
    # asked, safe, evacuated, need_help (by the person or a supporter), or "" before any check
    state: Mapped[str] = mapped_column(String(20), default="")
    state_at: Mapped[datetime | None]
    state_by_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"))
    # 0: nobody told yet, 1: the supporters, 2: nearby helpers and the admins too
    escalation: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=local_now)

    resident: Mapped[Resident] = relationship(foreign_keys=[resident_id])


class Supporter(Base):
    """A neighbour who agreed to look after a person who needs help in a disaster."""

    __tablename__ = "supporters"
    __table_args__ = (UniqueConstraint("need_id", "resident_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("support_needs.id"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=local_now)

    resident: Mapped[Resident] = relationship()


# -- 行方不明: searching for someone missing ----------------------------------------------------


class Search(Base):
    """A search for a missing person; the description and photo are erased when it ends."""

    __tablename__ = "searches"
    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    started_by_id: Mapped[int] = mapped_column(ForeignKey("residents.id"))  # family or an admin
    description: Mapped[str] = mapped_column(Text, default="")
    last_seen: Mapped[str] = mapped_column(Text, default="")
    photo: Mapped[bytes | None]  # kept here, shown only by a signed link to those who help
    photo_type: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft, open, found, cancelled
    # Inbound events whose payload carries the details: emptied when the search ends.
    private_events: Mapped[list] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=local_now)
    closed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]  # when the card reached everyone (the reconciler re-drives until then)


class SearchNotice(Base):
    """One person who received a search's card; `joined_at` once they pressed 協力する."""

    __tablename__ = "search_notices"
    __table_args__ = (UniqueConstraint("search_id", "resident_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    search_id: Mapped[int] = mapped_column(ForeignKey("searches.id"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    joined_at: Mapped[datetime | None]


class SearchReport(Base):
    """What a finder sent (words or a place); reaches the family without the finder's name."""

    __tablename__ = "search_reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    search_id: Mapped[int] = mapped_column(ForeignKey("searches.id"), index=True)
    finder_id: Mapped[int] = mapped_column(ForeignKey("residents.id"))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=local_now)


class SearchOptIn(Base):
    """A resident who wants to hear of searches in their district and the neighbouring ones."""

    __tablename__ = "search_opt_ins"
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=local_now)
