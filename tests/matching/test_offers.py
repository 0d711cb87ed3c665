"""Offers: batches, timeouts and re-offers, declines, unmet requests, helpers who leave."""

import pytest

from sqlalchemy import select

from db.models import HelpRequest, Offer, Task
from tests import factories
from tests.fakes import texts
from tests.handlers.talk import ask_for_help, offers_to, press


def _setup(session, helpers: int, **config):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", district=midori, display_name="山田", phone="090-1111-2222")
    return midori, [
        factories.helper(session, user_id=f"H{i}", district=midori, display_name=f"手伝{i}")
        for i in range(1, helpers + 1)
    ]


def test_first_batch_then_next_after_timeout(chat, session, rt):
    _setup(session, 5)
    ask_for_help(chat)
    first = {o.helper_id for o in session.scalars(select(Offer))}
    assert len(first) == rt.config.offer_batch_size == 3
    rt.jobs.run_delayed()  # the timeout job: the next helpers
    offers = list(session.scalars(select(Offer)))
    assert len(offers) == 5 and {o.status for o in offers if o.helper_id in first} == {"expired"}
    rt.jobs.run_delayed()  # nobody left, nobody answering: unmet
    assert session.scalar(select(HelpRequest)).status == "unmet"
    assert "見つかりませんでした" in texts(chat.channel.to("REQ"))[-1]


def test_timeout_job_run_twice_sends_nothing_twice(chat, session, rt):
    _setup(session, 4)
    ask_for_help(chat)
    jobs = list(rt.jobs.delayed)
    from bot.queue import resolve

    timeout = next(job for job in jobs if job[1].endswith("offer_timeout"))
    resolve(timeout[1])(*timeout[2])
    resolve(timeout[1])(*timeout[2])
    assert len(offers_to(chat, "H4")) == 1
    assert session.scalar(select(HelpRequest)).offer_round == 2


def test_a_late_accept_after_the_timeout_still_wins_while_open(chat, session, rt):
    _setup(session, 4)
    ask_for_help(chat)
    rt.jobs.run_delayed()
    got = press(chat, "H1", "引き受ける", offers_to(chat, "H1"))
    assert "ありがとうございます" in texts(got)[0]
    assert "ほかの方が先に" in texts(chat.channel.to("H4"))[-1]


def test_everyone_declines_then_next_round_at_once(chat, session):
    _setup(session, 4)
    ask_for_help(chat)
    for user in ("H1", "H2"):
        press(chat, user, "見送る", offers_to(chat, user))
    assert not offers_to(chat, "H4")
    got = chat.say("H3", "今回は無理です")
    assert "わかりました" in texts(got)[0]
    assert len(offers_to(chat, "H4")) == 1


def test_second_accept_is_told_politely(chat, session):
    _setup(session, 3)
    ask_for_help(chat)
    press(chat, "H1", "引き受ける", offers_to(chat, "H1"))
    assert "ほかの方が先に" in texts(chat.channel.to("H2"))[-1]
    got = press(chat, "H2", "引き受ける", offers_to(chat, "H2"))
    assert "ほかの方が先に" in texts(got)[0]
    assert session.scalar(select(Task)).helper.platform_user_id == "H1"


def test_address_and_phone_only_reach_the_helper_who_accepted(chat, session):
    _setup(session, 3)
    ask_for_help(chat, place="緑ケ丘3-2-1 山田")
    for user in ("H1", "H2", "H3"):
        assert all("3-2-1" not in t and "090-1111" not in t for t in texts(offers_to(chat, user)))
    press(chat, "H2", "引き受ける", offers_to(chat, "H2"))
    assert any("3-2-1" in t and "090-1111-2222" in t for t in texts(chat.channel.to("H2")))
    for user in ("H1", "H3"):
        assert all("3-2-1" not in t for t in texts(chat.channel.to(user)))


def test_a_helper_who_unfollows_gets_nothing_more(chat, session, rt):
    _setup(session, 4)
    ask_for_help(chat)
    chat.event("H1", "unfollow")
    assert (
        session.scalar(
            select(Offer.status).where(Offer.helper_id == session.scalar(select(Offer.helper_id).order_by(Offer.id)))
        )
        == "withdrawn"
    )
    before = len(chat.channel.to("H1"))
    press(chat, "H2", "引き受ける", offers_to(chat, "H2"))
    rt.jobs.run_delayed()
    assert len(chat.channel.to("H1")) == before


