"""Facilitation services on a real store: who may do what, phases and summon, timed rounds with
an injected clock, dot votes under concurrency, reveal, silent ratings, brainstorms, the lock."""

from __future__ import annotations

import json
import threading

import pytest

from workshop import demo
from workshop.errors import BadInput, Conflict, Forbidden, Locked, NotFound
from workshop.model.facilitation import FacilitationState
from workshop.services import editing
from workshop.services import facilitation as fs
from workshop.services.live import Identity
from workshop.services.maps import export_document, import_document
from workshop.store import open_store

W = "fleet-launch"


#: for a test of the DuckDB engine's own machinery (its file, its writer thread)
DUCKDB_ONLY = pytest.mark.parametrize("any_store", ["duckdb"], indirect=True)


@pytest.fixture
def store(any_store):
    """The rules here run on every engine (``conftest.ENGINES``): they must not lean on DuckDB."""
    return any_store
T0 = 1_700_000_000.0


def who(pid: str, name: str | None = None) -> Identity:
    return Identity(W, pid, name or pid, "token")


ANNA, LARS, MIA, OMAR = who("p-anna"), who("p-lars"), who("p-mia"), who("p-omar")


@pytest.fixture
def fac(store, fleet) -> fs.Facilitator:
    """The fleet workshop in the store; Eva (management) facilitates."""
    created = import_document(store, fleet).created
    return fs.Facilitator(W, created.facilitator_key, "p-eva")


@pytest.fixture
def intruder(fac) -> fs.Facilitator:
    return fs.Facilitator(W, "not-the-key", "p-anna")


# -- permissions ---------------------------------------------------------------------------------
FACILITATOR_ACTIONS = {
    "set_agenda": lambda s, f: fs.set_agenda(s, f, ["group", "map"]),
    "set_phase": lambda s, f: fs.set_phase(s, f, "group", summon=True),
    "next_phase": lambda s, f: fs.next_phase(s, f),
    "previous_phase": lambda s, f: fs.previous_phase(s, f),
    "summon": lambda s, f: fs.summon(s, f, "map"),
    "lock": lambda s, f: fs.lock(s, f),
    "unlock": lambda s, f: fs.unlock(s, f),
    "end_workshop": lambda s, f: fs.end_workshop(s, f, now=T0),
    "delete_workshop": lambda s, f: fs.delete_workshop(s, f),
    "import_over": lambda s, f: fs.import_over(s, f, demo.example("fleet")),
    "start_timer": lambda s, f: fs.start_timer(s, f, "Go", 5, now=T0),
    "start_vote": lambda s, f: fs.start_vote(s, f, "objection", now=T0),
    "start_rating": lambda s, f: fs.start_rating(s, f, "role", now=T0),
    "start_brainstorm": lambda s, f: fs.start_brainstorm(s, f, now=T0),
    "pause": lambda s, f: fs.pause(s, f, now=T0 + 1),
    "resume": lambda s, f: fs.resume(s, f, now=T0 + 2),
    "extend": lambda s, f: fs.extend(s, f, 2, now=T0 + 3),
    "end_round": lambda s, f: fs.end_round(s, f, now=T0 + 4),
    "reveal": lambda s, f: fs.reveal(s, f),
    "cast_for": lambda s, f: fs.cast_for(s, f, "p-omar", 2, "o-surv", 1),
    "set_agreed": lambda s, f: fs.set_agreed(s, f, "r-cfo", "influence", 2),
    "triage": lambda s, f: fs.triage(s, f, "n1", "step", parent="s2"),
}


@pytest.mark.parametrize("action", sorted(FACILITATOR_ACTIONS))
def test_every_facilitator_action_needs_the_key(store, fac, intruder, action):
    fs.start_vote(store, fac, "objection", budget=3, now=T0)  # round 2 (the map's votes are round 1)
    if action == "resume":
        fs.pause(store, fac, now=T0)
    if action == "unlock":
        fs.lock(store, fac)
    before, version, state = export_document(store, W), store.version(W), store.facilitation(W)
    for wrong in (intruder, fs.Facilitator(W, "", "p-anna"), fs.Facilitator(W, fac.key + "x")):
        with pytest.raises(Forbidden):
            FACILITATOR_ACTIONS[action](store, wrong)
    assert store.version(W) == version
    assert store.facilitation(W) == state
    assert export_document(store, W) == before
    FACILITATOR_ACTIONS[action](store, fac)  # and the right key may
    if action != "delete_workshop":
        assert store.version(W) > version


