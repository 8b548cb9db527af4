"""A page across workshops follows their changes: the pipeline, where a customer's tick on a
shared plan must show without a reload (issue 20).

The live parts follow one workshop's event stream; a page that shows many workshops asks, every
:data:`EVERY` seconds in a fragment of its own, for the change numbers of the workshops it drew
(read from memory by the store, no map is read) and runs the page again when one moved. Quiet
workshops cost a comparison of a few integers.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from workshop.errors import NotFound
from workshop.services import live

#: seconds between two looks at the workshops' change numbers
EVERY = 3.0


def _versions(store, workshop_ids: Iterable[str]) -> dict[str, int]:
    out = {}
    for wid in workshop_ids:
        try:
            out[wid] = live.version(store, wid)
        except NotFound:  # deleted meanwhile: that is a change too
            out[wid] = -1
    return out


def follow(store, workshop_ids: Iterable[str]) -> None:
    """Run the page again when any of ``workshop_ids`` changes after this run drew it."""
    ids = sorted(set(workshop_ids))
    drawn = _versions(store, ids)

    @st.fragment(run_every=EVERY)
    def _look() -> None:
        if _versions(store, ids) != drawn:
            st.rerun(scope="app")

    _look()
