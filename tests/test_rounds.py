"""The pure side of facilitation: phases, the countdown with an injected clock, the rules of a
dot vote and a rating, tallies, rating spreads and what stays hidden (no store)."""

from __future__ import annotations

import pytest

from workshop.errors import BadInput, Conflict
from workshop.model import facilitation as F
from workshop.model import rounds as R
from workshop.model import tallies as T
from workshop.model.element_schema import map_schema
from workshop.model.facilitation import FacilitationState
from workshop.model.rounds import Round

T0 = 1_000_000.0


# -- phases --------------------------------------------------------------------------------------
def test_default_agenda_is_the_workshop_flow():
    s = FacilitationState()
    assert s.agenda == ("process", "group", "motives", "friction", "consensus", "actions")
    assert s.phase is None and s.page is None and s.current_round is None


def test_agenda_accepts_only_known_pages_and_keeps_the_current_page():
    s = F.with_phase(FacilitationState(), "motives")
    s2 = F.with_agenda(s, ["insights", "motives", "map"])
    assert s2.page == "motives" and s2.phase == 1
    assert F.with_agenda(s, ["process", "map"]).phase is None
    for bad in ([], ["process", "facilitate"], ["nope"], ["map"] * 21):
        with pytest.raises(BadInput):
            F.with_agenda(s, bad)


def test_phase_by_index_or_page_and_stepping():
    s = FacilitationState()
    assert F.stepped(s, 1).page == "process"
    assert F.stepped(s, -1).page == "actions"
    s = F.with_phase(s, "friction")
    assert s.phase == 3
    assert F.stepped(s, 1).page == "consensus" and F.stepped(s, -1).page == "motives"
    with pytest.raises(Conflict):
        F.stepped(F.with_phase(s, 5), 1)
    with pytest.raises(Conflict):
        F.stepped(F.with_phase(s, 0), -1)
    for bad in (6, -1, "deals", True, None):
        with pytest.raises(BadInput):
            F.with_phase(s, bad)


def test_summon_moves_the_counter_to_a_page():
    s = FacilitationState()
    with pytest.raises(BadInput):
        F.summoned(s)  # no phase, no page
    s = F.summoned(F.with_phase(s, "group"))
    assert (s.summon, s.summon_page) == (1, "group")
    s = F.summoned(s, "insights")
    assert (s.summon, s.summon_page) == (2, "insights")
    with pytest.raises(BadInput):
        F.summoned(s, "export")


def test_lock_end_and_reopen():
    s = F.with_lock(FacilitationState(), True)
    assert s.locked and not s.ended
    s = F.ended(s)
    assert s.locked and s.ended
    s = F.with_lock(s, False)
    assert not s.locked and not s.ended


def test_state_json_round_trip():
    r = R.new_round(3, "timer", now=T0, prompt="Go", minutes=2)
    s = F.summoned(F.with_phase(F.with_agenda(FacilitationState(), ["group", "map"]), 1))
    s = F.with_lock(s, True).with_round(r)
    again = FacilitationState.from_json(s.to_json(), [Round.from_json(r.to_json())])
    assert again == s


# -- making rounds -------------------------------------------------------------------------------
def test_rating_scales_come_from_the_schema():
    scales = R.rating_scales()
    assert scales["role"] == {"influence": (1, 5), "stance": (-2, 2)}
    assert scales["motive"] == {"importance": (1, 5)}
    assert scales["objection"] == {"severity": (1, 5)}
    seg = map_schema()["$defs"]["segment"]["properties"]
    assert seg["motives"]["items"]["properties"]["importance"]["maximum"] == 5


def test_new_round_checks_its_settings():
    v = R.new_round(1, "vote", now=T0, target="objection", budget=5, max_per_element=3, prompt="  What   stalls them? ")
    assert (v.budget, v.max_per_element, v.prompt, v.duration) == (5, 3, "What stalls them?", None)
    assert R.new_round(1, "vote", now=T0, target="step", budget=30).max_per_element == 20
    assert R.new_round(1, "rating", now=T0, target="role").fields == ("influence", "stance")
    assert R.new_round(1, "timer", now=T0, minutes=0.5).duration == 30.0
    bad = [
        dict(kind="party"),
        dict(kind="timer"),  # a timed round needs minutes
        dict(kind="timer", minutes=0),
        dict(kind="timer", minutes=241),
        dict(kind="timer", minutes=float("nan")),
        dict(kind="timer", minutes=3, prompt="x" * 201),
        dict(kind="vote", target="participant"),
        dict(kind="vote", target="objection", budget=0),
        dict(kind="vote", target="objection", budget=2, max_per_element=3),
        dict(kind="vote", target="objection", budget=True),
        dict(kind="rating", target="step"),
        dict(kind="rating", target="role", fields=("importance",)),
    ]
    for settings in bad:
        kind = settings.pop("kind")
        with pytest.raises(BadInput):
            R.new_round(1, kind, now=T0, **settings)