def test_a_key_of_another_workshop_is_refused(store, fac, kommun):
    other = import_document(store, kommun).created
    with pytest.raises(Forbidden):
        fs.lock(store, fs.Facilitator(W, other.facilitator_key))
    assert not store.facilitation(W).locked


def test_hidden_results_need_the_key(store, fac):
    vote = fs.start_vote(store, fac, "objection", now=T0)
    rating = fs.start_rating(store, fac, "role", now=T0)
    for read in (fs.vote_results, fs.rating_results):
        no = vote.no if read is fs.vote_results else rating.no
        with pytest.raises(Forbidden):
            read(store, W, no)
        with pytest.raises(Forbidden):
            read(store, W, no, key="wrong")
        read(store, W, no, key=fac.key)


# -- phases and summon ---------------------------------------------------------------------------
def test_phases_move_and_every_change_moves_the_counter(store, fac):
    v = store.version(W)
    assert fs.state(store, W).page is None
    assert fs.next_phase(store, fac).page == "process"
    assert fs.next_phase(store, fac).page == "group"
    assert fs.previous_phase(store, fac).page == "process"
    assert fs.set_phase(store, fac, 4).page == "consensus"
    assert store.version(W) == v + 4
    s = fs.set_agenda(store, fac, ["consensus", "deals", "insights"])
    assert (s.agenda, s.page) == (("consensus", "deals", "insights"), "consensus")
    with pytest.raises(BadInput):
        fs.set_agenda(store, fac, ["consensus", "home"])
    with pytest.raises(BadInput):
        fs.set_phase(store, fac, "process")  # no longer on the agenda
    v = store.version(W)
    fs.set_phase(store, fac, "consensus")  # already there: nothing written
    assert store.version(W) == v
    events = store.events(W, limit=1)
    assert events[0]["op"] == "agenda" and events[0]["actor"] == "p-eva"


def test_summon_brings_everyone_to_the_phase_page(store, fac):
    seen = fs.state(store, W).summon  # a client opening now starts here and is not moved
    assert fs.summoned_page(store, W, seen) is None
    with pytest.raises(BadInput):
        fs.summon(store, fac)  # no phase yet
    fs.set_phase(store, fac, "friction")
    assert fs.summoned_page(store, W, seen) is None  # a phase change alone moves nobody
    fs.summon(store, fac)
    assert fs.summoned_page(store, W, seen) == "friction"
    seen = fs.state(store, W).summon
    fs.set_phase(store, fac, "consensus", summon=True)
    assert fs.summoned_page(store, W, seen) == "consensus"
    assert fs.state(store, W).summon == seen + 1


def test_state_is_read_from_memory_and_survives_a_restart(db_path, fleet):
    s = open_store(db_path)
    key = import_document(s, fleet).created.facilitator_key
    f = fs.Facilitator(W, key, "p-eva")
    fs.set_phase(s, f, "motives", summon=True)
    fs.start_timer(s, f, "Name the motives", 4, now=T0)
    fs.pause(s, f, now=T0 + 30)
    fs.lock(s, f)
    state, version = fs.state(s, W), s.version(W)
    s.close()
    s2 = open_store(db_path)
    try:
        assert fs.state(s2, W) == state and s2.version(W) == version
        assert fs.countdown(s2, W, now=T0 + 999).remaining == 210
    finally:
        s2.close()