def test_unmet_request_alerts_the_admin_who_assigns_someone(chat, session):
    midori, _ = _setup(session, 0)
    factories.admin(session, midori, user_id="ADMIN")
    factories.helper(session, user_id="GARDENER", skills=["garden"], district=midori, display_name="庭師")
    ask_for_help(chat)
    assert session.scalar(select(HelpRequest)).status == "unmet"
    alert = chat.channel.to("ADMIN")[-1]
    assert "引き受け手" in alert.text
    got = press(chat, "ADMIN", "庭師", [alert])
    assert "庭師さんにお願いを送りました" in texts(got)[0]
    assert "地区の担当者が、庭師さんにお願いしました" in texts(chat.channel.to("REQ"))[-1]
    got = press(chat, "GARDENER", "引き受ける", offers_to(chat, "GARDENER"))
    assert "ありがとうございます" in texts(got)[0]
    assert session.scalar(select(HelpRequest)).status == "assigned"


def test_neighbouring_district_helpers_come_after_the_home_district(chat, session, rt):
    midori, _ = _setup(session, 1)
    hills = factories.district(session, "八幡")
    far = factories.district(session, "遠く")
    midori.neighbours.append(hills)
    factories.helper(session, user_id="NEAR", district=hills)
    factories.helper(session, user_id="FAR", district=far)
    session.commit()
    ask_for_help(chat)
    offers = {o.helper.platform_user_id: o.score for o in session.scalars(select(Offer))}
    assert set(offers) == {"H1", "NEAR"} and not offers_to(chat, "FAR")
    assert offers["H1"] > offers["NEAR"]


def test_the_retired_carpenter_gets_the_shelf(chat, session):
    midori, _ = _setup(session, 0)
    factories.helper(
        session, user_id="CARPENTER", skills=["garbage"], district=midori, experience="40年大工をしていました"
    )
    factories.helper(session, user_id="NURSE", skills=["garbage"], district=midori, experience="元看護師")
    ask_for_help(chat, text="棚がぐらぐらなので直してほしい。明日の午後")
    assert offers_to(chat, "CARPENTER") and not offers_to(chat, "NURSE")


def test_nobody_found_names_the_request_it_is_about_when_one_message_made_two(chat, session):
    """Two kinds asked in one message, nobody free for either: each 'nobody found' says which."""
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", district=midori)
    ask_for_help(chat, text="明日の朝ゴミ出しと買い物をお願いしたい")
    nobody = [m for m in texts(chat.channel.to("REQ")) if "見つかりませんでした" in m]
    assert len(nobody) == 2
    assert "ごみ出し" in nobody[0] and "買い物" in nobody[1] and all("朝" in m for m in nobody)


def test_nobody_found_after_a_safety_answer_that_needs_help_names_no_kind_of_help(chat, session):
    """An urgent request has one context, the answer just sent: no 「その他」（いつでも） in it."""
    from bot.matching import unmet

    midori = factories.district(session, "緑ケ丘")
    person = factories.resident(session, user_id="REQ", district=midori)
    request = factories.help_request(session, person, "other", urgent=True)
    said = texts(list(unmet.unmet(session, request, 1).envelopes[0].messages))[0]
    assert "見つかりませんでした" in said and "その他" not in said and "いつでも" not in said


