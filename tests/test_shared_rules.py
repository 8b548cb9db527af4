"""One copy of each rule: what the screens offer is what the writer accepts (vote and rating
targets, on a real store), read-only, the summon, the triage targets and the projector's access.

The console and the round panel once each had their own "which segment is this in": the console
gave deals none and let elements of no segment into a segment's vote, so it offered targets the
store then refused. Now both offer :func:`workshop.model.rounds.offered`, built on the check the
writer runs; these tests cast on every element offered and on elements not offered.
"""

from __future__ import annotations

import pytest

from workshop import demo
from workshop.errors import BadInput, Locked
from workshop.model import facilitation as F
from workshop.model.facilitation import FacilitationState, refuse_if_read_only, summon_target
from workshop.model.kinds import KINDS, TRIAGE_PARENT, TRIAGE_TEXT
from workshop.model.rounds import RATABLE, VOTE_TARGETS, offered, rating_scales
from workshop.services import facilitation as fs
from workshop.services import live
from workshop.services.live import Identity, snapshot
from workshop.services.maps import import_document

T0 = 1_700_000_000.0


def _maps() -> dict[str, dict]:
    """The demo maps (one segment each) and a small synthetic one with two segments, so that a
    segment's round leaves out the other segment's elements."""
    small = demo.synthetic_map(
        workshop_id="syn", segments=2, stages=4, steps=2, roles=3, motives=2, objections=2, votes=0, deals=3, participants=3
    )
    return {"fleet": demo.example("fleet"), "kommun": demo.example("kommun"), "synthetic": small}


MAPS = _maps()


@pytest.fixture(params=sorted(MAPS))
def room(request, store):
    """A store holding one map; returns (store, facilitator, participant ids, segment ids)."""
    doc = MAPS[request.param]
    created = import_document(store, doc).created
    wid = doc["workshop"]["id"]
    people = [p["id"] for p in doc["participants"]]
    fac = fs.Facilitator(wid, created.facilitator_key, people[0])
    return store, fac, people, [s["id"] for s in doc["segments"]]


def _limits(segments: list[str]) -> list[str | None]:
    return [None, *segments]


def _not_offered(snap, chosen: set[str], kind: str) -> list[str]:
    """Every element of the round's kind that is not offered, and one element of each other
    kind with an id (a vote on objections refuses a role)."""
    same = [el.eid for el in snap.of_kind(kind) if el.eid not in chosen]
    others = []
    for other in KINDS:
        if other != kind and KINDS[other].has_id:
            found = snap.of_kind(other)
            if found:
                others.append(found[0].eid)
    return same + others


@pytest.mark.parametrize("kind", VOTE_TARGETS)
def test_every_vote_target_offered_is_accepted_and_the_rest_refused(room, kind):
    store, fac, people, segments = room
    left_out_of_a_segment = 0
    for segment in _limits(segments):
        r = fs.start_vote(store, fac, kind, budget=100, max_per_element=1, segment=segment, now=T0)
        snap = snapshot(store, fac.workshop_id)
        choices = offered(r, snap)  # what the console's "cast for" and the round panel list
        assert all(el.kind == kind for el in choices)
        if segment is None:
            assert [el.eid for el in choices] == [el.eid for el in snap.of_kind(kind)]  # no limit: all of them
        for i, el in enumerate(choices):
            who = people[i % len(people)]  # 100 dots each: enough for the synthetic map's 100 notes
            assert fs.cast_for(store, fac, who, r.no, el.eid, 1)[el.eid] == 1  # accepted
        chosen = {el.eid for el in choices}
        refused = _not_offered(snap, chosen, kind)
        if segment is not None:
            left_out_of_a_segment += len([e for e in refused if snap.element(e).kind == kind])
        for eid in refused:
            with pytest.raises(BadInput):
                fs.cast_for(store, fac, people[0], r.no, eid, 1)
    if len(segments) > 1:
        assert left_out_of_a_segment > 0  # a segment's vote did leave elements out (not vacuous)


@pytest.mark.parametrize("kind", RATABLE)
def test_every_rating_target_offered_is_accepted_and_the_rest_refused(room, kind):
    store, fac, people, segments = room
    field = next(iter(rating_scales()[kind]))
    low = rating_scales()[kind][field][0]
    me = Identity(fac.workshop_id, people[-1], people[-1], "")
    for segment in _limits(segments):
        r = fs.start_rating(store, fac, kind, fields=[field], segment=segment, now=T0)
        snap = snapshot(store, fac.workshop_id)
        choices = offered(r, snap)  # the round panel's sliders
        assert choices, f"a {kind} rating offers nothing"
        for el in choices:
            fs.rate(store, me, r.no, el.eid, field, low)
        assert {about for about, _ in fs.my_ratings(store, me, r.no)} == {el.eid for el in choices}
        for eid in _not_offered(snap, {el.eid for el in choices}, kind):
            with pytest.raises(BadInput):
                fs.rate(store, me, r.no, eid, field, low)


