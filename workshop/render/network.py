"""The map as an interactive network: a self-contained HTML page (pyvis 0.3.2 / vis-network)
that works with no internet and shows every user text as text.

* **Offline**: pyvis renders with ``cdn_resources="in_line"`` (vis-network's JavaScript and CSS
  inlined); the Bootstrap ``<link>``/``<script src>`` tags pyvis still adds are removed, and
  the few ``http(s)://`` strings left inside the inlined library (licence comments, the SVG
  namespace) are written ``http:\\/\\/``, which JavaScript reads as the same string, so the page
  holds no remote reference at all.
* **Fast**: physics off; every node has fixed ``x``/``y`` from :func:`workshop.graph.layout`.
* **Safe**: nodes and edges reach the page through Jinja's ``tojson`` (``<``, ``>``, ``&`` and
  ``'`` become ``\\u003c`` …), so no text can end the script; titles are plain strings, which
  vis-network shows with ``innerText``; pyvis's ``heading`` stays empty, and its link-tooltip
  mode (which puts titles into ``innerHTML`` when a title merely contains ``href``) is never
  used; the legend is built from catalogue texts, escaped.
* pyvis's click-to-highlight script reads a global it never declares (a click on empty space
  first would throw): it is declared here.
* **Stable**: the same map gives byte-identical HTML (no random ids, no time stamps), so the
  page's iframe does not reload when nothing changed.

:func:`network_html` draws a graph; :func:`map_html` draws a map document; :func:`cached_map_html`
keeps the last drawings in memory, keyed by what identifies the map's version.
"""

from __future__ import annotations

import html
import re
import textwrap
from typing import Any, Hashable, Mapping

import networkx as nx
from pyvis.network import Network

from ..graph import View, layout, map_graph
from ..i18n import t
from ..memo import Memo
from . import wall
from .tables import SEVERITY_COLOURS

#: the project's stance colours, -2 (opposes) to +2 (advocates)
STANCE_COLOURS: dict[int, str] = {-2: "#dc2626", -1: "#f97316", 0: "#94a3b8", 1: "#22c55e", 2: "#15803d"}
STANCE_BORDERS: dict[int, str] = {-2: "#7f1d1d", -1: "#9a3412", 0: "#475569", 1: "#166534", 2: "#14532d"}

STAGE = {"background": "#1e3a8a", "border": "#1e3a8a", "font": "#ffffff"}
STEP = {"background": "#dbeafe", "border": "#3b82f6", "font": "#0f172a"}
HIDDEN_STEP = {"background": "#f1f5f9", "border": "#475569", "font": "#334155"}
MOTIVE = {"background": "#c084fc", "border": "#6b21a8"}

#: edge styles: (colour, width, dashes, arrow, curved)
FLOW_STYLE: dict[str, tuple[str, float, Any, bool, bool]] = {
    "next": ("#334155", 2.0, False, True, False),
    "alternative": ("#2563eb", 2.0, [8, 5], True, False),
    "loop": ("#d97706", 2.0, [8, 5], True, True),
    "plan_b": ("#dc2626", 2.0, [2, 5], True, True),
}
RELATION_STYLE: dict[str, tuple[str, float, Any, bool, bool]] = {
    "reports_to": ("#475569", 2.0, False, True, False),
    "influences": ("#16a34a", 3.0, False, True, False),
    "trusts": ("#2563eb", 2.0, [4, 4], True, False),
    "conflicts": ("#dc2626", 3.0, [10, 6], False, False),
}
INVOLVEMENT_WIDTH = {"decides": 3.0, "approves": 2.5, "influences": 1.8, "consulted": 1.2, "informed": 1.0}
INVOLVEMENT_COLOUR = "rgba(13,148,136,0.5)"
OWNER_STYLE = ("#94a3b8", 1.0, [2, 6], False, False)
HOLDS_STYLE = ("#a855f7", 1.2, [3, 4], False, False)
RAISES_STYLE = ("#b91c1c", 1.2, [3, 4], False, False)

#: the highest and lowest the drawing area gets (its shape follows the drawing's)
HEIGHT = 760
MIN_HEIGHT = 380

LABEL_LIMITS = {"stage": 60, "step": 70, "role": 40, "motive": 50, "objection": 50}

