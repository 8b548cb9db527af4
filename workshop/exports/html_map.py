"""The interactive map as ONE self-contained HTML file: what the group saw in the room, to open
from disk on any laptop, with no network and nothing to install.

* **One library, many networks.** vis-network (inlined by :mod:`workshop.render.network`, with
  every remote reference removed by its :func:`~workshop.render.network.offline`) is written once
  in the head; each segment gets its own drawing below it, built from the same pyvis
  :func:`~workshop.render.network.build_network` (so the export looks like the map page: fixed
  positions, physics off, the same colours, legend and tooltips). Segments are stacked and
  reached through plain in-page anchors, so every drawing is visible when it is laid out (a
  hidden tab would draw into a zero-sized canvas).
* **Nothing remote.** No ``http://`` or ``https://`` appears anywhere: in HTML text a user's
  link is written ``https:&#47;&#47;…`` and in JSON ``https:\\/\\/…`` (both read back as the same
  text), so even a pasted URL is shown, never fetched.
* **Text stays text.** Every user text is HTML-escaped; the only user text inside ``<script>``
  is the nodes' and edges' JSON, with ``<``, ``>`` and ``&`` written as ``\\u003c`` … so no
  text can end the script, and titles are plain strings (vis-network shows them with
  ``innerText``). Text areas carry ``dir="auto"`` so right-to-left marks stay local.
* **The words** come from the catalogue (``texts/htmlexport.json`` plus shared keys), in the
  workshop's language.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import networkx as nx

from ..analysis import Analysis, advice, analyze, title
from ..analysis.insights import risk_level
from ..graph import View, layout, map_graph
from ..i18n import LANGUAGES, t
from ..render.network import build_network, frame_style, legend_html, network_html, offline

#: what each segment's drawing shows: the journey and the buying group (as the map page opens)
VIEW = View(journey=True, group=True, extras=False)

_LINK = re.compile(r"(https?:)//", re.IGNORECASE)

_CSS = """
<style>
  body { padding: 18px 28px 40px 28px; color: #0f172a; line-height: 1.45; overflow-wrap: anywhere; }
  h1 { font-size: 28px; margin: 4px 0 8px 0; }
  h2 { font-size: 22px; margin: 28px 0 8px 0; border-bottom: 2px solid #1e3a8a; padding-bottom: 4px; }
  h3 { font-size: 18px; margin: 18px 0 6px 0; }
  .kk-meta { margin: 2px 0; color: #334155; white-space: pre-wrap; }
  .kk-label { font-weight: bold; color: #0f172a; }
  nav.kk-nav { display: flex; flex-wrap: wrap; gap: 6px 10px; margin: 12px 0; position: sticky; top: 0;
    background: #ffffff; padding: 8px 0; border-bottom: 1px solid #e2e8f0; z-index: 20; }
  nav.kk-nav a { padding: 4px 10px; border: 1px solid #1e3a8a; border-radius: 14px; color: #1e3a8a; text-decoration: none; }
  nav.kk-nav a:hover, nav.kk-nav a:focus { background: #1e3a8a; color: #ffffff; }
  table.kk-table { border-collapse: collapse; margin: 6px 0 10px 0; }
  table.kk-table th, table.kk-table td { border: 1px solid #cbd5e1; padding: 4px 10px; text-align: left; vertical-align: top; }
  table.kk-table td.kk-num { text-align: right; }
  .kk-risk { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: bold; color: #ffffff; }
  .kk-risk-low { background: #15803d; } .kk-risk-medium { background: #d97706; } .kk-risk-high { background: #b91c1c; }
  .kk-net { width: 100%; border: 1px solid #cbd5e1; border-radius: 6px; box-sizing: border-box; position: relative; }
  .kk-finding { margin: 10px 0 14px 0; }
  .kk-finding .kk-advice { color: #334155; font-style: italic; margin: 2px 0; }
  .kk-finding ul { margin: 4px 0; }
  .kk-empty { color: #475569; }
  footer { margin-top: 30px; color: #64748b; font-size: 13px; }
</style>
"""

_DRAW = """<script>
(function () {
  var ns = new vis.DataSet(%(nodes)s);
  var es = new vis.DataSet(%(edges)s);
  var colours = {};
  ns.forEach(function (n) { colours[n.id] = n.color; });
  var net = new vis.Network(document.getElementById("%(div)s"), {nodes: ns, edges: es}, %(options)s);
  var active = false;
  net.on("click", function (params) {
    network = net; nodes = ns; nodeColors = colours; highlightActive = active;
    neighbourhoodHighlight(params);
    active = highlightActive;
  });
})();
</script>
"""


def esc(text: Any) -> str:
    """User (or catalogue) text as HTML text: escaped, and with no ``scheme://`` left in it."""
    return _LINK.sub(r"\1&#47;&#47;", html.escape(str(text), quote=True))


def script_json(value: Any) -> str:
    """``value`` as JSON that is safe inside ``<script>``: nothing can close the element, start a
    comment or hold a URL the page would fetch."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, code)
    return _LINK.sub(lambda m: m.group(1) + "\\/\\/", text)


@lru_cache(maxsize=1)
def library() -> str:
    """vis-network's JavaScript and CSS (and pyvis's highlight helper), offline, once per process:
    the head of the network page of an empty graph."""
    page = network_html(nx.MultiDiGraph(), {}, "en", legend=False)
    head = page[page.index("<head>") + len("<head>") : page.index("</head>")]
    head = re.sub(r"<meta\b[^>]*>", "", head)
    return offline(head) + "<script>var network, nodes, allNodes, nodeColors;</script>\n"


def _drawing(doc: Mapping[str, Any], segment: str, index: int, lang: str) -> str:
    g = map_graph(doc, segment, VIEW)
    if g.number_of_nodes() == 0:
        return f'<p class="kk-empty">{esc(t("map.empty", lang))}</p>'
    pos = layout(g)
    nodes, edges, _, _, _, options = build_network(g, pos, lang).get_network_data()
    div = f"kk-net-{index}"
    shape = frame_style(pos).replace("#mynetwork", f"#{div}")
    options = json.loads(options) if isinstance(options, str) else options
    script = _DRAW % {"nodes": script_json(nodes), "edges": script_json(edges), "options": script_json(options), "div": div}
    return shape + legend_html(g, lang) + f'<div id="{div}" class="kk-net"></div>\n' + script + f'<p class="kk-meta">{esc(t("htmlexport.hint", lang))}</p>'


def _findings(result: Any, lang: str) -> str:
    if not result.findings:
        return f'<p class="kk-empty">{esc(t("htmlexport.no_findings", lang))}</p>'
    by_code: dict[str, list[str]] = {}  # in the contract's order of codes
    for f in result.findings:
        by_code.setdefault(f.code, []).append(f.message)
    parts = []
    for code, messages in by_code.items():
        items = "".join(f'<li dir="auto">{esc(m)}</li>' for m in messages)
        parts.append(
            f'<div class="kk-finding"><div><span class="kk-label">{esc(title(code, lang))}</span> ({len(messages)})</div>'
            f'<p class="kk-advice">{esc(advice(code, lang))}</p><ul>{items}</ul></div>'
        )
    return "".join(parts)


def _risk(risk: int, lang: str) -> str:
    level = risk_level(risk)
    return f'<span class="kk-risk kk-risk-{level}">{risk}{esc(t("insights.risk.suffix", lang))}</span>'


def _count(seg: Mapping[str, Any]) -> dict[str, int]:
    stages = seg.get("stages", [])
    return {
        "stage": len(stages),
        "step": sum(len(s.get("steps", [])) for s in stages),
        "role": len(seg.get("roles", [])),
        "motive": len(seg.get("motives", [])),
        "objection": len(seg.get("objections", [])),
    }


def _table(head: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    """A table of already escaped header texts and ready ``<td>`` cells."""
    top = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(row) + "</tr>" for row in rows)
    return f'<table class="kk-table"><thead><tr>{top}</tr></thead><tbody>{body}</tbody></table>'


def _summary(doc: Mapping[str, Any], result: Analysis, lang: str) -> str:
    kinds = ("stage", "step", "role", "motive", "objection")
    head = [esc(t("kind.segment", lang).capitalize()), esc(t("insights.risk.title", lang))]
    head += [esc(t(f"htmlexport.count.{k}", lang)) for k in kinds] + [esc(t("htmlexport.count.finding", lang))]
    rows = []
    for i, (seg, res) in enumerate(zip(doc["segments"], result.segments)):
        counts = _count(seg)
        rows.append(
            [f'<td dir="auto"><a href="#segment-{i}">{esc(seg["name"])}</a></td>', f"<td>{_risk(res.risk, lang)}</td>"]
            + [f'<td class="kk-num">{counts[k]}</td>' for k in kinds]
            + [f'<td class="kk-num">{len(res.findings)}</td>']
        )
    totals = [
        ("participant", len(doc.get("participants", []))),
        ("usp", len(doc.get("usps", []))),
        ("deal", len(doc.get("deals", []))),
        ("vote", sum(int(v.get("dots", 1)) for v in doc.get("votes", []))),
        ("note", len(doc.get("notes", []))),
        ("action", len(doc.get("actions", []))),
    ]
    whole = _table(
        [esc(t(f"htmlexport.count.{k}", lang)) for k, _ in totals], [[f'<td class="kk-num">{n}</td>' for _, n in totals]]
    )
    seg_table = _table(head, rows) if rows else f'<p class="kk-empty">{esc(t("htmlexport.no_segments", lang))}</p>'
    return (
        f'<section id="summary"><h2>{esc(t("htmlexport.summary", lang))}</h2>{seg_table}'
        f'<h3>{esc(t("htmlexport.whole", lang))}</h3>{whole}</section>'
    )


def _meta(label_key: str, value: Any, lang: str) -> str:
    if not value:
        return ""
    label = t(label_key, lang)
    label += "" if label.endswith(("?", ":")) else ":"
    return f'<p class="kk-meta" dir="auto"><span class="kk-label">{esc(label)}</span> {esc(value)}</p>'


def to_html(doc: dict[str, Any], lang: str) -> bytes:
    """The whole map as one offline HTML page (UTF-8 bytes)."""
    lang = lang if lang in LANGUAGES else "en"
    ws = doc["workshop"]
    result = analyze(doc, lang)
    segments = doc.get("segments", [])
    nav = [f'<a href="#summary">{esc(t("htmlexport.summary", lang))}</a>']
    nav += [f'<a href="#segment-{i}" dir="auto">{esc(seg["name"])}</a>' for i, seg in enumerate(segments)]
    body = [
        f'<header><h1 dir="auto">{esc(ws["title"])}</h1>',
        _meta("htmlexport.question", ws.get("question"), lang),
        _meta("htmlexport.offering", ws.get("offering"), lang),
        f'<p class="kk-meta">{esc(t("htmlexport.lead", lang))}</p></header>',
        f'<nav class="kk-nav" aria-label="{esc(t("htmlexport.nav", lang))}">{"".join(nav)}</nav>',
        _summary(doc, result, lang),
    ]
    for i, (seg, res) in enumerate(zip(segments, result.segments)):
        body += [
            f'<section id="segment-{i}"><h2 dir="auto">{esc(t("kind.segment", lang).capitalize())}: {esc(seg["name"])}</h2>',
            f'<p><span class="kk-label">{esc(t("insights.risk.title", lang))}:</span> {_risk(res.risk, lang)}</p>',
            _meta("field.segment.description", seg.get("description"), lang),
            _meta("field.segment.why_now", seg.get("why_now"), lang),
            f'<h3>{esc(t("htmlexport.network", lang))}</h3>',
            _drawing(doc, seg["id"], i, lang),
            f'<h3>{esc(t("htmlexport.findings", lang))}</h3>',
            _findings(res, lang),
            "</section>",
        ]
    body.append(f'<footer>{esc(t("htmlexport.footer", lang))}</footer>')
    page = (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(ws['title'])}</title>\n{library()}{_CSS}</head>\n<body>\n" + "\n".join(p for p in body if p) + "\n</body>\n</html>\n"
    )
    return page.encode("utf-8")
