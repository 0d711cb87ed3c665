"""Who may be asked: kinds or experience, district, pause, approval, free time, not the requester."""

from datetime import datetime

from bot.matching import candidates
from db.models import HelpRequest
from tests import factories

FRIDAY_MORNING = datetime(2026, 11, 27, 9)


def _request(session, district, requester, category="repair", text="棚を直してほしい", when=None, time_of_day=None):
    request = HelpRequest(
        resident_id=requester.id,
        created_by_id=requester.id,
        district_id=district.id,
        category=category,
        text=text,
        summary=text,
        when=when,
        time_of_day=time_of_day,
        status="open",
    )
    session.add(request)
    session.flush()
    return request


def _found(session, request) -> set[int]:
    return {c.resident_id for c in candidates.find(session, request, FRIDAY_MORNING, 5)}


def test_the_retired_carpenter_is_found_for_a_shelf(session):
    midori = factories.district(session)
    requester = factories.resident(session, district=midori)
    carpenter = factories.helper(session, skills=["garbage"], district=midori, experience="40年大工をしていました")
    nurse = factories.helper(session, skills=["garbage"], district=midori, experience="元看護師")
    found = candidates.find(session, _request(session, midori, requester), FRIDAY_MORNING, 5)
    assert [c.resident_id for c in found] == [carpenter.id]
    assert 0 < found[0].fit < 1 and nurse.id not in {c.resident_id for c in found}


def test_paused_unapproved_busy_and_the_requester_are_left_out(session):
    strict = factories.district(session, requires_approval=True)
    requester = factories.helper(session, skills=["repair"], district=strict)
    ok = factories.helper(session, skills=["repair"], district=strict)
    factories.helper(session, skills=["repair"], district=strict, approved=False)
    paused = factories.helper(session, skills=["repair"], district=strict)
    paused.helper_profile.paused = True
    gone = factories.helper(session, skills=["repair"], district=strict)
    gone.active = False
    session.flush()
    assert _found(session, _request(session, strict, requester)) == {ok.id}


def test_free_time_must_cover_the_request(session):
    midori = factories.district(session)
    requester = factories.resident(session, district=midori)
    weekend = factories.helper(session, skills=["repair"], district=midori, availability=["weekend"])
    morning = factories.helper(session, skills=["repair"], district=midori, availability=["weekday_morning"])
    request = _request(session, midori, requester, when=FRIDAY_MORNING, time_of_day="morning")
    assert _found(session, request) == {morning.id}
    request.when = datetime(2026, 11, 28, 9)
    assert _found(session, request) == {weekend.id}


def test_a_helper_is_found_as_their_profile_now_reads(session):
    """The index candidates are read from follows every change: kinds, districts, pause."""
    midori, yahata = factories.district(session), factories.district(session)
    requester = factories.resident(session, district=midori)
    helper = factories.helper(session, skills=["garbage"], district=midori)
    request = _request(session, midori, requester)
    assert _found(session, request) == set()
    profile = helper.helper_profile
    profile.skills = ["garbage", "repair"]
    assert _found(session, request) == {helper.id}
    profile.districts = [yahata]
    assert _found(session, request) == set()
    profile.districts = [midori]
    profile.paused = True
    assert _found(session, request) == set()
    profile.paused = False
    assert _found(session, request) == {helper.id}


def test_a_big_district_is_read_a_bounded_window_at_a_time_spread_by_request(session):
    midori = factories.district(session)
    requester = factories.resident(session, district=midori)
    helpers = [
        factories.helper(session, skills=["repair"], district=midori).id
        for _ in range(3 * candidates.POOL_PER_DISTRICT)
    ]
    seen = []
    for _ in range(4):
        found = _found(session, _request(session, midori, requester))
        assert len(found) == candidates.POOL_PER_DISTRICT and found <= set(helpers)
        seen.append(found)
    assert len(set.union(*seen)) > candidates.POOL_PER_DISTRICT  # not always the same people