def test_a_segments_vote_offers_deals_of_that_segment_and_nothing_of_no_segment(store):
    """The console's old copy gave deals no segment and let USPs into a segment's vote."""
    doc = MAPS["synthetic"]
    created = import_document(store, doc).created
    fac = fs.Facilitator("syn", created.facilitator_key, "p0")
    deals = {d["id"]: d["segment"] for d in doc["deals"]}
    for segment in ("g0", "g1"):
        r = fs.start_vote(store, fac, "deal", segment=segment, now=T0)
        assert {el.eid for el in offered(r, snapshot(store, "syn"))} == {d for d, s in deals.items() if s == segment}
        r = fs.start_vote(store, fac, "usp", segment=segment, now=T0)
        assert offered(r, snapshot(store, "syn")) == []


# -- read-only ------------------------------------------------------------------------------------
def test_read_only_is_locked_or_ended_and_says_why():
    open_ = FacilitationState()
    locked = F.with_lock(open_, True)
    ended = F.ended(open_)
    assert (open_.read_only, locked.read_only, ended.read_only) == (False, True, True)
    assert (open_.read_only_reason, locked.read_only_reason, ended.read_only_reason) == (None, "locked", "ended")
    refuse_if_read_only(open_)
    with pytest.raises(Locked, match="locked"):
        refuse_if_read_only(locked)
    with pytest.raises(Locked, match="ended"):
        refuse_if_read_only(ended)
    assert F.with_lock(ended, False).read_only is False  # unlocking reopens


# -- summon ---------------------------------------------------------------------------------------
def test_summon_target_moves_a_screen_once_and_never_the_console():
    s = F.summoned(F.with_phase(FacilitationState(), "friction"))  # summon 1 -> friction
    assert summon_target(s, None, "process") is None  # just opened: starts from the counter
    assert summon_target(s, 1, "process") is None  # already saw this summon
    assert summon_target(s, 0, "process") == "friction"
    assert summon_target(s, 0, "friction") is None  # already there
    assert summon_target(s, 0, F.CONSOLE) is None  # the facilitator stays at the controls


def test_the_service_follows_the_same_summon_rule(store, fleet):
    created = import_document(store, fleet).created
    fac = fs.Facilitator("fleet-launch", created.facilitator_key, "p-eva")
    fs.set_phase(store, fac, "group", summon=True)
    assert fs.summoned_page(store, "fleet-launch", 0, "process") == "group"
    assert fs.summoned_page(store, "fleet-launch", 0, "group") is None
    assert fs.summoned_page(store, "fleet-launch", 0, "facilitate") is None
    assert fs.summoned_page(store, "fleet-launch", None, "process") is None


# -- triage ---------------------------------------------------------------------------------------
def test_triage_targets_and_their_parents_come_from_the_kinds():
    assert list(TRIAGE_PARENT) == list(TRIAGE_TEXT)
    assert TRIAGE_PARENT == {
        "stage": "segment", "step": "stage", "role": "segment", "motive": "segment",
        "objection": "segment", "usp": None, "action": None,
    }
    assert all(TRIAGE_PARENT[k] == KINDS[k].parent for k in TRIAGE_PARENT)


def test_triage_puts_a_note_under_the_only_segment_by_the_kinds_rule(store, fleet):
    created = import_document(store, fleet).created
    fac = fs.Facilitator("fleet-launch", created.facilitator_key, "p-eva")
    note = snapshot(store, "fleet-launch").of_kind("note")[0]
    made, _ = fs.triage(store, fac, note.eid, "motive")
    assert made.parent == "midsize"
    with pytest.raises(BadInput):
        fs.triage(store, fac, note.eid, "deal")


# -- the projector --------------------------------------------------------------------------------
def test_presenter_access_needs_that_workshops_join_code(store, fleet, kommun):
    code = import_document(store, fleet).created.join_code
    other = import_document(store, kommun).created.join_code
    assert live.presenter_access(store, "fleet-launch", code)
    assert live.presenter_access(store, "fleet-launch", code.lower())  # codes are typed loosely
    assert not live.presenter_access(store, "fleet-launch", other)  # another workshop's code
    assert not live.presenter_access(store, "kommun-lansering", code)
    assert not live.presenter_access(store, "fleet-launch", "ZZZZZZ")
    assert not live.presenter_access(store, "fleet-launch", "")
    assert not live.presenter_access(store, "no-such-workshop", code)
    assert live.join_code(store, "fleet-launch") == code
