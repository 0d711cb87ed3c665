"""Trust: in a district that requires it, an admin approves a helper before any offer reaches them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import NotAllowedError
from bot.events import Outbox, Text, button
from bot.i18n import list_text, t
from bot.matching.unmet import admins, is_admin
from db.models import HelperProfile, Resident


def needs_approval(profile: HelperProfile) -> bool:
    """Whether the helper waits for an admin before getting offers."""
    return not profile.approved and any(d.requires_approval for d in profile.districts)


def ask_admins(session: Session, profile: HelperProfile) -> Outbox:
    """A button in each admin's chat to approve a newly registered helper."""
    box = Outbox()
    helper = profile.resident
    for district in profile.districts:
        if not district.requires_approval:
            continue
        for admin in admins(session, district.id):
            text = t(
                "helper.approval_needed",
                admin.language,
                name=helper.display_name or "",
                district=district.name,
                kinds=_kinds(profile, admin.language),
            )
            box.to(
                admin.id, Text(text, (button(t("helper.approve_button", admin.language), "helper.approve", helper.id),))
            )
    return box


def approve_helper(session: Session, helper_resident_id: int, admin_resident_id: int) -> Outbox:
    """An admin approves a helper (chat button or admin page); the helper is told."""
    profile = session.scalar(select(HelperProfile).where(HelperProfile.resident_id == helper_resident_id))
    if profile is None:
        raise NotAllowedError(f"resident {helper_resident_id} is not a helper")
    if not any(is_admin(session, admin_resident_id, d.id) for d in profile.districts):
        raise NotAllowedError(f"resident {admin_resident_id} administers none of the helper's districts")
    admin = session.get_one(Resident, admin_resident_id)
    box = Outbox().to(
        admin.id, Text(t("helper.approved_admin", admin.language, name=profile.resident.display_name or ""))
    )
    if not profile.approved:
        profile.approved, profile.approved_by_id = True, admin_resident_id
        box.to(profile.resident_id, Text(t("helper.approved", profile.resident.language)))
    return box


def _kinds(profile: HelperProfile, locale: str) -> str:
    from bot.matching.describe import kind

    return list_text((kind(c, locale) for c in profile.skills), locale)