def test_a_masters_experience_is_read_once_when_saved_and_again_when_edited(session):
    from bot.nlp import experience_score

    midori = factories.district(session)
    requester = factories.resident(session, district=midori)
    carpenter = factories.helper(session, skills=["garbage"], district=midori, experience="40年大工をしていました")
    profile = carpenter.helper_profile
    assert profile.experience_terms["source"] == "40年大工をしていました"
    found = candidates.find(session, _request(session, midori, requester), FRIDAY_MORNING, 5)
    assert [c.fit for c in found] == [experience_score("40年大工をしていました", "棚を直してほしい 棚を直してほしい")]
    profile.experience = "パソコン教室の講師"
    session.flush()
    assert profile.experience_terms["source"] == "パソコン教室の講師"
    assert _found(session, _request(session, midori, requester)) == set()


def test_approval_asked_by_the_request_s_district_holds_in_its_neighbours(session):
    strict, easy = factories.district(session, requires_approval=True), factories.district(session)
    strict.neighbours.append(easy)
    approved = factories.helper(session, skills=["repair"], district=easy)
    waiting = factories.helper(session, skills=["repair"], district=easy, approved=False)
    session.flush()
    from_strict = _request(session, strict, factories.resident(session, district=strict))
    from_easy = _request(session, easy, factories.resident(session, district=easy))
    assert _found(session, from_strict) == {approved.id}
    assert _found(session, from_easy) == {approved.id, waiting.id}


def test_a_request_is_read_in_one_statement_on_postgresql_two_on_sqlite(session):
    """The ring, the pivot, the pools, the profiles and their history in one round trip (SQLite
    reads the ring first: its statement takes the ring's shape)."""
    from sqlalchemy import event

    midori, yahata = factories.district(session), factories.district(session)
    midori.neighbours.append(yahata)
    near = factories.helper(session, skills=["repair"], district=yahata)
    home = factories.helper(session, skills=["repair"], district=midori)
    carpenter = factories.helper(session, skills=["garbage"], district=midori, experience="40年大工をしていました")
    request = _request(session, midori, factories.resident(session, district=midori))
    statements: list[str] = []
    engine = session.get_bind().engine

    def count(_connection, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        found = candidates.find(session, request, FRIDAY_MORNING, 5)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert [(c.resident_id, c.same_district) for c in found] == [
        (home.id, True),
        (carpenter.id, True),
        (near.id, False),
    ]
    assert len(statements) == (1 if engine.dialect.name == "postgresql" else 2)


def test_the_index_follows_leaving_free_time_cap_and_a_district_that_starts_asking_for_approval(session):
    """Everything a pool filters on is read from helper_kinds: each change reaches it at once."""
    from bot.residents import deactivate

    midori, yahata = factories.district(session), factories.district(session)  # not neighbours
    requester = factories.resident(session, district=midori)
    stays = factories.helper(session, skills=["repair"], district=midori)
    leaves = factories.helper(session, skills=["repair"], district=midori)
    waits = factories.helper(session, skills=["repair"], district=midori, approved=False)
    waits.helper_profile.districts.append(yahata)
    request = _request(session, midori, requester, when=FRIDAY_MORNING, time_of_day="morning")
    assert _found(session, request) == {stays.id, leaves.id, waits.id}

    deactivate(session, leaves, FRIDAY_MORNING)  # unfollowed
    yahata.requires_approval = True  # `waits` now waits for yahata's admin, wherever asked
    assert _found(session, request) == {stays.id}
    leaves.active = True  # follows again: still on a break until they say they are back
    waits.helper_profile.approved = True
    assert _found(session, request) == {stays.id, waits.id}

    stays.helper_profile.availability = ["weekend"]
    waits.helper_profile.weekly_cap = 2
    found = candidates.find(session, request, FRIDAY_MORNING, 5)
    assert [(c.resident_id, c.weekly_cap) for c in found] == [(waits.id, 2)]


def test_a_helper_on_no_platform_is_never_offered(session):
    midori = factories.district(session)
    requester = factories.resident(session, district=midori)
    helper = factories.helper(session, skills=["repair"], district=midori)
    request = _request(session, midori, requester)
    assert _found(session, request) == {helper.id}
    helper.platform = "none"  # a resident a proxy acts for: nobody would read the offer
    assert _found(session, request) == set()
