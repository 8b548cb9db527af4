"""What the live parts start from (:mod:`workshop.services.live_state`), on both engines: the
board's state, what a round shows, who may ask, the page's structure, and when a page must be
drawn again at the end of its own run."""

from __future__ import annotations

import json

import pytest

from workshop.errors import Forbidden
from workshop.services import editing, facilitation as fs, live, live_state, rounds, votes
from workshop.services.brainstorm import post_note
from workshop.services.facilitator import Facilitator
from workshop.services.live import Identity
from workshop.services.maps import import_document

W = "fleet-launch"


@pytest.fixture
def store(any_store):
    return any_store


@pytest.fixture
def room(store, fleet):
    created = import_document(store, fleet).created
    anna = live.join(store, created.join_code, "Anna", "sales")
    bea = live.join(store, created.join_code, "Bea", "product")
    return created, anna, bea, Facilitator(W, created.facilitator_key, anna.participant_id)


def _board(store, viewer, seg="midsize") -> dict:
    return json.loads(live_state.state_json(store, W, viewer, "board", seg))


def test_the_board_holds_one_segments_stages_steps_roles_and_notes_about_them(store, room):
    _, anna, _, _ = room
    note = editing.add_note(store, anna, "Ask the CFO", "st1")
    loose = editing.add_note(store, anna, "About the whole workshop", None)
    answer = _board(store, anna.participant_id)
    kinds = {el["kind"] for el in answer["state"]["elements"]}
    assert kinds == {"stage", "step", "role", "note", "participant"}
    ids = {el["id"] for el in answer["state"]["elements"]}
    assert {"s1", "st1", note.eid, anna.participant_id} <= ids and loose.eid not in ids
    step = next(el for el in answer["state"]["elements"] if el["id"] == "st1")
    assert set(step) == {"id", "kind", "parent", "pos", "data"} and step["parent"] == "s1"  # the stream's shape
    assert answer["state"]["v"] == store.version(W) and answer["state"]["segment"] == "midsize"
    assert _board(store, anna.participant_id, seg="no-such-segment")["state"]["segment"] == "midsize"


def test_a_hidden_brainstorm_note_stays_with_its_poster(store, room):
    _, anna, bea, fac = room
    r = rounds.start_brainstorm(store, fac, hidden=True)
    note = post_note(store, anna, r.no, "only mine until the reveal", about="s1")
    assert note.eid in {el["id"] for el in _board(store, anna.participant_id)["state"]["elements"]}
    assert note.eid not in {el["id"] for el in _board(store, bea.participant_id)["state"]["elements"]}
    assert note.eid not in {el["id"] for el in _board(store, None)["state"]["elements"]}  # the projector
    fs.reveal(store, fac, r.no)
    assert note.eid in {el["id"] for el in _board(store, bea.participant_id)["state"]["elements"]}


def test_others_hidden_dots_are_in_no_state(store, room):
    _, anna, bea, fac = room
    r = rounds.start_vote(store, fac, "objection", budget=3)
    votes.set_dots(store, anna, r.no, "o-surv", 2)
    for view in live_state.VIEWS:
        text = live_state.state_json(store, W, bea.participant_id, view, None).decode()
        assert "o-surv" not in text or view == "board"  # the board holds no objections at all
        assert '"dots"' not in text
    clock = json.loads(live_state.state_json(store, W, bea.participant_id, "clock", None))["state"]
    assert clock["voted"] == [anna.participant_id]  # who took part, never what they chose
    results = json.loads(live_state.state_json(store, W, bea.participant_id, "results", None))["state"]
    assert results["results"] is None
    fs.end_round(store, fac, r.no)
    fs.reveal(store, fac, r.no)
    results = json.loads(live_state.state_json(store, W, bea.participant_id, "results", None))["state"]["results"]
    assert results["kind"] == "vote" and results["lines"][0]["about"] == "o-surv" and results["dots"] == 2


def test_the_countdown_is_read_fresh_from_the_servers_clock(store, room, monkeypatch):
    _, _, bea, fac = room
    rounds.start_timer(store, fac, "Write silently", 2)
    now = [store.facilitation(W).current_round.started_at + 30]
    monkeypatch.setattr("workshop.services.live_state.server_time", lambda *_: now[0])
    first = live_state.round_state(store, W, live.snapshot(store, W), bea.participant_id)["round"]
    now[0] += 45  # the same change, read later: not the time left of the first read
    later = live_state.round_state(store, W, live.snapshot(store, W), bea.participant_id)["round"]
    assert (first["remaining"], later["remaining"]) == (90, 45) and later["running"]


@pytest.mark.parametrize("how", ["token", "join code"])
def test_who_may_ask(store, room, kommun, how):
    created, anna, _, _ = room
    if how == "token":
        assert live_state.viewer(store, anna.token, None, None) == (W, anna.participant_id)
        assert live_state.viewer(store, anna.token, W, None) == (W, anna.participant_id)
    else:
        assert live_state.viewer(store, None, W, created.join_code) == (W, None)
    other = import_document(store, kommun).created
    stranger = live.join(store, other.join_code, "Sven", "sales")
    for token, wid, code in (("nope", None, None), (stranger.token, W, None), (None, W, other.join_code), (None, W, None), ("", None, "x")):
        with pytest.raises(Forbidden):
            live_state.viewer(store, token, wid, code)


