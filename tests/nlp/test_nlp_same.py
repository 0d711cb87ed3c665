"""bench.nlp_same names the labelled messages a change to bot/nlp reads otherwise, but never a held-out one."""

from bench.nlp_same import listed


def test_changed_readings_of_held_out_messages_are_counted_never_named() -> None:
    changed = [
        "held_out12_ja.jsonl:12:None",
        "en-held_out12.jsonl:3:offer_pending",
        "train_ja.jsonl:7:None",
        "en-tuned.jsonl:2:safety_check",
    ]
    printed = "\n".join(listed(changed))
    assert "train_ja.jsonl:7:None" in printed and "en-tuned.jsonl:2:safety_check" in printed
    assert "held_out12" not in printed
    assert "2 readings of held-out messages" in printed


def test_no_change_prints_nothing_but_the_total() -> None:
    assert listed([]) == []
