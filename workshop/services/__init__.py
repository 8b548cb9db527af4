"""Use cases: what the pages and the command line ask of the system.

A service takes a :class:`workshop.ports.Storage` (what :func:`workshop.store.open_store`
returns) and plain values, does one job (import a map,
export it, join a workshop, cast a vote, read the visible workshops' pipeline, ...) and returns
plain values or domain objects. Pages and the command line call services; they hold no SQL and
no domain rules of their own. What is computed from a map alone, without the store, is not a
use case: it sits beside the analysis (:mod:`workshop.analysis`).
"""