def test_round_json_round_trip_and_what_it_hides():
    b = R.new_round(4, "brainstorm", now=T0, anonymous=True, hidden=True, minutes=5)
    assert Round.from_json(b.to_json()) == b
    assert b.hides and b.concealed and not R.revealed(b).concealed
    assert not R.new_round(1, "brainstorm", now=T0).hides
    assert R.new_round(1, "vote", now=T0, target="role").hides
    with pytest.raises(BadInput):
        R.revealed(R.new_round(1, "timer", now=T0, minutes=1))


# -- the countdown -------------------------------------------------------------------------------
def test_countdown_pause_resume_extend_end():
    r = R.new_round(1, "timer", now=T0, minutes=5)
    c = R.countdown(r, T0 + 60)
    assert (c.remaining, c.running, c.paused, c.ended, c.time_up) == (240, True, False, False, False)
    assert c.ends_at == T0 + 300
    r = R.paused(r, T0 + 60)
    assert R.paused(r, T0 + 99) == r  # pausing twice changes nothing
    c = R.countdown(r, T0 + 500)
    assert (c.remaining, c.running, c.paused, c.ends_at) == (240, False, True, None)
    r = R.resumed(r, T0 + 500)
    assert R.resumed(r, T0 + 501) == r
    assert R.remaining(r, T0 + 560) == 180
    r = R.extended(r, 2, T0 + 560)
    assert R.remaining(r, T0 + 560) == 300
    r = R.paused(r, T0 + 600)
    r = R.finished(r, T0 + 700)  # ended while paused: the pause closes, the clock stops
    c = R.countdown(r, T0 + 9999)
    assert (c.remaining, c.ended, c.running, c.paused) == (260, True, False, False)
    assert R.finished(r, T0 + 10_000) == r
    for change in (lambda x: R.paused(x, T0), lambda x: R.resumed(x, T0), lambda x: R.extended(x, 1, T0)):
        with pytest.raises(Conflict):
            change(r)


def test_time_up_and_extending_after_it():
    r = R.new_round(1, "timer", now=T0, minutes=1)
    c = R.countdown(r, T0 + 240)
    assert c.remaining == 0 and c.time_up and c.running and c.ends_at is None
    r = R.extended(r, 2, T0 + 240)  # three minutes over: two more minutes means two left
    assert R.remaining(r, T0 + 240) == 120


def test_a_round_without_timer_counts_up_and_can_get_one():
    r = R.new_round(1, "vote", now=T0, target="role")
    c = R.countdown(r, T0 + 42)
    assert c.remaining is None and c.elapsed == 42 and not c.time_up
    assert R.remaining(R.extended(r, 3, T0 + 42), T0 + 42) == 180


def test_clock_text_rounds_up():
    assert [R.clock_text(s) for s in (0, 0.2, 59.5, 60, 61, 600)] == ["0:00", "0:01", "1:00", "1:00", "1:01", "10:00"]
    assert R.clock_text(None) == ""


# -- contributions -------------------------------------------------------------------------------
def test_dots_within_budget_and_per_element_limit():
    v = R.new_round(2, "vote", now=T0, target="objection", budget=5, max_per_element=3)
    R.check_dots(v, {"a": 3}, "b", 2)
    R.check_dots(v, {"a": 3, "b": 2}, "b", 1)  # setting b again replaces its dots
    R.check_dots(v, {"a": 3, "b": 2}, "b", 0)
    with pytest.raises(Conflict, match="0 left of 5"):
        R.check_dots(v, {"a": 3, "b": 2}, "c", 1)
    with pytest.raises(Conflict, match="at most 3"):
        R.check_dots(v, {}, "a", 4)
    for bad in (-1, 1.5, True):
        with pytest.raises(BadInput):
            R.check_dots(v, {}, "a", bad)
    with pytest.raises(Conflict):
        R.check_dots(R.finished(v, T0 + 1), {}, "a", 1)
    with pytest.raises(BadInput):
        R.check_dots(R.new_round(2, "timer", now=T0, minutes=1), {}, "a", 1)


