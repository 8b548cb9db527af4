"""The two editable matrices of the map, as plain data: who takes part in which buying stage
(a role's ``involvement``), and which USP serves which buying motive (a USP's ``motives``).

Pure functions of the map's elements (no streamlit, no store), so they sit beside the analysis
and the tests check them without a page or a database: a page shows the grid, lets people change cells and
hands the edited grid back; :func:`involvement_changes` and :func:`usp_changes` turn that into
the new value of each element whose row changed, so the page saves only those, each with the
version the participant saw.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

#: how a role can take part in a stage
INVOLVEMENT = ("decides", "approves", "influences", "consulted", "informed")
#: the cell value of "takes no part" in an edited grid (``None`` and ``""`` mean the same)
NONE = "none"


def involvement_grid(roles: Iterable[Mapping[str, Any]], stage_ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """role id -> stage id -> involvement code (:data:`NONE` where the role takes no part)."""
    stage_ids = list(stage_ids)
    return {r["id"]: {sid: (r.get("involvement") or {}).get(sid) or NONE for sid in stage_ids} for r in roles}


def involvement_changes(
    base: Mapping[str, Mapping[str, str] | None],
    edited: Mapping[str, Mapping[str, str | None]],
) -> dict[str, dict[str, str]]:
    """The new ``involvement`` of every role whose edited row differs from ``base``.

    ``base`` is each role's involvement as the participant saw it; ``edited`` the grid after
    the edits (role id -> stage id -> code, or :data:`NONE` / ``None``; only the stages
    shown). Stages not in the grid keep what the role had there. Unknown codes are refused
    with ``ValueError``.
    """
    out: dict[str, dict[str, str]] = {}
    for rid, row in edited.items():
        before = dict(base.get(rid) or {})
        row = {sid: _code(value) for sid, value in row.items()}
        merged: dict[str, str] = {}
        for sid in [*row, *(s for s in before if s not in row)]:  # the stages' order, then the rest
            code = row[sid] if sid in row else before[sid]
            if code is not None:
                merged[sid] = code
        if merged != before:
            out[rid] = merged
    return out


def _code(value: Any) -> str | None:
    if value in (None, "", NONE) or (isinstance(value, float) and value != value):  # NaN: an emptied cell
        return None
    if value not in INVOLVEMENT:
        raise ValueError(f"unknown involvement {value!r}")
    return value


def usp_grid(usps: Iterable[Mapping[str, Any]], motive_ids: Iterable[str]) -> dict[str, dict[str, bool]]:
    """USP id -> motive id -> whether the USP serves the motive (only the motives given)."""
    motive_ids = list(motive_ids)
    return {u["id"]: {mid: mid in (u.get("motives") or []) for mid in motive_ids} for u in usps}


def usp_changes(base: Mapping[str, Iterable[str] | None], edited: Mapping[str, Mapping[str, Any]]) -> dict[str, list[str]]:
    """The new ``motives`` of every USP whose edited row differs from ``base``.

    ``edited`` holds only the motives shown (one segment's); motives of other segments that
    the USP serves are kept, in their place; newly ticked motives are appended in grid order.
    """
    out: dict[str, list[str]] = {}
    for uid, row in edited.items():
        before = list(base.get(uid) or [])
        ticked = {mid for mid, on in row.items() if on is not None and on == on and bool(on)}  # NaN: unticked
        after = [mid for mid in before if mid not in row or mid in ticked]
        after += [mid for mid in row if mid in ticked and mid not in after]
        if after != before:
            out[uid] = after
    return out


def served_by(usps: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """motive id -> ids of the USPs that serve it (in the USPs' order)."""
    out: dict[str, list[str]] = {}
    for u in usps:
        for mid in u.get("motives") or []:
            out.setdefault(mid, []).append(u["id"])
    return out