def test_an_address_ending_in_110_is_stored_as_the_address_not_read_as_an_emergency(chat, session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", district=midori)
    ask_for_help(chat, place="緑ケ丘3-2-110")  # asserts the landmark question comes next
    assert not any("119" in m for m in texts(chat.channel.to("REQ")))
    assert session.scalar(select(HelpRequest)).meeting_point == "緑ケ丘3-2-110"


def test_the_admins_short_list_puts_helpers_of_the_kind_first_and_those_who_declined_last(chat, session, rt):
    midori, _ = _setup(session, 0)
    factories.admin(session, midori, user_id="ADMIN")
    for i in range(1, 7):  # six who help with other things, registered first
        factories.helper(session, user_id=f"G{i}", skills=["garden"], district=midori, display_name=f"庭{i}")
    factories.helper(session, user_id="DECLINER", skills=["garbage"], district=midori, display_name="断った人")
    factories.helper(session, user_id="BINS", skills=["garbage"], district=midori, display_name="ごみ係")
    ask_for_help(chat)  # ごみ出し: offered to the two of that kind; one declines, one never answers
    press(chat, "DECLINER", "見送る", offers_to(chat, "DECLINER"))
    while session.scalar(select(HelpRequest)).status != "unmet" and rt.jobs.delayed:
        rt.jobs.run_delayed()
        session.expire_all()
    assert session.scalar(select(HelpRequest)).status == "unmet"
    names = [b.label for b in chat.channel.to("ADMIN")[-1].buttons]
    assert names == ["ごみ係", "断った人", "庭1", "庭2", "庭3"]


def test_the_helper_who_accepted_reads_the_request_as_the_person_wrote_it(chat, session):
    """The summary on the card says 「スマホの使い方がわからない」; what the person wants done (「写真を孫
    に送りたい」) reaches the helper who took it, and only that helper."""
    midori, _ = _setup(session, 0)
    factories.helper(session, user_id="PHONE1", skills=["smartphone"], district=midori)
    factories.helper(session, user_id="PHONE2", skills=["smartphone"], district=midori)
    ask_for_help(chat, text="明日の午後、スマホの使い方がわからん。写真を孫に送りたいとよ")
    assert all("孫" not in t for user in ("PHONE1", "PHONE2") for t in texts(offers_to(chat, user)))
    press(chat, "PHONE1", "引き受ける", offers_to(chat, "PHONE1"))
    details = texts(chat.channel.to("PHONE1"))[-1]
    assert "写真を孫に送りたい" in details and details.endswith("この情報はお手伝いのためだけに使ってください。")
    assert all("孫" not in t for t in texts(chat.channel.to("PHONE2")))


@pytest.mark.parametrize("correction", ["ゴミ出しじゃなくて買い物でした", "press"])
def test_a_request_changed_to_another_kind_reaches_helpers_without_the_words_of_the_first(correction, chat, session):
    """「明日の朝ゴミ出しを…」, then 買い物 at the summary: the shopping helpers' card and the details
    of the one who takes it say nothing of ゴミ出し."""
    midori, _ = _setup(session, 0)
    factories.helper(session, user_id="SHOP", skills=["shopping"], district=midori)
    chat.say("REQ", "明日の朝ゴミ出しをお願いできますか")
    chat.say("REQ", "緑ケ丘3-2-1 山田")
    got = chat.say("REQ", "緑ケ丘公園の近く")
    if correction == "press":
        got = press(chat, "REQ", "買い物", press(chat, "REQ", "内容を変える", got))
    else:
        got = chat.say("REQ", correction)
    press(chat, "REQ", "お願いする", got)
    assert not any("ゴミ出し" in text for text in texts(offers_to(chat, "SHOP"))), texts(offers_to(chat, "SHOP"))
    press(chat, "SHOP", "引き受ける", offers_to(chat, "SHOP"))
    details = texts(chat.channel.to("SHOP"))[-1]
    assert "【買い物】" in details and "ゴミ出し" not in details, details


def test_words_kept_when_the_kind_guessed_is_corrected(chat, session):
    """「役所の書類の書き方を教えてほしい」 read as その他, then スマホ pressed: the words still say what
    is wanted."""
    midori, _ = _setup(session, 0)
    factories.helper(session, user_id="PHONE", skills=["smartphone"], district=midori)
    chat.say("REQ", "明日の午後、役所の書類の書き方を教えてほしいです")
    chat.say("REQ", "緑ケ丘3-2-1 山田")
    got = chat.say("REQ", "緑ケ丘公園の近く")
    got = press(chat, "REQ", "パソコン", press(chat, "REQ", "内容を変える", got))
    press(chat, "REQ", "お願いする", got)
    press(chat, "PHONE", "引き受ける", offers_to(chat, "PHONE"))
    assert "役所の書類の書き方を教えてほしい" in texts(chat.channel.to("PHONE"))[-1]


def test_a_helper_of_one_kind_asked_with_others_is_not_told_the_others(chat, session):
    """「ゴミ出しと、病院の付き添いも」 makes two requests: the words of the whole message would tell the
    garbage helper about the hospital visit, so the helper who took one reads the card's details only."""
    from tests.handlers.talk import buttons

    midori, _ = _setup(session, 0)
    factories.helper(session, user_id="BINS", skills=["garbage"], district=midori)
    got = chat.say("REQ", "明日の朝、ゴミ出しと、病院の付き添いもお願いしたいです")
    got = chat.say("REQ", "緑ケ丘3-2-1 山田")
    got = chat.say("REQ", "緑ケ丘公園の近く")
    press(chat, "REQ", "お願いする", got)
    assert len(session.scalars(select(HelpRequest)).all()) == 2, buttons(got)
    press(chat, "BINS", "引き受ける", offers_to(chat, "BINS"))
    details = texts(chat.channel.to("BINS"))[-1]
    assert "3-2-1" in details and "病院" not in details
