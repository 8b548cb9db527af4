"""What the analysis hands back: findings, per-segment results and the whole analysis.

Plain dataclasses with ``to_dict`` so the command line (``analyze --json``), the exports and
the pages all print the same machine shape that ``map-format.md`` fixes, and nobody rebuilds it
by hand. ``breakdown`` is kept beside the risk (but outside the machine shape) so a page can
show where every point of the risk comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple


@dataclass(frozen=True)
class Finding:
    """One gap a facilitator should raise: ``code`` about element ``about`` in ``segment``."""

    code: str
    segment: str
    about: str
    detail: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "segment": self.segment,
            "about": self.about,
            "detail": self.detail,
            "message": self.message,
        }

    def key(self) -> tuple[str, str, str, str | None]:
        """The language-independent identity of the finding (what tests compare)."""
        return (self.code, self.segment, self.about, self.detail)


class RiskLine(NamedTuple):
    """One line of a risk breakdown: ``count`` findings of ``code`` gave ``points``."""

    code: str
    count: int
    points: int


@dataclass
class SegmentResult:
    """A segment's findings (in the contract's order) and its no-decision risk."""

    id: str
    risk: int
    findings: list[Finding] = field(default_factory=list)
    breakdown: list[RiskLine] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "risk": self.risk, "findings": [f.to_dict() for f in self.findings]}


@dataclass
class Analysis:
    """The analysis of one workshop's map: every segment, in the map's order."""

    workshop: str
    segments: list[SegmentResult] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"workshop": self.workshop, "segments": [s.to_dict() for s in self.segments]}

    def all_findings(self) -> list[Finding]:
        """Every finding of every segment, segment by segment."""
        return [f for s in self.segments for f in s.findings]

    def segment(self, segment_id: str) -> SegmentResult:
        """The result of one segment (``KeyError`` when the map has no such segment)."""
        for s in self.segments:
            if s.id == segment_id:
                return s
        raise KeyError(segment_id)