def test_the_structure_moves_with_what_only_a_run_draws(store, room):
    _, anna, _, fac = room

    def now() -> str:
        return live_state.current_structure(store, W)

    seen = [now()]
    editing.add(store, anna, "step", {"text": "a step is no structure"}, parent="s1")
    assert now() == seen[-1]
    for change in (
        lambda: fs.set_phase(store, fac, "process"),
        lambda: fs.summon(store, fac),
        lambda: rounds.start_timer(store, fac, "Write", 5),
        lambda: fs.end_round(store, fac),
        lambda: fs.lock(store, fac),
    ):
        change()
        assert now() not in seen
        seen.append(now())
    rounds.start_timer(store, fac, "Again", 5)
    seen.append(now())
    for same in (lambda: rounds.pause(store, fac), lambda: rounds.resume(store, fac), lambda: rounds.extend(store, fac, 1)):
        same()  # the countdown's part draws these itself
        assert now() == seen[-1]


def test_a_page_is_drawn_again_at_once_only_for_its_own_viewers_change(store, room):
    _, anna, bea, _ = room
    drawn = live.snapshot(store, W)
    assert not live_state.moved(store, W, drawn, ("stage",), anna.participant_id)
    editing.add(store, bea, "stage", {"name": "Bea's stage"}, parent="midsize")
    editing.add(store, anna, "step", {"text": "Anna's step"}, parent="s1")
    # others' stages reach Anna's page by the stream; her own step is drawn by her board
    assert not live_state.moved(store, W, drawn, ("stage",), anna.participant_id)
    assert live_state.moved(store, W, drawn, ("stage",), bea.participant_id)
    assert live_state.moved(store, W, drawn, None, anna.participant_id)  # a page drawn by Streamlit alone
    for i in range(live_state.MOVED_LOOKBACK):
        editing.add(store, bea, "step", {"text": f"busy {i}"}, parent="s1")
    assert live_state.moved(store, W, drawn, ("stage",), anna.participant_id)  # too much to look at: draw again


# -- what a revealed round shows everyone (the presenter's results part) -------------------------
T0 = 1_700_000_000.0
ANNA, LARS = Identity(W, "p-anna", "Anna", "token"), Identity(W, "p-lars", "Lars", "token")


@pytest.fixture
def fac(store, fleet) -> fs.Facilitator:
    return fs.Facilitator(W, import_document(store, fleet).created.facilitator_key, "p-eva")


def _results(store) -> dict:
    return json.loads(live_state.state_json(store, W, None, "results", None))["state"]["results"]


def test_a_revealed_vote_shows_its_ranked_dots(store, fac):
    """As the browser draws it (``web/component/live.js`` reads ``lines[].dots``, ``label``,
    ``by_function``)."""
    n = fs.start_vote(store, fac, "objection", now=T0).no
    fs.set_dots(store, ANNA, n, "o-surv", 2)
    fs.set_dots(store, LARS, n, "o-surv", 1)
    fs.set_dots(store, LARS, n, "o-budget", 1)
    assert _results(store) is None  # hidden until the reveal
    fs.reveal(store, fac)
    res = _results(store)
    assert (res["kind"], res["voters"], res["dots"]) == ("vote", 2, 4)
    assert [(line["about"], line["dots"]) for line in res["lines"]] == [("o-surv", 3), ("o-budget", 1)]
    assert res["lines"][0]["label"] and sum(res["lines"][0]["by_function"].values()) == 3


def test_a_revealed_rating_shows_its_spread(store, fac):
    """A rating's ``mean``, ``low``, ``high``, ``n`` per element and field."""
    n = fs.start_rating(store, fac, "role", fields=["influence"], now=T0).no
    fs.rate(store, ANNA, n, "r-cfo", "influence", 2)
    fs.rate(store, LARS, n, "r-cfo", "influence", 4)
    fs.reveal(store, fac)
    (line,) = _results(store)["lines"]
    assert (line["about"], line["field"], line["mean"], line["low"], line["high"], line["n"]) == ("r-cfo", "influence", 3.0, 2, 4, 2)


def test_a_brainstorms_notes_with_who_posted_them(store, room):
    """The projector's and the round panel's list: the round's notes (the viewer's own while
    the others' are hidden), their authors by id, and everyone's names (new notes and people
    come on the stream)."""
    _, anna, bea, fac = room
    r = rounds.start_brainstorm(store, fac, hidden=True)
    mine = post_note(store, anna, r.no, "Anna's idea")
    post_note(store, bea, r.no, "Bea's idea")

    def notes(viewer):
        res = json.loads(live_state.state_json(store, W, viewer, "results", None))["state"]["results"]
        return res, {n["text"]: n["author"] for n in res["notes"]}

    res, seen = notes(anna.participant_id)
    assert res["kind"] == "notes" and res["hidden"] and seen == {"Anna's idea": anna.participant_id}
    assert res["names"][anna.participant_id] == "Anna" and mine.eid in {n["id"] for n in res["notes"]}
    assert notes(None)[1] == {}  # the projector: nothing before the reveal
    fs.reveal(store, fac, r.no)
    res, seen = notes(None)
    assert not res["hidden"] and seen == {"Anna's idea": anna.participant_id, "Bea's idea": bea.participant_id}
