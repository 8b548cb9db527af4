"""The whole map of a segment as one network: the customer's journey (stages left to right, their
steps under them, the flows between them) and the buying group (roles coloured by stance,
their relations), with how the roles take part in the stages; optionally the motives and
objections. Beside it: the roles that hold the group's network together.

Thin: the graph, its layout and metrics live in :mod:`workshop.graph`, the offline HTML in
:mod:`workshop.render.network` (remembered per map version, so polls do not reload the frame).
"""

import streamlit as st

from ui import md_escape
from ui.fields import option
from ui.layout import workshop_page
from ui.notes import note_adder
from workshop.graph import View, most_connected, role_metrics
from workshop.graph.build import VIEWS, map_graph
from workshop.graph.table import connections
from workshop.i18n import t
from workshop.render.network import cached_map_html

page = workshop_page("map")
snap, lang, seg = page.snap, page.lang, page.segment
stages, roles, objections = seg.get("stages", []), seg.get("roles", []), seg.get("objections", [])
VIEW_ICON = {"both": ":material/hub:", "journey": ":material/route:", "group": ":material/groups:"}

st.title(t("nav.map", lang))
st.caption(t("map.lead", lang, segment=md_escape(seg["name"])))

c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
with c1:
    name = st.segmented_control(
        t("map.show", lang), VIEWS, default="both", key="map_view", format_func=lambda v: t(f"map.view.{v}", lang)
    ) or "both"
with c2:
    extras = st.toggle(t("map.extras", lang), key="map_extras", help=t("map.extras_help", lang))
view = View.named(name, extras)


def _empty() -> None:
    st.info(t("map.empty", lang), icon=":material/hub:")
    if view.journey and not stages:
        st.page_link("views/process.py", label=t("map.go_process", lang), icon=":material/route:")
    if view.group and not roles:
        st.page_link("views/group.py", label=t("map.go_group", lang), icon=":material/groups:")


def _how(kind: str, detail: str | None) -> str:
    if kind == "flow":
        return t("map.table.flow", lang, kind=option("flow_kind", lang)(detail))
    if kind == "relation":
        return t("map.table.relation", lang, kind=option("relation_kind", lang)(detail))
    return t(f"map.table.{kind}", lang)


def _as_table() -> None:
    """What the drawing shows, as a table a screen reader reads (the drawing is a canvas):
    one row per connection (:mod:`workshop.graph.table`); user text escaped, as text."""
    cols = [t(f"map.table.{c}", lang) for c in ("from", "link", "to")]
    rows = [{cols[0]: md_escape(c.source), cols[1]: _how(c.kind, c.detail), cols[2]: md_escape(c.target)}
            for c in connections(map_graph(snap.doc, page.segment_id, view))]
    with st.expander(t("map.table.title", lang), icon=":material/table_rows:"):
        st.table(rows, hide_index=True, border="horizontal")


drawable = (view.journey and stages) or (view.group and roles) or (view.objections and objections)
if not drawable:
    _empty()
else:
    if view.journey and not stages:
        st.caption(t("map.no_stages", lang))
    if view.group and not roles:
        st.caption(t("map.no_roles", lang))
    network = cached_map_html((snap.doc["workshop"]["id"], snap.version), snap.doc, page.segment_id, view, lang)
    st.iframe(network, height="content", alt=t("map.alt", lang, segment=seg["name"]))
    st.caption(t("map.hint", lang))
    _as_table()

if view.group:
    st.subheader(t("map.metrics.title", lang))
    top = most_connected(role_metrics(snap.doc, page.segment_id))
    if not top:
        st.caption(t("map.metrics.none", lang))
    else:
        st.caption(t("map.metrics.caption", lang))
        cols = {
            "role": t("map.col.role", lang),
            "connections": t("map.col.connections", lang),
            "broker": t("map.col.broker", lang),
            "influences": t("map.col.influences", lang),
            "influenced_by": t("map.col.influenced_by", lang),
            "conflicts": t("map.col.conflicts", lang),
            "stance": t("map.col.stance", lang),
        }
        rows = [
            {
                cols["role"]: m.name,
                cols["connections"]: m.connections,
                cols["broker"]: round(100 * m.broker),
                cols["influences"]: m.influences,
                cols["influenced_by"]: m.influenced_by,
                cols["conflicts"]: m.conflicts,
                cols["stance"]: option("stance", lang)(m.stance),
            }
            for m in top
        ]
        st.dataframe(
            rows,
            hide_index=True,
            width="stretch",
            column_config={cols["broker"]: st.column_config.ProgressColumn(cols["broker"], min_value=0, max_value=100, format="%d%%")},
        )

choices = (
    [(s["id"], f"{t('kind.stage', lang)}: {s['name']}") for s in stages]
    + [(step["id"], f"{t('kind.step', lang)}: {step['text'][:50]}") for s in stages for step in s.get("steps", [])]
    + [(r["id"], f"{t('kind.role', lang)}: {r['name']}") for r in roles]
)
note_adder(page, choices, "map")
page.done()
