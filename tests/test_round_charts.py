"""The round charts of the facilitator console: pure figures of vote and rating results."""

from __future__ import annotations

from workshop.model.tallies import Spread, Stat, VoteLine
from workshop.render.round_charts import (
    GAP,
    TOP,
    rating_spread_figure,
    vote_bar_figure,
    votes_by_function_figure,
)

LINES = [
    VoteLine("o-2", 5, 3, {"sales": 3, "product": 2}),
    VoteLine("o-1", 2, 2, {"marketing": 2}),
]
LABELS = {"o-1": "Budget <b>frozen</b>", "o-2": "IT security"}


def test_vote_bars_ranked_most_on_top_and_escaped():
    fig = vote_bar_figure(LINES, LABELS, "en")
    bar = fig.data[0]
    assert list(bar.x) == [2, 5]  # plotly draws the first at the bottom: the top is last
    assert list(bar.y) == ["Budget &lt;b&gt;frozen&lt;/b&gt;", "IT security"]
    assert bar.marker.color[-1] == TOP
    assert fig.layout.xaxis.title.text == "Dots"


def test_vote_bars_accept_results_object_and_callable_labels():
    class Results:
        lines = LINES

    fig = vote_bar_figure(Results(), lambda eid: eid.upper(), "sv")
    assert list(fig.data[0].y) == ["O-1", "O-2"]


def test_votes_by_function_one_trace_per_function_in_schema_order():
    fig = votes_by_function_figure(LINES, LABELS, "en")
    assert [tr.name for tr in fig.data] == ["Sales", "Product management", "Marketing"]
    sales = fig.data[0]
    assert list(sales.x) == [0, 3]
    assert fig.layout.barmode == "group"


def test_empty_results_say_so():
    for fig in (vote_bar_figure([], {}, "en"), votes_by_function_figure([], {}, "en"), rating_spread_figure([], {}, "en")):
        assert not fig.data and fig.layout.annotations


def test_rating_spread_highlights_the_gap():
    agree = Spread("r-1", "influence", Stat(2, 4.0, 4, 4), {"sales": Stat(1, 4.0, 4, 4), "product": Stat(1, 4.0, 4, 4)})
    split = Spread("r-2", "stance", Stat(2, 0.0, -2, 2), {"sales": Stat(1, 2.0, 2, 2), "product": Stat(1, -2.0, -2, -2)})
    fig = rating_spread_figure([agree, split], {"r-1": "CFO", "r-2": "IT <i>head</i>"}, "en")
    ranges = [tr for tr in fig.data if tr.mode == "lines"]
    assert [tr.line.color == GAP for tr in ranges] == [True, False]  # drawn bottom-up: split first
    assert any("⚠" in y and "&lt;i&gt;" in y for y in ranges[0].y)
    names = [tr.name for tr in fig.data if tr.mode == "markers"]
    assert names == ["Sales", "Product management", "Everyone"]


def test_long_names_are_wrapped_in_full_on_the_axis_not_cut():
    """Issue 17: in the console's narrow column only the last letters of each element's name
    showed. Names are wrapped onto lines (plotly's <br>), kept whole up to three lines, escaped,
    and the axis makes room for them (automargin)."""
    from workshop.model.tallies import VoteLine
    from workshop.render.round_charts import rating_spread_figure, vote_bar_figure, votes_by_function_figure

    long = "Lower fuel cost per truck through idle-time alerts <b>now</b>"
    lines = [VoteLine("a", 3, 2, {"sales": 3})]
    for fig in (vote_bar_figure(lines, {"a": long}, "en"), votes_by_function_figure(lines, {"a": long}, "en")):
        [label] = fig.data[0].y
        assert label.split("<br>") == ["Lower fuel cost per truck", "through idle-time alerts", "&lt;b&gt;now&lt;/b&gt;"]
        assert fig.layout.yaxis.automargin is True