# -- timed rounds --------------------------------------------------------------------------------
def test_timer_follows_the_server_clock(store, fac):
    r = fs.start_timer(store, fac, "List the customer's steps", 5, now=T0)
    assert fs.state(store, W).current_round == r and r.prompt == "List the customer's steps"
    assert fs.countdown(store, W, now=T0 + 100).remaining == 200
    fs.pause(store, fac, now=T0 + 100)
    c = fs.countdown(store, W, now=T0 + 500)
    assert (c.remaining, c.paused, c.running) == (200, True, False)
    fs.resume(store, fac, now=T0 + 500)
    assert fs.countdown(store, W, now=T0 + 600).remaining == 100
    fs.extend(store, fac, 1, now=T0 + 600)
    assert fs.countdown(store, W, now=T0 + 600).remaining == 160
    fs.end_round(store, fac, now=T0 + 700)
    c = fs.countdown(store, W, now=T0 + 5000)
    assert (c.remaining, c.ended) == (60, True)
    with pytest.raises(Conflict):
        fs.extend(store, fac, 1, now=T0 + 800)
    ops = [e["op"] for e in store.events(W, limit=5)]
    assert ops == ["round_end", "round_extend", "round_resume", "round_pause", "round_start"]


def test_a_new_round_ends_the_open_one(store, fac):
    first = fs.start_timer(store, fac, "One", 5, now=T0)
    second = fs.start_brainstorm(store, fac, prompt="Two", now=T0 + 60)
    assert second.no == first.no + 1
    s = fs.state(store, W)
    assert s.round(first.no).ended_at == T0 + 60 and s.open_round == second
    with pytest.raises(BadInput):
        fs.start_timer(store, fac, "no minutes", None, now=T0)
    assert fs.state(store, W).open_round == second  # a refused round changes nothing


def test_round_controls_without_a_round(store, fac):
    with pytest.raises(BadInput):
        fs.pause(store, fac, now=T0)
    assert fs.countdown(store, W) is None


# -- dot votes -----------------------------------------------------------------------------------
def test_dots_budget_limit_take_back_and_not_voted(store, fac):
    vote = fs.start_vote(store, fac, "objection", budget=4, max_per_element=3, prompt="Which objection hurts most?", now=T0)
    assert vote.no == 2  # after the map's round 1
    n = vote.no
    everyone = {p.id for p in fs.not_voted(store, W, n)}
    assert everyone == {"p-anna", "p-lars", "p-mia", "p-omar", "p-eva"}
    assert fs.set_dots(store, ANNA, n, "o-surv", 3) == {"o-surv": 3}
    with pytest.raises(Conflict):
        fs.set_dots(store, ANNA, n, "o-budget", 2)  # 3 + 2 > 4
    with pytest.raises(Conflict):
        fs.set_dots(store, LARS, n, "o-surv", 4)  # more than 3 on one element
    assert fs.set_dots(store, ANNA, n, "o-surv", 1) == {"o-surv": 1}  # setting replaces
    assert fs.set_dots(store, ANNA, n, "o-budget", 3) == {"o-surv": 1, "o-budget": 3}
    assert fs.dots_left(store, ANNA, n) == 0
    with pytest.raises(BadInput):
        fs.set_dots(store, ANNA, n, "r-cfo", 1)  # a role, not an objection
    with pytest.raises(NotFound):
        fs.set_dots(store, ANNA, n, "o-nothing", 1)
    assert {p.id for p in fs.not_voted(store, W, n)} == everyone - {"p-anna"}
    assert {p.id for p in fs.not_voted(store, W, n, exclude=["p-eva"])} == everyone - {"p-anna", "p-eva"}
    fs.set_dots(store, ANNA, n, "o-surv", 0)
    fs.set_dots(store, ANNA, n, "o-budget", 0)
    assert fs.my_dots(store, ANNA, n) == {}
    assert {p.id for p in fs.not_voted(store, W, n)} == everyone
    v = store.version(W)
    assert fs.set_dots(store, ANNA, n, "o-budget", 0) == {}  # nothing to take back: nothing written
    assert store.version(W) == v
    fs.end_round(store, fac, now=T0 + 60)
    with pytest.raises(Conflict):
        fs.set_dots(store, LARS, n, "o-surv", 1)


