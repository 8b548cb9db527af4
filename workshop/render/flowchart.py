"""The customer's journey as a flowchart (graphviz DOT): stages as clusters, steps as boxes,
flows as arrows styled by kind (next, alternative, loop back, plan B).

The stages read left to right in the map's order, whatever the flows say: every step of a
stage is tied to the next stage by an invisible edge, and a flow that goes back to an earlier
stage (a loop, a plan B) does not take part in the layout (``constraint=false``). Without that,
graphviz placed stages by the flows alone: stages with no flow between them stood on top of
each other, bottom to top, and one backward flow pulled a stage out of order (issue 17)."""

from __future__ import annotations

from typing import Any, Callable

from ..model.defaults import get

EDGE_STYLE = {
    "next": 'color="#334155"',
    "alternative": 'color="#2563eb", style=dashed',
    "loop": 'color="#d97706", style=dashed, constraint=false',
    "plan_b": 'color="#dc2626", style=dotted',
}


def dot_string(text: str, limit: int = 80) -> str:
    """A DOT double-quoted string holding ``text`` literally (shortened to ``limit``).

    Backslashes and quotes are escaped, so no text can end the string or smuggle in DOT
    escapes; line breaks become DOT's own ``\\n``.
    """
    lines = [" ".join(line.split()) for line in str(text).splitlines()] or [""]
    text = "\n".join(lines)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + escaped + '"'


def _wrap(text: str, width: int = 28) -> str:
    words, lines, line = str(text).split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    if line:
        lines.append(line)
    return "\n".join(lines[:4])


def flowchart_dot(segment: dict[str, Any], label: Callable[[str], str]) -> str:
    """DOT source of one segment's journey; ``label(key)`` translates the legend words."""
    out = [
        "digraph journey {",
        'rankdir=LR; bgcolor="transparent"; fontname="Helvetica"; compound=true;',
        'node [shape=box, style="rounded,filled", fillcolor="#f8fafc", color="#94a3b8", fontname="Helvetica", fontsize=11];',
        'edge [fontname="Helvetica", fontsize=9];',
    ]
    stages = segment.get("stages", [])
    stage_of: dict[str, int] = {}
    members: list[list[str]] = []
    for i, stage in enumerate(stages):
        ids = [step["id"] for step in stage.get("steps", [])] or ["~empty-" + stage["id"]]
        members.append(ids)
        stage_of.update({sid: i for sid in ids})
    for i, stage in enumerate(stages):
        out.append(f"subgraph cluster_{i} {{ label={dot_string(stage['name'])}; style=rounded; color=\"#cbd5e1\";")
        for step in stage.get("steps", []):
            hidden = get("step", step, "behind_the_scenes")
            attrs = 'fillcolor="#ede9fe", color="#7c3aed", style="rounded,filled,dashed"' if hidden else ""
            text = _wrap(step["text"]) + ("\n" + label("flow.hidden") if hidden else "")
            out.append(f"{dot_string(step['id'])} [label={dot_string(text, 200)} {attrs}];")
        if not stage.get("steps"):
            out.append(f"{dot_string('~empty-' + stage['id'])} [label={dot_string(label('flow.no_steps'))}, style=dashed, fillcolor=white];")
        out.append("}")
    for i in range(len(members) - 1):  # the stages' order: each stage's steps before the next stage
        for sid in members[i]:
            out.append(f"{dot_string(sid)} -> {dot_string(members[i + 1][0])} [style=invis, weight=5];")
    for flow in segment.get("flows", []):
        kind = get("flow", flow, "kind")
        attrs = EDGE_STYLE.get(kind, "")
        backward = stage_of.get(flow["to"], 0) < stage_of.get(flow["from"], 0)
        if backward and "constraint=false" not in attrs:
            attrs += ", constraint=false"  # a way back must not pull its stage out of order
        lbl = flow.get("label") or ("" if kind == "next" else label(f"option.flow_kind.{kind}"))
        if lbl:
            attrs += f", label={dot_string(lbl, 40)}"
        out.append(f"{dot_string(flow['from'])} -> {dot_string(flow['to'])} [{attrs.lstrip(', ')}];")
    out.append("}")
    return "\n".join(out)
