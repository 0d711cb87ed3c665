"""An emergency told in free text (火事です, 息が苦しい, 家の中に水が入ってきて動けん): 119/110 at once.

Not an intent of shared/nlp/LABELS.md: `Understanding.emergency` is read beside the intent, and
`dispatch` sends such a text here before any pending question. During a safety check the answer
is also recorded as 助けが必要 (which alerts the admins); otherwise the district's admins are told.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot import conversation as conversations
from bot.circulars import subscriptions
from bot.events import Outbox, Text
from bot.handlers import Turn, on_intent
from bot.handlers.safety import answered_in_words
from bot.i18n import t
from db.models import Resident


@on_intent("emergency")
def emergency(session: Session, turn: Turn) -> Outbox:
    """Say whom to call first; then the safety check's answer, or the admins told."""
    outbox = turn.reply(Text(turn.t("emergency.call")))
    if conversations.nlp_context(turn.conversation) == "safety_check":
        answered = answered_in_words(session, turn)
        if answered is not None:
            return outbox.extend(answered)
    admins = subscriptions.admins_of(session, turn.resident.district_id) if turn.resident.district_id else []
    outbox.to(turn.resident.id, Text(turn.t("emergency.told" if admins else "emergency.no_admin")))
    for admin_id in admins:
        outbox.to(admin_id, Text(_alert(session, turn, admin_id)))
    return outbox


def _alert(session: Session, turn: Turn, admin_id: int) -> str:
    """The alert in the admin's language: who, where, and what they wrote."""
    admin = session.get_one(Resident, admin_id)
    person = turn.resident
    return t(
        "emergency.alert",
        admin.language,
        name=person.display_name or t("circular.no_name", admin.language),
        district=person.district.name if person.district else "",
        text=turn.text,
    )