_OPTIONS = {
    "physics": {"enabled": False},
    "layout": {"improvedLayout": False},
    "edges": {"smooth": False, "selectionWidth": 2, "hoverWidth": 0.5},
    "nodes": {"font": {"size": 16, "face": "Arial, Helvetica, sans-serif"}, "borderWidth": 2},
    "interaction": {
        "hover": True,
        "tooltipDelay": 150,
        "navigationButtons": True,
        "keyboard": False,
        "multiselect": False,
        "hideEdgesOnDrag": True,
        "hideEdgesOnZoom": False,
    },
}

_STYLE = """
<style>
  html, body { margin: 0; padding: 0; font-family: Arial, Helvetica, sans-serif; background: #ffffff; }
  .card { border: none; }
  #mynetwork { border: 1px solid #cbd5e1 !important; border-radius: 6px; box-sizing: border-box; }
  div.vis-tooltip { white-space: pre-wrap; max-width: 380px; font-size: 14px; line-height: 1.35;
    font-family: Arial, Helvetica, sans-serif; background: #ffffff; border: 1px solid #64748b; padding: 8px; }
  .kk-legend { display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: center; padding: 6px 4px 10px 4px;
    font-size: 15px; color: #0f172a; }
  .kk-legend .kk-item { display: inline-flex; align-items: center; gap: 6px; white-space: nowrap; }
  .kk-legend .kk-title { font-weight: bold; }
  .kk-sw { display: inline-block; box-sizing: border-box; }
</style>
<script>var highlightActive = false;</script>
"""

_REMOTE_TAGS = (
    re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?\s*(?:https?:)?//[^>]*>", re.IGNORECASE),
    re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?\s*(?:https?:)?//[^>]*>\s*</script\s*>", re.IGNORECASE),
    re.compile(r"<!--.*?-->", re.DOTALL),
    re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>", re.IGNORECASE),
    re.compile(r"^//# sourceMappingURL=[^\s<]*", re.MULTILINE),
)
_SCHEME = re.compile(r"(https?:)//", re.IGNORECASE)


def offline(page: str) -> str:
    """``page`` with every remote reference removed (see the module's doc)."""
    for pattern in _REMOTE_TAGS:
        page = pattern.sub("", page)
    return _SCHEME.sub(lambda m: m.group(1) + "\\/\\/", page)


