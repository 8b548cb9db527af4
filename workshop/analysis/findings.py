"""Run every check on a segment and turn the hits into worded findings, in contract order.

The order of findings is part of the contract: per segment, by the table's order of codes, then
by the element's order in the map. :data:`CHECKS` maps each code (in :data:`~.codes.CODES`
order) to the one small function that answers it, so running them in that order and keeping
each function's own order gives the contract's order without any sorting.
"""

from __future__ import annotations

from typing import Callable, Iterator

from . import case, deals, group, journey, plans
from .codes import CODES
from .context import Hit, SegmentView
from .messages import message
from .result import Finding

Check = Callable[[SegmentView], Iterator[Hit]]

_MODULES = (journey, group, case, deals, plans)

#: code -> check, in the contract's order of codes
CHECKS: dict[str, Check] = {
    code: next(getattr(m, code) for m in _MODULES if hasattr(m, code)) for code in CODES
}


def segment_findings(seg: SegmentView, lang: str) -> list[Finding]:
    """Every finding of one segment, in the contract's order, worded in ``lang``."""
    out: list[Finding] = []
    for code, check in CHECKS.items():
        for hit in check(seg):
            out.append(Finding(code, seg.id, hit.about, hit.detail, message(code, hit, lang)))
    return out
