"""`flask timebank ...` as an admin or an operator runs it."""

from __future__ import annotations

from bot.timebank import ledger
from tests import factories


def test_flask_timebank_teach_records_a_class_per_participant_hour(app, session):
    district = factories.district(session)
    admin = factories.admin(session, district)
    master = factories.helper(session, district=district, experience="パソコン教室の講師を20年")
    session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["timebank", "teach", str(master.id), str(district.id), "4", "60", "--admin", str(admin.id)]
    )
    assert result.exit_code == 0, result.output
    assert "recorded 240 minutes" in result.output
    assert ledger.balance(session, master.id) == 120 + 240
    assert "ledger balanced" in runner.invoke(args=["timebank", "check"]).output
    assert "balance: 360 minutes" in runner.invoke(args=["timebank", "balance", str(master.id)]).output


def test_flask_timebank_teach_refuses_someone_who_is_not_the_district_admin(app, session):
    district = factories.district(session)
    master = factories.helper(session, district=district, experience="料理")
    stranger = factories.resident(session)
    session.commit()
    result = app.test_cli_runner().invoke(
        args=["timebank", "teach", str(master.id), str(district.id), "4", "60", "--admin", str(stranger.id)]
    )
    assert result.exit_code != 0
    assert "not an admin" in result.output
    assert ledger.balance(session, master.id) == 0
