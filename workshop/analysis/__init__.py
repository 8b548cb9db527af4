"""The map analysis: the gaps a facilitator should raise, and each segment's no-decision risk.

Pure Python on a validated map document (networkx for reachability; no streamlit, duckdb or
pyvis), so the pages, the command line and the exports all get the same answer.
:func:`analyze` is the one entry point; the codes and their rules are the contract of
``map-format.md`` ("The analysis"). Modules:

* :mod:`.codes` – the codes in contract order; :mod:`.result` – the dataclasses handed back;
* :mod:`.context` – shared read-only views with defaults applied;
* :mod:`.journey`, :mod:`.group`, :mod:`.case`, :mod:`.deals` – one small check per code;
* :mod:`.findings` – runs the checks in order; :mod:`.messages` – their words;
* :mod:`.risk` – the documented no-decision risk formula.

Beside it, the pure calculators over a map (or what the explorer read of many maps) that the
pages, the exports and the command line share; each is a function of its arguments alone:

* :mod:`.insights` – findings by theme and stage, the risk point by point;
* :mod:`.friction` – objections by stage, no-decision causes, the consensus check;
* :mod:`.followup` – deals on the buying stages, their health, the actions;
* :mod:`.pipeline` – the sales manager's deal cards and lanes;
* :mod:`.matrices` – the involvement and USP × motive grids and their edits;
* :mod:`.grouping` – texts that say the same thing; :mod:`.explore_data`,
  :mod:`.explore_tables` and :mod:`.explore_objections` – the explorer's records, filters and
  tables.

None of these modules imports the store or the services (``tests/test_boundaries.py``): what
needs the store is a use case in :mod:`workshop.services`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from typing import Any

from workshop.model.defaults import get

from .codes import CODES
from .context import MapContext, SegmentView
from .findings import segment_findings
from .messages import advice, title
from .result import Analysis, Finding, RiskLine, SegmentResult
from .risk import RISK_TABLE, breakdown, risk

__all__ = [
    "CODES",
    "RISK_TABLE",
    "Analysis",
    "Finding",
    "RiskLine",
    "SegmentResult",
    "advice",
    "analyze",
    "breakdown",
    "risk",
    "title",
]


def analyze(
    doc: dict[str, Any],
    lang: str | None = None,
    *,
    today: dt.date | None = None,
    shared: Mapping[str, dt.datetime] | None = None,
) -> Analysis:
    """Analyse a validated map document; messages in ``lang`` (default: the workshop's language).

    ``today`` is the day deal plans are judged on (default: today, in UTC); ``shared`` tells
    when each shared plan was shared (deal id -> instant), which the map file does not hold."""
    lang = lang or get("workshop", doc["workshop"], "language")
    ctx = MapContext(doc, today, shared)
    results = []
    for seg in ctx.segments:
        found = segment_findings(SegmentView(ctx, seg), lang)
        results.append(SegmentResult(seg["id"], risk(found), found, breakdown(found)))
    return Analysis(ctx.workshop_id, results)
