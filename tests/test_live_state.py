"""The presenter's results part (``/_kopkarta/live?view=results``): what a revealed round shows
everyone, as the browser draws it (``web/component/live.js`` reads ``lines[].dots``, ``label``,
``by_function``; a rating's ``mean``, ``low``, ``high``, ``n``)."""

from __future__ import annotations

import json

import pytest

from workshop.services import facilitation as fs
from workshop.services import live_state
from workshop.services.live import Identity
from workshop.services.maps import import_document

W = "fleet-launch"
T0 = 1_700_000_000.0
ANNA, LARS = Identity(W, "p-anna", "Anna", "token"), Identity(W, "p-lars", "Lars", "token")


@pytest.fixture
def store(any_store):
    return any_store


@pytest.fixture
def fac(store, fleet) -> fs.Facilitator:
    return fs.Facilitator(W, import_document(store, fleet).created.facilitator_key, "p-eva")


def _results(store) -> dict:
    return json.loads(live_state.state_json(store, W, None, "results", None))["state"]["results"]


def test_a_revealed_vote_shows_its_ranked_dots(store, fac):
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
    n = fs.start_rating(store, fac, "role", fields=["influence"], now=T0).no
    fs.rate(store, ANNA, n, "r-cfo", "influence", 2)
    fs.rate(store, LARS, n, "r-cfo", "influence", 4)
    fs.reveal(store, fac)
    (line,) = _results(store)["lines"]
    assert (line["about"], line["field"], line["mean"], line["low"], line["high"], line["n"]) == ("r-cfo", "influence", 3.0, 2, 4, 2)