def test_targets_and_ratings():
    v = R.new_round(2, "vote", now=T0, target="objection", segment="midsize")
    R.check_target(v, "objection", "midsize")
    with pytest.raises(BadInput):
        R.check_target(v, "role", "midsize")
    with pytest.raises(BadInput):
        R.check_target(v, "objection", "other")
    r = R.new_round(3, "rating", now=T0, target="role")
    R.check_rating(r, "stance", -2)
    R.check_rating(r, "influence", None)
    for field, value in (("stance", 3), ("influence", 0), ("importance", 3), ("stance", 1.0)):
        with pytest.raises(BadInput):
            R.check_rating(r, field, value)
    with pytest.raises(BadInput):
        R.check_rating(v, "stance", 1)
    R.check_note(R.new_round(4, "brainstorm", now=T0))
    with pytest.raises(BadInput):
        R.check_note(r)


# -- tallies -------------------------------------------------------------------------------------
VOTES = [
    {"participant": "p1", "about": "b", "round": 2, "dots": 2},
    {"participant": "p2", "about": "a", "round": 2, "dots": 2},
    {"participant": "p3", "about": "c", "round": 2, "dots": 3},
    {"participant": "p1", "about": "c", "round": 2, "dots": 1},
    {"participant": "p2", "about": "c", "dots": 1},  # round 1 by default
]
FUNCS = {"p1": "sales", "p2": "product", "p3": "marketing"}


def test_tally_ranks_by_dots_then_map_order():
    lines = T.tally(VOTES[:4], FUNCS, order=["c", "b", "a"])
    assert [(line.about, line.total, line.voters) for line in lines] == [("c", 4, 2), ("b", 2, 1), ("a", 2, 1)]
    assert lines[0].by_function == {"sales": 1, "marketing": 3}
    assert list(lines[0].by_function) == ["sales", "marketing"]  # the schema's order of functions
    assert T.tally(VOTES[:4], FUNCS)[1].about == "a"  # without an order: by id
    assert T.function_totals(VOTES[:4], {"p1": "sales"}) == {"sales": 3, "other": 5}
    assert T.dots_of(VOTES, "p2") == {"a": 2, "c": 1}
    assert T.round_of(VOTES[4]) == 1
    assert T.not_voted(["p4", "p1", "p3", "p2"], VOTES[:1]) == ["p4", "p3", "p2"]


def test_ratings_last_wins_and_spread_by_function():
    raw = [
        ("p1", "r", "influence", 2),
        ("p1", "r", "influence", 4),  # changed her mind
        ("p2", "r", "influence", 1),
        ("p3", "r", "influence", 5),
        ("p4", "r", "influence", 3),
        ("p4", "r", "stance", 1),
        ("p4", "r", "stance", None),  # taken back
    ]
    latest = T.latest(raw)
    assert latest == {
        ("p1", "r", "influence"): 4,
        ("p2", "r", "influence"): 1,
        ("p3", "r", "influence"): 5,
        ("p4", "r", "influence"): 3,
    }
    funcs = {"p1": "sales", "p2": "product", "p3": "sales", "p4": "product"}
    [spread] = T.spreads(latest, funcs)
    assert (spread.about, spread.field) == ("r", "influence")
    assert spread.overall == T.Stat(4, 3.25, 1, 5)
    assert spread.by_function == {"sales": T.Stat(2, 4.5, 4, 5), "product": T.Stat(2, 2.0, 1, 3)}
    assert spread.gap == 2.5
    assert T.spreads({("p1", "x", "stance"): 1}, funcs)[0].gap == 0.0
    assert T.not_rated(["p1", "p5"], latest) == ["p5"]


def test_redact_hides_others_votes_and_hidden_notes():
    doc = {"workshop": {"id": "w"}, "votes": VOTES, "notes": [{"id": "n1", "text": "a"}, {"id": "n2", "text": "b"}]}
    out = T.redact(doc, {2}, {"n2"}, "p1")
    assert [v["participant"] for v in out["votes"]] == ["p1", "p1", "p2"]  # own votes, and round 1's
    assert [n["id"] for n in out["notes"]] == ["n1"]
    assert doc["votes"] == VOTES and len(doc["notes"]) == 2  # the input is untouched
    assert T.redact(doc, set(), set(), None) == doc
