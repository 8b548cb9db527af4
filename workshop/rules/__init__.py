"""The write rules, engine-neutral: every change to a workshop is a *job* written here.

A job is a function of a :class:`workshop.ports.Transaction`. It checks its preconditions first
(the element's fields against the schema, every reference against the map's index, the version
an edit was based on, the lock, a round's budget) and only then writes through the port, so a
refused change writes nothing. No SQL and no engine lives here: the DuckDB adapter
(:mod:`workshop.store.duckdb`) and any other engine run these same jobs.

* :mod:`.index`: the map's index (ids, kinds, parents, positions, versions) a job checks against.
* :mod:`.checks`: references, "still referred to", parents, positions in a list.
* :mod:`.editing`: add, change, delete, move, undo one's last change.
* :mod:`.facilitation`: phases and lock, rounds, dots and their budget, ratings, notes, triage.
* :mod:`.workshops`: whole maps (import, delete), participants and their tokens, join codes.
* :mod:`.commands`: the store's write methods, each handing one of those jobs to the writer.
"""