def test_votes_are_map_votes_with_their_round(store, fac, fleet):
    n = fs.start_vote(store, fac, "objection", now=T0).no
    fs.set_dots(store, MIA, n, "o-surv", 2)
    fs.cast_for(store, fac, "p-omar", n, "o-budget", 1)  # Omar has no device
    doc = export_document(store, W)
    assert doc["votes"][: len(fleet["votes"])] == fleet["votes"]
    assert doc["votes"][len(fleet["votes"]):] == [
        {"participant": "p-mia", "about": "o-surv", "round": n, "dots": 2},
        {"participant": "p-omar", "about": "o-budget", "round": n, "dots": 1},
    ]
    last = store.events(W, limit=1)[0]
    assert (last["op"], last["actor"]) == ("vote", "p-eva")
    with pytest.raises(BadInput):
        editing.add(store, MIA, "vote", {"participant": "p-mia", "about": "o-surv", "round": n, "dots": 5})


def test_facilitator_casts_within_the_same_budget(store, fac):
    n = fs.start_vote(store, fac, "objection", budget=2, now=T0).no
    fs.cast_for(store, fac, "p-omar", n, "o-surv", 2)
    with pytest.raises(Conflict):
        fs.cast_for(store, fac, "p-omar", n, "o-budget", 1)
    with pytest.raises(NotFound):
        fs.cast_for(store, fac, "p-nobody", n, "o-budget", 1)


def test_vote_on_one_segment_only(store, fac, fleet):
    doc = json.loads(json.dumps(fleet))
    doc["segments"].append({"id": "big", "name": "Big", "stages": [], "objections": [{"id": "o-big", "text": "Too big"}]})
    import_document(store, doc, mode="replace")
    n = fs.start_vote(store, fac, "objection", segment="midsize", now=T0).no
    with pytest.raises(BadInput):
        fs.set_dots(store, ANNA, n, "o-big", 1)
    fs.set_dots(store, ANNA, n, "o-surv", 1)
    with pytest.raises(NotFound):
        fs.start_vote(store, fac, "objection", segment="nowhere", now=T0)


