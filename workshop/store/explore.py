"""Reads across workshops for the product manager's explorer: motives, objections, USPs, roles.

The SQL is the same on every engine (DuckDB and PostgreSQL read it alike; ``?`` marks a bound
parameter, which an engine's ``_portable_query`` turns into its own marker), so it lives
here, beside the engines, and each engine's read side mixes :class:`ExploreQueries` in.

The explorer asks about every visible workshop at once, so these queries take the workshops as
one bound list (``workshop_id = ANY(?)``, which DuckDB and PostgreSQL both read) instead of one
query per workshop, and they return plain rows: the aggregation over fuzzy groups of texts is
finished in :mod:`workshop.services.explore`, where it can be tested without a database.

Dots are summed in SQL (a large map has thousands of vote elements; a motive needs only its
total). A motive's roles come back as JSON text: turning 20,000 of them into lists in the
database costs more than ``json.loads`` does. Votes of a round that
still conceals its results are left out: the caller names those rounds as
``"workshop_id:round"`` strings, so the explorer never shows what a round still hides.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model.defaults import get

#: per motive and objection: the fields the explorer reads, absent numbers and causes as their
#: documented defaults (bound), and the dots cast on it
_ITEMS_WITH_DOTS = """
WITH dots AS (
    SELECT workshop_id, data->>'about' AS about, SUM(CAST(data->>'dots' AS INTEGER)) AS dots
    FROM elements
    WHERE kind = 'vote' AND workshop_id = ANY(?)
      AND NOT ((workshop_id || ':' || COALESCE(data->>'round', '1')) = ANY(?))
    GROUP BY workshop_id, data->>'about'
)
SELECT e.workshop_id, e.kind, e.parent, e.eid, e.data->>'text',
       CASE WHEN e.kind = 'motive' THEN COALESCE(CAST(e.data->>'importance' AS INTEGER), ?)
            ELSE COALESCE(CAST(e.data->>'severity' AS INTEGER), ?) END,
       COALESCE(e.data->>'no_decision_cause', ?),
       COALESCE(json_array_length(e.data->'responses'), 0) > 0,
       COALESCE(d.dots, 0),
       CASE WHEN e.kind = 'motive' THEN CAST(e.data->'roles' AS VARCHAR) END
FROM elements e
LEFT JOIN dots d ON d.workshop_id = e.workshop_id AND d.about = e.eid
WHERE e.kind IN ('motive', 'objection') AND e.workshop_id = ANY(?)
ORDER BY e.workshop_id, e.parent, e.pos
"""


class ExploreQueries:
    def explore_workshops(self, workshop_ids: Sequence[str]) -> list[tuple]:
        """(id, title, language, created_at from the map or None, created_at of the row)."""
        return self._portable_query(
            "reading workshops to explore",
            "SELECT id, data->>'title', COALESCE(data->>'language', 'en'), data->>'created_at', created_at "
            "FROM workshops WHERE id = ANY(?) ORDER BY created_at, id",
            [list(workshop_ids)],
        )

    def explore_segments(self, workshop_ids: Sequence[str]) -> list[tuple]:
        """(workshop_id, segment id, name), in map order within each workshop."""
        return self._portable_query(
            "reading segments to explore",
            "SELECT workshop_id, eid, data->>'name' FROM elements "
            "WHERE kind = 'segment' AND workshop_id = ANY(?) ORDER BY workshop_id, pos",
            [list(workshop_ids)],
        )

    def explore_roles(self, workshop_ids: Sequence[str]) -> list[tuple]:
        """(workshop_id, role id, function or None)."""
        return self._portable_query(
            "reading roles to explore",
            "SELECT workshop_id, eid, data->>'function' FROM elements WHERE kind = 'role' AND workshop_id = ANY(?)",
            [list(workshop_ids)],
        )

    def explore_items(self, workshop_ids: Sequence[str], concealed_rounds: Sequence[str] = ()) -> list[tuple]:
        """Motives and objections with the dots cast on them, in map order:

        (workshop_id, kind, segment, id, text, importance of a motive or severity of an
        objection, no_decision_cause, has a response, dots, role ids of a motive as JSON).
        Absent numbers and causes
        are their defaults (``map-format.md``). ``concealed_rounds`` names rounds
        (``"workshop_id:round"``) whose votes are left out.
        """
        ids = list(workshop_ids)
        params = [
            ids,
            list(concealed_rounds),
            get("motive", {}, "importance"),
            get("objection", {}, "severity"),
        ]
        params += [get("objection", {}, "no_decision_cause"), ids]
        return self._portable_query("reading motives and objections to explore", _ITEMS_WITH_DOTS, params)

    def explore_usps(self, workshop_ids: Sequence[str]) -> list[tuple]:
        """(workshop_id, USP id, text, ids of the motives it serves as JSON), in map order."""
        return self._portable_query(
            "reading USPs to explore",
            "SELECT workshop_id, eid, data->>'text', CAST(data->'motives' AS VARCHAR) FROM elements "
            "WHERE kind = 'usp' AND workshop_id = ANY(?) ORDER BY workshop_id, pos",
            [list(workshop_ids)],
        )
