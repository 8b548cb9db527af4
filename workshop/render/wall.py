"""The network drawn for the projector (:func:`workshop.render.network.network_html` with
``big``): read from the back of a room on a wide screen, with nobody to click or zoom it.

* labels, nodes and lines twice as large, labels outlined in white where a line crosses them,
  and the smallest label never under :data:`LABEL_PX` on the wall;
* the nodes as far apart again; a drawing taller than wide (a buying group) turned on its side,
  and one still much narrower than the frame stretched sideways, so it fills a wide screen;
* a legend at 24 px, no navigation buttons, a lower frame (the page has more to show).
"""

from __future__ import annotations

from typing import Any, Mapping

#: how much larger than on a laptop; the smallest label on the wall (CSS px); the frame's height
SCALE, LABEL_PX, HEIGHT = 2.0, 24, 560
#: the drawing's width is stretched to at least this many times its height
WIDE = 2.0

STYLE = """
<style>
  .kk-legend { font-size: 24px; gap: 10px 30px; }
  .kk-legend .kk-sw { transform: scale(1.4); margin: 0 4px; }
  div.vis-navigation { display: none; }
</style>
"""


def positions(pos: Mapping[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """``pos`` for the wall: turned on its side when taller than wide, stretched sideways to
    :data:`WIDE`, spread by :data:`SCALE` (as the labels grow)."""
    if not pos:
        return dict(pos)
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    if max(ys) - min(ys) > max(xs) - min(xs):
        pos = {n: (y, x) for n, (x, y) in pos.items()}
        xs, ys = ys, xs
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    stretch = max(1.0, WIDE * height / width) if width else 1.0
    return {n: (round(SCALE * stretch * x), round(SCALE * y)) for n, (x, y) in pos.items()}


def node(style: dict[str, Any]) -> dict[str, Any]:
    """A node's style (:func:`workshop.render.network._node_style`) for the wall."""
    font = {"size": round(style["font"]["size"] * SCALE), "strokeWidth": 6, "strokeColor": "#ffffff", "background": "rgba(255, 255, 255, 0.85)"}
    out = {**style, "font": {**style["font"], **font}}
    if "size" in out:
        out["size"] = round(out["size"] * SCALE)
    return out
