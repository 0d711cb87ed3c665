"""`python -m tests.conversations s9`: a set asked for by name; a name of no set is refused."""

import pytest

from tests.conversations import __main__ as figures


def test_a_name_of_no_set_is_refused_with_the_names_there_are(monkeypatch):
    monkeypatch.setattr("sys.argv", ["tests.conversations", "s99"])
    with pytest.raises(SystemExit) as stopped:
        figures.main()
    assert "no such set: s99" in str(stopped.value) and "s10" in str(stopped.value)


def test_only_the_sets_asked_for_are_played(monkeypatch, capsys):
    played = []
    monkeypatch.setattr(figures, "run_all", lambda personas, line: played.append(personas) or [])
    monkeypatch.setattr("sys.argv", ["tests.conversations", "s9", "tuned"])
    figures.main()
    assert played == [figures.SETS["tuned"], figures.SETS["s9 (looked at in session 10)"]]
    assert capsys.readouterr().out.count("(LINE)") == 2
