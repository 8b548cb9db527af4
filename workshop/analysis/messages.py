"""The words of a finding, in the workshop's language.

Codes are for machines; the group in the room needs a sentence. Every code has three texts in
the i18n catalogue: ``finding.<code>`` (the message, with placeholders filled from the element),
``finding.<code>.title`` (a short heading) and ``finding.<code>.advice`` (what the group could
do). Where ``detail`` is a decision role or a consensus criterion, the message shows its
translated label (``decision_role.<name>``, ``consensus.<criterion>``), never the raw name.
Messages are plain text; views escape them.
"""

from __future__ import annotations

from workshop.i18n import t

from .context import Hit

#: codes whose ``detail`` is a name with a translated label, and the label's key prefix
DETAIL_LABELS: dict[str, str] = {
    "decision_role_missing": "decision_role.",
    "consensus_gap": "consensus.",
}


def detail_label(code: str, detail: str | None, lang: str) -> str:
    """The ``detail`` as the group should read it (a label where there is one)."""
    if detail is None:
        return ""
    prefix = DETAIL_LABELS.get(code)
    return t(prefix + detail, lang) if prefix else detail


def message(code: str, hit: Hit, lang: str) -> str:
    """The one-sentence message of a finding."""
    params = {"detail": detail_label(code, hit.detail, lang), **hit.params}
    return t(f"finding.{code}", lang, **params)


def title(code: str, lang: str) -> str:
    """A short plain-language heading for a code."""
    return t(f"finding.{code}.title", lang)


def advice(code: str, lang: str) -> str:
    """One sentence of what the group could do about findings of a code."""
    return t(f"finding.{code}.advice", lang)