def _short(text: Any, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _wrapped(text: Any, limit: int = 600, width: int = 56) -> str:
    return "\n".join(textwrap.wrap(_short(text, limit), width=width)) or "—"


def _option(group: str, value: Any, lang: str) -> str:
    return t(f"option.{group}.{value}", lang)


def _node_style(data: Mapping[str, Any], lang: str) -> dict[str, Any]:
    kind = data["kind"]
    label = _short(data["label"], LABEL_LIMITS[kind])
    if kind == "stage":
        return {
            "label": f"{data['index'] + 1}. {label}", "shape": "box", "color": {"background": STAGE["background"], "border": STAGE["border"]},
            "font": {"color": STAGE["font"], "size": 20}, "margin": 10, "widthConstraint": {"maximum": 200},
        }
    if kind == "step":
        look = HIDDEN_STEP if data["behind_the_scenes"] else STEP
        style = {
            "label": label, "shape": "box", "color": {"background": look["background"], "border": look["border"]},
            "font": {"color": look["font"], "size": 16}, "margin": 8, "widthConstraint": {"maximum": 190},
        }
        if data["behind_the_scenes"]:
            style["shapeProperties"] = {"borderDashes": [6, 4]}
            style["borderWidth"] = 2
        return style
    if kind == "role":
        stance = int(data["stance"])
        return {
            "label": label, "shape": "dot", "size": 10 + 4 * int(data["influence"]),
            "color": {"background": STANCE_COLOURS[stance], "border": STANCE_BORDERS[stance]}, "borderWidth": 3, "font": {"size": 18},
        }
    if kind == "motive":
        return {
            "label": label, "shape": "diamond", "size": 8 + 3 * int(data["importance"]),
            "color": {"background": MOTIVE["background"], "border": MOTIVE["border"]}, "font": {"size": 16},
        }
    severity = min(5, max(1, int(data["severity"])))
    return {
        "label": label, "shape": "triangle", "size": 10 + 2 * severity, "borderWidth": 1 if data["answered"] else 3,
        "color": {"background": SEVERITY_COLOURS[severity][0], "border": "#7f1d1d"}, "font": {"size": 16},
    }


def node_look(data: Mapping[str, Any]) -> dict[str, Any]:
    """How the network map draws a node of the map graph: ``shape`` (box, dot, diamond,
    triangle), ``fill`` and ``border`` colours, ``size`` in pixels and ``dashed`` border: the
    same look for the exports that carry a drawing (GraphML for yEd and Gephi)."""
    style = _node_style(data, "en")
    size = style.get("size") or (60 if data["kind"] in ("stage", "step") else 20)
    dashed = bool(style.get("shapeProperties", {}).get("borderDashes"))
    return {"shape": style["shape"], "fill": style["color"]["background"], "border": style["color"]["border"],
            "size": int(size), "dashed": dashed}


def _node_title(g: nx.MultiDiGraph, node: str, lang: str) -> str:
    data = g.nodes[node]
    kind = data["kind"]
    lines = [t(f"kind.{kind}", lang).capitalize() + ":", _wrapped(data["label"])]
    if kind == "step":
        lines.append(_option("step_kind", data["step_kind"], lang))
        owner = data.get("owner")
        if owner:
            name = g.nodes[owner]["label"] if owner in g else None
            if name:
                lines.append(t("map.tip.owner", lang, name=_short(name, 60)))
        if data["behind_the_scenes"]:
            lines.append(t("map.tip.hidden", lang))
    elif kind == "stage":
        if not data["exit_criteria"]:
            lines.append(t("map.tip.no_exit", lang))
    elif kind == "role":
        lines.append(t("map.tip.stance", lang, stance=_option("stance", data["stance"], lang)))
        lines.append(t("map.tip.influence", lang, n=data["influence"]))
        if data["function"]:
            lines.append(_option("role_function", data["function"], lang))
    elif kind == "motive":
        lines.append(t("map.tip.importance", lang, n=data["importance"]))
    elif kind == "objection":
        lines.append(t("map.tip.severity", lang, n=data["severity"]))
        lines.append(t("map.tip.answered" if data["answered"] else "map.tip.unanswered", lang))
    return "\n".join(lines)


def _edge_look(data: Mapping[str, Any], lang: str) -> tuple[tuple[str, float, Any, bool, bool], str] | None:
    """(style, title) of an edge, or None for edges the drawing shows by position instead."""
    kind = data["kind"]
    if kind == "flow":
        fk = data.get("flow_kind", "next")
        return FLOW_STYLE.get(fk, FLOW_STYLE["next"]), _option("flow_kind", fk, lang)
    if kind == "relation":
        rk = data["relation_kind"]
        return RELATION_STYLE.get(rk, RELATION_STYLE["reports_to"]), _option("relation_kind", rk, lang)
    if kind == "involvement":
        level = data.get("level", "informed")
        dashes = [4, 4] if level == "informed" else False
        return (INVOLVEMENT_COLOUR, INVOLVEMENT_WIDTH.get(level, 1.0), dashes, False, False), _option("involvement", level, lang)
    if kind == "owner":
        return OWNER_STYLE, t("map.legend.owner", lang)
    if kind == "holds":
        return HOLDS_STYLE, t("map.legend.holds", lang)
    if kind == "raises":
        return RAISES_STYLE, t("map.legend.raises", lang)
    return None  # contains, raised_in: the layout puts steps and objections under their stage


def build_network(g: nx.MultiDiGraph, pos: Mapping[str, tuple[int, int]], lang: str, big: bool = False) -> Network:
    """A pyvis ``Network`` of the graph (fixed positions, physics off, plain-text titles);
    ``big``: for the projector (:mod:`workshop.render.wall`)."""
    net = Network(height=f"{HEIGHT}px", width="100%", directed=True, cdn_resources="in_line", neighborhood_highlight=True, heading="")
    for node, data in sorted(g.nodes(data=True), key=lambda item: item[1]["order"]):
        x, y = pos[node]
        style = wall.node(_node_style(data, lang)) if big else _node_style(data, lang)
        net.add_node(node, title=_node_title(g, node, lang), x=int(x), y=int(y), physics=False, **style)
    for a, b, data in g.edges(data=True):
        look = _edge_look(data, lang)
        if look is None:
            continue
        (colour, width, dashes, arrow, curved), title = look
        if data.get("label"):
            title = f"{title}: {_wrapped(data['label'], 300)}"
        options: dict[str, Any] = {"color": {"color": colour, "highlight": colour, "hover": colour}, "width": width * (wall.SCALE if big else 1), "title": title}
        if dashes:
            options["dashes"] = dashes
        options["arrows"] = {"to": {"enabled": arrow, "scaleFactor": 0.7}}
        if curved:
            options["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.3}
        net.add_edge(a, b, **options)
    net.options = _OPTIONS
    return net


def _render(net: Network) -> str:
    """pyvis's own template, rendered as ``generate_html`` does but never in link-tooltip mode."""
    nodes, edges, heading, height, width, options = net.get_network_data()
    template = net.templateEnv.get_template(net.path)
    return template.render(
        height=height, width=width, nodes=nodes, edges=edges, heading="", options=options, physics_enabled=False,
        use_DOT=False, dot_lang="", widget=False, bgcolor=net.bgcolor, conf=False, tooltip_link=False,
        neighborhood_highlight=net.neighborhood_highlight, select_menu=False, filter_menu=False, notebook=False,
        cdn_resources="in_line",
    )


# -- the legend --------------------------------------------------------------------------------
def _swatch(shape: str, colour: str, border: str | None = None, dashed: bool = False) -> str:
    border = border or colour
    if shape == "line":
        style = f"width:34px;height:0;border-top:3px {'dashed' if dashed else 'solid'} {colour}"
    elif shape == "box":
        style = f"width:26px;height:16px;border-radius:3px;background:{colour};border:2px {'dashed' if dashed else 'solid'} {border}"
    elif shape == "dot":
        style = f"width:16px;height:16px;border-radius:50%;background:{colour};border:2px solid {border}"
    elif shape == "diamond":
        style = f"width:13px;height:13px;transform:rotate(45deg);background:{colour};border:2px solid {border};margin:0 2px"
    else:  # triangle
        style = f"width:0;height:0;border-left:9px solid transparent;border-right:9px solid transparent;border-bottom:16px solid {colour}"
    return f'<span class="kk-sw" style="{style}"></span>'


def legend_items(g: nx.MultiDiGraph, lang: str) -> list[tuple[str, str]]:
    """(swatch HTML, label) of what the graph contains, in a fixed order; labels are catalogue
    texts (not yet escaped)."""
    kinds = {k for _, k in g.nodes(data="kind")}
    hidden = any(d.get("behind_the_scenes") for _, d in g.nodes(data=True))
    edges = {(d["kind"], d.get("flow_kind") or d.get("relation_kind")) for _, _, d in g.edges(data=True)}
    items: list[tuple[str, str]] = []
    if "stage" in kinds:
        items.append((_swatch("box", STAGE["background"]), t("map.legend.stage", lang)))
    if "step" in kinds:
        items.append((_swatch("box", STEP["background"], STEP["border"]), t("map.legend.step", lang)))
        if hidden:
            items.append((_swatch("box", HIDDEN_STEP["background"], HIDDEN_STEP["border"], dashed=True), t("map.legend.hidden_step", lang)))
    for fk, (colour, _, dashes, _, _) in FLOW_STYLE.items():
        if ("flow", fk) in edges:
            items.append((_swatch("line", colour, dashed=bool(dashes)), t("map.legend.flow", lang, kind=_option("flow_kind", fk, lang))))
    if "role" in kinds:
        for stance in (-2, -1, 0, 1, 2):
            items.append((_swatch("dot", STANCE_COLOURS[stance], STANCE_BORDERS[stance]), t("map.legend.role", lang, stance=_option("stance", stance, lang))))
        items.append(("", t("map.legend.role_size", lang)))
    for rk, (colour, _, dashes, _, _) in RELATION_STYLE.items():
        if ("relation", rk) in edges:
            items.append((_swatch("line", colour, dashed=bool(dashes)), _option("relation_kind", rk, lang)))
    if any(k == "involvement" for k, _ in edges):
        items.append((_swatch("line", INVOLVEMENT_COLOUR), t("map.legend.involvement", lang)))
    if any(k == "owner" for k, _ in edges):
        items.append((_swatch("line", OWNER_STYLE[0], dashed=True), t("map.legend.owner", lang)))
    if "motive" in kinds:
        items.append((_swatch("diamond", MOTIVE["background"], MOTIVE["border"]), t("map.legend.motive", lang)))
    if "objection" in kinds:
        items.append((_swatch("triangle", SEVERITY_COLOURS[4][0]), t("map.legend.objection", lang)))
    return items


def legend_html(g: nx.MultiDiGraph, lang: str) -> str:
    parts = [f'<span class="kk-title">{html.escape(t("map.legend.title", lang))}</span>']
    for swatch, label in legend_items(g, lang):
        parts.append(f'<span class="kk-item">{swatch}{html.escape(label)}</span>')
    return '<div class="kk-legend">' + "".join(parts) + "</div>"


# -- the page ----------------------------------------------------------------------------------
def frame_style(pos: Mapping[str, tuple[int, int]], highest: int = HEIGHT) -> str:
    """CSS giving the drawing area the shape of the drawing (wide maps get a low frame, tall
    ones a high frame, within bounds), so the zoomed-to-fit network fills its frame."""
    if not pos:
        return ""
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    width, height = max(xs) - min(xs) + 260, max(ys) - min(ys) + 240
    return (
        "<style>#mynetwork { width: 100% !important; height: auto !important; "
        f"aspect-ratio: {width} / {height}; min-height: {min(MIN_HEIGHT, highest)}px; max-height: {highest}px; }}</style>\n"
    )


#: the smallest a label may be on the screen, in CSS pixels (issue 17: fitted into the frame, a
#: large map shrank its labels below readable); the smallest label font of the drawing is 16
MIN_LABEL_PX = 12
_LEGIBLE = """
<script>
// once drawn fitted into its frame: zoom in, around the centre, until the smallest label is
// MIN px high (the map may then be panned; the buttons zoom out again)
(function () {
  var MIN = %d, SMALLEST = %d;
  function legible() {
    if (typeof network === "undefined" || !network) return;
    var scale = network.getScale();
    if (scale * SMALLEST < MIN) network.moveTo({ scale: MIN / SMALLEST, position: network.getViewPosition() });
    window.kkLabelPx = network.getScale() * SMALLEST;
  }
  if (typeof network !== "undefined" && network) {
    network.once("afterDrawing", legible);
    window.setTimeout(legible, 0);  // in case the first drawing was already done
  }
})();
</script>
"""


def network_html(g: nx.MultiDiGraph, pos: Mapping[str, tuple[int, int]], lang: str, legend: bool = True, *, big: bool = False) -> str:
    """The whole offline HTML page of a graph drawn at ``pos`` (``big``: for the projector)."""
    scale, least, highest = (wall.SCALE, wall.LABEL_PX, wall.HEIGHT) if big else (1, MIN_LABEL_PX, HEIGHT)
    pos = wall.positions(pos) if big else pos
    page = _render(build_network(g, pos, lang, big))
    page = page.replace("</head>", _STYLE + (wall.STYLE if big else "") + frame_style(pos, highest) + "</head>", 1)
    page = page.replace("</body>", _LEGIBLE % (least, round(16 * scale)) + "</body>", 1)
    if legend:
        page = page.replace("<body>", "<body>\n" + legend_html(g, lang), 1)
    page = offline(page)
    lang_attr = lang if lang in ("en", "sv", "nb") else "en"
    return page.replace("<html>", f'<!DOCTYPE html>\n<html lang="{lang_attr}">', 1)


def map_html(doc: Mapping[str, Any], segment: str | None, view: View, lang: str, *, big: bool = False) -> str:
    """The network page of one segment of a map document (all segments when ``segment`` is None)."""
    g = map_graph(doc, segment, view)
    return network_html(g, layout(g), lang, big=big)


#: the network pages drawn lately (every screen on the map page draws the same one per change)
_pages: Memo[str] = Memo(32)


def cached_map_html(version_key: Hashable, doc: Mapping[str, Any], segment: str | None, view: View, lang: str, *, big: bool = False) -> str:
    """:func:`map_html`, remembered per (``version_key``, segment, view, language).

    ``version_key`` must identify the document's content (for example the workshop's id and its
    change number): the document itself is not compared.
    """
    return _pages.get((version_key, segment, view, lang, big), lambda: map_html(doc, segment, view, lang, big=big))
