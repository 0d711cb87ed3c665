"""An admin's words about approving that approve nobody: a question about who waits, a "not yet",
a "cannot", or a word that only looks like approving (Chinese 通过 "through")."""

import pytest
from sqlalchemy import select

from db.models import HelperProfile, Resident
from tests import factories
from tests.fakes import texts
from tests.handlers.test_admin_words import midori  # noqa: F401  (the fixture)


@pytest.mark.parametrize(
    "text, language",
    [
        ("承認待ちの人はいますか", "ja"),
        ("まだ承認しないでください", "ja"),
        ("その人は承認できません", "ja"),
        ("don't approve the new helper yet", "en"),
        ("我想通过这个聊天问一下", "zh-Hans"),
    ],
)
def test_words_about_approving_approve_nobody(text, language, line_chat, session, midori):  # noqa: F811
    helper = factories.helper(
        session, platform="line", user_id="Uhelper", district=midori, approved=False, display_name="新人"
    )
    admin = session.scalar(select(Resident).where(Resident.platform_user_id == "Uadmin"))
    admin.language = language
    session.commit()
    line_chat.say("Uadmin", text)
    assert not session.scalar(select(HelperProfile).where(HelperProfile.resident_id == helper.id)).approved
    assert texts(line_chat.channel.to("Uhelper")) == []