def test_budgets_hold_with_thirty_people_casting_at_once(store, fac):
    people = ["p-anna", "p-lars", "p-mia", "p-omar", "p-eva"]
    for i in range(5):
        person, _ = store.add_participant(W, {"name": f"Guest {i}", "function": "other"})
        people.append(person.eid)
    steps = [s.eid for s in store.elements(W, "step")]
    assert len(steps) >= 6
    budget = 5
    n = fs.start_vote(store, fac, "step", budget=budget, max_per_element=2, now=T0).no
    v0 = store.version(W)
    accepted: list[tuple[str, str, int]] = []
    refused: list[tuple[str, int]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(30)

    def worker(k: int) -> None:
        me = who(people[k % 10])
        mine = [steps[(k // 10) * 2], steps[(k // 10) * 2 + 1]]  # 3 threads per person, 6 elements each
        try:
            start.wait()
            for about, dots in ((mine[0], 2), (mine[1], 1)):
                try:
                    fs.set_dots(store, me, n, about, dots)
                    with lock:
                        accepted.append((me.participant_id, about, dots))
                except Conflict:
                    with lock:
                        refused.append((me.participant_id, dots))
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert len(accepted) + len(refused) == 60
    assert store.version(W) == v0 + len(accepted)  # one change per accepted cast
    stored = [v.data for v in store.round_votes(W, n)]
    assert sorted((v["participant"], v["about"], v["dots"]) for v in stored) == sorted(accepted)  # every vote counted
    for p in people:
        total = sum(v["dots"] for v in stored if v["participant"] == p)
        assert total <= budget  # nobody over budget
        mine_refused = [d for q, d in refused if q == p]
        if mine_refused:  # refused only when the cast would not fit: the budget was (nearly) spent
            assert total > budget - min(mine_refused)
    assert fs.not_voted(store, W, n) == []
    results = fs.vote_results(store, W, n, key=fac.key)
    assert results.dots == sum(d for _, _, d in accepted) and results.voters == 10


# -- reveal --------------------------------------------------------------------------------------
def test_votes_are_hidden_until_the_reveal(store, fac):
    n = fs.start_vote(store, fac, "objection", now=T0).no
    fs.set_dots(store, ANNA, n, "o-surv", 2)
    fs.set_dots(store, LARS, n, "o-surv", 1)
    fs.set_dots(store, MIA, n, "o-budget", 3)
    doc = export_document(store, W)

    def voters(viewer, key=None):
        shown = fs.visible_doc(store, W, doc, viewer, key=key)
        return sorted(v["participant"] for v in shown["votes"] if v.get("round", 1) == n)

    assert voters("p-anna") == ["p-anna"]  # only my own
    assert voters(None) == []
    assert voters(None, key=fac.key) == ["p-anna", "p-lars", "p-mia"]
    assert len(fs.visible_doc(store, W, doc, "p-anna")["votes"]) == 1 + 3  # round 1 of the map stays
    with pytest.raises(Forbidden):
        fs.vote_results(store, W, n)
    assert fs.my_dots(store, LARS, n) == {"o-surv": 1}
    fs.reveal(store, fac)
    assert voters("p-omar") == ["p-anna", "p-lars", "p-mia"]
    results = fs.vote_results(store, W, n)
    assert [(line.about, line.total, line.voters) for line in results.lines] == [("o-surv", 3, 2), ("o-budget", 3, 1)]
    assert results.lines[0].by_function == {"sales": 3}
    assert results.by_function == {"sales": 3, "product": 3}
    assert (results.dots, results.voters) == (6, 3)
    assert store.events(W, limit=1)[0]["op"] == "reveal"


def test_what_a_round_hides_does_not_move_the_public_counter(store, fac):
    """Participants' pages follow the public counter (ui.live): a dot, a rating or a note that a
    round still hides from everyone else moves only the full counter (the facilitator's)."""
    n = fs.start_vote(store, fac, "objection", now=T0).no
    public, full = store.public_version(W), store.version(W)
    fs.set_dots(store, ANNA, n, "o-surv", 2)
    fs.set_dots(store, ANNA, n, "o-surv", 0)
    assert store.version(W) == full + 2 and store.public_version(W) == public
    editing.add(store, LARS, "step", {"text": "A step everyone sees"}, parent="s1")
    assert store.public_version(W) == store.version(W) == full + 3
    fs.reveal(store, fac)  # from now on the votes are shown: the reveal moves it
    assert store.public_version(W) == store.version(W)
    r = fs.start_rating(store, fac, "role", now=T0 + 1).no
    public = store.public_version(W)
    fs.rate(store, MIA, r, "r-cfo", "influence", 3)
    assert store.public_version(W) == public < store.version(W)
    b = fs.start_brainstorm(store, fac, hidden=True, now=T0 + 2).no
    public = store.public_version(W)
    fs.post_note(store, OMAR, b, "Only the facilitator sees this yet")
    assert store.public_version(W) == public < store.version(W)
    open_b = fs.start_brainstorm(store, fac, now=T0 + 3).no
    fs.post_note(store, OMAR, open_b, "Everyone sees this at once")
    assert store.public_version(W) == store.version(W)


# -- silent rating -------------------------------------------------------------------------------
def test_silent_rating_spread_and_agreed_value(store, fac):
    r = fs.start_rating(store, fac, "role", fields=["influence", "stance"], prompt="How much does each role weigh?", now=T0)
    n = r.no
    fs.rate(store, ANNA, n, "r-cfo", "influence", 2)
    fs.rate(store, ANNA, n, "r-cfo", "influence", 4)  # the last rating wins
    fs.rate(store, LARS, n, "r-cfo", "influence", 5)
    fs.rate(store, MIA, n, "r-cfo", "influence", 1)
    fs.rate(store, MIA, n, "r-cfo", "stance", -2)
    fs.rate(store, OMAR, n, "r-cfo", "stance", 1)
    fs.rate(store, OMAR, n, "r-cfo", "stance", None)  # taken back
    with pytest.raises(BadInput):
        fs.rate(store, ANNA, n, "r-cfo", "stance", 3)
    with pytest.raises(BadInput):
        fs.rate(store, ANNA, n, "r-cfo", "importance", 3)
    with pytest.raises(BadInput):
        fs.rate(store, ANNA, n, "o-surv", "influence", 3)
    assert fs.my_ratings(store, ANNA, n) == {("r-cfo", "influence"): 4}
    assert [p.id for p in fs.not_rated(store, W, n)] == ["p-omar", "p-eva"]
    rate_event = store.events(W, limit=1)[0]
    assert rate_event["op"] == "rate" and "value" not in json.dumps(rate_event["after"])
    with pytest.raises(Forbidden):
        fs.rating_results(store, W, n)
    fs.reveal(store, fac)
    spreads = {(s.about, s.field): s for s in fs.rating_results(store, W, n)}
    influence = spreads[("r-cfo", "influence")]
    assert (influence.overall.n, influence.overall.mean, influence.overall.low, influence.overall.high) == (3, 10 / 3, 1, 5)
    assert influence.by_function["sales"].mean == 4.5 and influence.by_function["product"].mean == 1
    assert influence.gap == 3.5
    assert spreads[("r-cfo", "stance")].overall.n == 1
    v = store.version(W)
    fs.set_agreed(store, fac, "r-cfo", "influence", 4)
    assert store.element(W, "r-cfo").data["influence"] == 4
    assert store.version(W) == v + 1
    last = store.events(W, limit=1)[0]
    assert (last["op"], last["actor"], last["eid"]) == ("update", "p-eva", "r-cfo")
    for field, value in (("influence", 6), ("importance", 3), ("name", 3)):
        with pytest.raises(BadInput):
            fs.set_agreed(store, fac, "r-cfo", field, value)
    fs.end_round(store, fac, now=T0 + 1)
    with pytest.raises(Conflict):
        fs.rate(store, ANNA, n, "r-cfo", "influence", 1)


def test_motive_importance_rating(store, fac):
    n = fs.start_rating(store, fac, "motive", now=T0).no
    assert fs.state(store, W).round(n).fields == ("importance",)
    motive = store.elements(W, "motive")[0].eid
    fs.rate(store, MIA, n, motive, "importance", 5)
    fs.set_agreed(store, fac, motive, "importance", 5)
    assert store.element(W, motive).data["importance"] == 5


# -- brainstorm ----------------------------------------------------------------------------------
def test_anonymous_hidden_brainstorm(store, fac):
    n = fs.start_brainstorm(store, fac, prompt="What happens behind the scenes?", anonymous=True, hidden=True, now=T0).no
    a = fs.post_note(store, ANNA, n, "  The CFO asks a peer  ")
    b = fs.post_note(store, LARS, n, "IT runs its own test", about="s3")
    assert a.data == {"text": "The CFO asks a peer", "id": a.eid}  # no author
    assert a.by is None and store.events(W, limit=2)[1]["actor"] is None  # nor in the log
    assert b.data["about"] == "s3" and "author" not in b.data
    with pytest.raises(BadInput):
        fs.post_note(store, ANNA, n, "   ")
    mine = fs.round_notes(store, W, n, "p-anna")
    assert [(x.text, x.mine, x.author) for x in mine] == [("The CFO asks a peer", True, None)]
    assert fs.round_notes(store, W, n, "p-mia") == []
    assert len(fs.round_notes(store, W, n, None, key=fac.key)) == 2
    doc = export_document(store, W)
    shown = fs.visible_doc(store, W, doc, "p-anna")
    assert a.eid in {x["id"] for x in shown["notes"]} and b.eid not in {x["id"] for x in shown["notes"]}
    assert {"n1", "n2"} <= {x["id"] for x in shown["notes"]}  # notes outside the round stay
    fs.reveal(store, fac)
    assert [x.mine for x in fs.round_notes(store, W, n, "p-mia")] == [False, False]
    assert fs.visible_doc(store, W, doc, "p-mia") is doc
    fs.end_round(store, fac, now=T0 + 1)
    with pytest.raises(Conflict):
        fs.post_note(store, MIA, n, "too late")


def test_named_open_brainstorm(store, fac):
    n = fs.start_brainstorm(store, fac, now=T0).no
    note = fs.post_note(store, MIA, n, "Security review takes 6 weeks")
    assert note.data["author"] == "p-mia" and note.by == "p-mia"
    assert [x.author for x in fs.round_notes(store, W, n, "p-omar")] == ["p-mia"]
    with pytest.raises(BadInput):
        fs.reveal(store, fac)  # nothing hidden


def test_triage_makes_an_element_and_keeps_the_note(store, fac):
    n = fs.start_brainstorm(store, fac, now=T0).no
    note = fs.post_note(store, MIA, n, "Security review takes 6 weeks")
    step, linked = fs.triage(store, fac, note.eid, "step", parent="s3", fields={"behind_the_scenes": True})
    assert step.data["text"] == "Security review takes 6 weeks" and step.data["behind_the_scenes"] is True
    assert step.by == "p-mia"  # credited to the note's author
    assert linked.data["about"] == step.eid and linked.data["author"] == "p-mia"
    made, link = store.events(W, limit=2)[::-1]
    assert (made["op"], made["actor"], made["eid"]) == ("triage", "p-mia", step.eid)
    assert (link["op"], link["actor"], link["eid"]) == ("update", "p-eva", note.eid)
    doc = export_document(store, W)
    assert any(s["id"] == step.eid for st in doc["segments"][0]["stages"] for s in st.get("steps", []))
    assert any(x["id"] == note.eid and x["about"] == step.eid for x in doc["notes"])
    # an anonymous note becomes a role of the only segment, credited to the facilitator
    m = fs.start_brainstorm(store, fac, anonymous=True, now=T0).no
    anon = fs.post_note(store, OMAR, m, "The works council")
    role, _ = fs.triage(store, fac, anon.eid, "role")
    assert role.parent == "midsize" and role.data["name"] == "The works council" and role.by == "p-eva"
    with pytest.raises(BadInput):
        fs.triage(store, fac, anon.eid, "participant")
    with pytest.raises(NotFound):
        fs.triage(store, fac, "r-cfo", "step", parent="s1")


def test_a_note_is_triaged_once(store, fac):
    """Issue 17: a second click (or a second facilitator's tab) added the same note twice."""
    n = fs.start_brainstorm(store, fac, now=T0).no
    note = fs.post_note(store, MIA, n, "Legal reads every clause")
    step, _ = fs.triage(store, fac, note.eid, "step", parent="s3")
    version = store.version(W)
    with pytest.raises(Conflict) as caught:
        fs.triage(store, fac, note.eid, "step", parent="s3")
    assert caught.value.key == "error.triaged"
    assert store.version(W) == version  # nothing written
    assert [s.eid for s in store.elements(W, "step") if s.data["text"] == "Legal reads every clause"] == [step.eid]
    # the same note may still become something of another kind (a role it names, say)
    role, _ = fs.triage(store, fac, note.eid, "objection")
    assert role.kind == "objection"


# -- lock ----------------------------------------------------------------------------------------
def test_lock_makes_the_map_read_only_for_participants(store, fac):
    vote = fs.start_vote(store, fac, "objection", now=T0).no
    rating = fs.start_rating(store, fac, "role", now=T0).no
    brainstorm = fs.start_brainstorm(store, fac, now=T0).no
    step = store.element(W, "st1")
    fs.lock(store, fac)
    assert fs.state(store, W).locked
    v = store.version(W)
    writes = [
        lambda: editing.add(store, ANNA, "step", {"text": "x"}, parent="s1"),
        lambda: editing.update(store, ANNA, "st1", {"text": "y"}, based_on=step.version),
        lambda: editing.delete(store, ANNA, "n1"),
        lambda: editing.move(store, ANNA, "s2", 0),
        lambda: editing.undo(store, ANNA),
        lambda: editing.add_note(store, ANNA, "note", None),
        lambda: fs.set_dots(store, ANNA, vote, "o-surv", 1),
        lambda: fs.rate(store, ANNA, rating, "r-cfo", "influence", 3),
        lambda: fs.post_note(store, ANNA, brainstorm, "idea"),
    ]
    for write in writes:
        with pytest.raises(Locked, match="locked"):
            write()
    # the writer checks too (no edit slips in between the check in memory and the write)
    with pytest.raises(Locked):
        store.add(W, "step", {"text": "x"}, parent="s1", actor="p-anna", respect_lock=True)
    assert store.version(W) == v
    fs.set_agreed(store, fac, "r-cfo", "stance", -1)  # the facilitator still can
    fs.unlock(store, fac)
    editing.add(store, ANNA, "step", {"text": "x"}, parent="s1")
    fs.post_note(store, ANNA, brainstorm, "idea")


@DUCKDB_ONLY
def test_an_edit_grouped_with_the_lock_sees_it(store, fac):
    """The lock and an edit that passed the check in memory land in one group of the writer:
    the edit's job sees the lock of the job before it and is refused."""
    gate, holding = threading.Event(), threading.Event()

    def hold(_cursor):
        holding.set()
        gate.wait(10)

    queue = store._writer._queue
    blocker = threading.Thread(target=store._writer.exclusive, args=(hold,))
    blocker.start()
    holding.wait(10)
    outcome: dict[str, object] = {}

    def run(name, fn):
        try:
            outcome[name] = fn()
        except Exception as exc:  # noqa: BLE001 - asserted below
            outcome[name] = exc

    locker = threading.Thread(target=run, args=("lock", lambda: fs.lock(store, fac)))
    locker.start()
    while queue.qsize() < 1:
        threading.Event().wait(0.005)
    editor = threading.Thread(target=run, args=("edit", lambda: editing.add(store, ANNA, "step", {"text": "late"}, parent="s1")))
    editor.start()
    while queue.qsize() < 2:
        threading.Event().wait(0.005)
    gate.set()
    for t in (blocker, locker, editor):
        t.join(10)
    assert outcome["lock"].locked
    assert isinstance(outcome["edit"], Locked)
    assert not any(s["text"] == "late" for s in (e.data for e in store.elements(W, "step")))


def test_end_workshop_locks_and_marks_it_ended(store, fac):
    fs.start_timer(store, fac, "Last words", 2, now=T0)
    s = fs.end_workshop(store, fac, now=T0 + 30)
    assert s.locked and s.ended and s.open_round is None
    assert fs.countdown(store, W, now=T0 + 999).remaining == 90
    with pytest.raises(Locked, match="ended"):
        editing.add_note(store, LARS, "one more", None)
    s = fs.unlock(store, fac)
    assert not s.locked and not s.ended
    editing.add_note(store, LARS, "one more", None)


def test_joining_a_locked_workshop_still_works(store, fac):
    from workshop.services.live import join

    fs.lock(store, fac)
    me = join(store, store.workshop(W).join_code, "Late Larry", "sales")
    assert store.element(W, me.participant_id).data["name"] == "Late Larry"


# -- the workshop as a whole ---------------------------------------------------------------------
def test_import_over_keeps_code_key_and_facilitation(store, fac, fleet):
    code = store.workshop(W).join_code
    fs.set_phase(store, fac, "group")
    changed = json.loads(json.dumps(fleet))
    changed["workshop"]["id"] = "some-other-id"  # imported over *this* workshop all the same
    changed["workshop"]["title"] = "Replaced"
    result = fs.import_over(store, fac, json.dumps(changed).encode())
    assert result.replaced and result.workshop_id == W
    assert export_document(store, W)["workshop"]["title"] == "Replaced"
    assert store.workshop(W).join_code == code and store.check_facilitator_key(W, fac.key)
    assert fs.state(store, W).page == "group"
    with pytest.raises(BadInput):
        fs.import_over(store, fac, b"{not json")
    assert export_document(store, W)["workshop"]["title"] == "Replaced"


def test_delete_workshop_takes_its_facilitation_along(store, fac, fleet):
    fs.lock(store, fac)
    n = fs.start_rating(store, fac, "role", now=T0).no
    store.rate(W, n, "p-anna", "r-cfo", "influence", 3)
    fs.delete_workshop(store, fac)
    assert not store.exists(W)
    assert fs.state(store, W) == FacilitationState()
    import_document(store, fleet)
    assert not fs.state(store, W).locked and store.ratings(W, n) == []
