"""What the facilitator console's tabs share: the page, the facilitator's credentials, and small
helpers (run an action and say how it went, a round's status, who has not voted yet).

Why a value and not the page script's globals: the console (``views/facilitate.py``) is split
over this module and :mod:`ui.console_rounds` (a file in ``views/`` is a page of the app's
navigation, so its helpers live here); each tab gets one :class:`Console` and takes everything
it shows from it. Thin: every rule is in :mod:`workshop.services.facilitation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from workshop.errors import KopkartaError
from workshop.i18n import error_text, t
from workshop.model.rounds import Round
from workshop.ports import Storage
from workshop.services.facilitation import Facilitator

#: session state: the message the next run of the console shows ((kind, text): a refusal or a
#: success of the action that reran it)
FLASH = "fac_flash"


@dataclass(frozen=True)
class Console:
    """One run of the console: the workshop page, the facilitator and the checked key."""

    page: Any
    fac: Facilitator
    key: str

    @property
    def db(self) -> Storage:
        return self.page.db

    @property
    def snap(self):
        return self.page.snap

    @property
    def lang(self) -> str:
        return self.page.lang

    @property
    def state(self):
        return self.page.state

    @property
    def wid(self) -> str:
        return self.page.me.workshop_id

    def act(self, call, *args, done: str | None = None, **kwargs) -> None:
        """Run a facilitator action; a refusal becomes a message, success reruns the page."""
        try:
            call(*args, **kwargs)
        except KopkartaError as exc:
            st.session_state[FLASH] = ("error", t("facilitate.refused_action", self.lang, error=error_text(exc, self.lang)))
        else:
            if done:
                st.session_state[FLASH] = ("success", t(done, self.lang))
        st.rerun()

    def name(self, pid: str | None) -> str:
        return self.snap.participant_name(pid) if pid else t("notes.anonymous", self.lang)

    def kind_name(self, kind: str | None) -> str:
        return t(f"kind.{kind}", self.lang) if kind else ""

    def latest(self, kind: str) -> Round | None:
        """The latest round of a kind (its tab shows it, with its results)."""
        found = [r for r in self.state.rounds if r.kind == kind]
        return found[-1] if found else None

    def status(self, r: Round) -> str:
        if r.is_open:
            what = "facilitate.status.paused" if r.is_paused else "facilitate.status.open"
        else:
            what = "facilitate.status.ended"
        text = t(what, self.lang)
        if r.hides:
            text += " · " + t("facilitate.status.revealed" if r.revealed else "facilitate.status.hidden", self.lang)
        return text

    @property
    def not_counted(self) -> tuple[str, ...]:
        """Who is not waited for in a round: the facilitator, who runs it (issue 17)."""
        return (self.fac.participant_id,) if self.fac.participant_id else ()

    def counted(self, people) -> int:
        """How many of the map's participants a round waits for."""
        return sum(1 for p in people if p["id"] not in self.not_counted)

    def waiting(self, people, total: int) -> None:
        """Who has not voted / rated yet (names as text); one line that says the one thing true
        now: who is still missing, or that everyone has taken part."""
        if people:
            st.markdown("**" + t("facilitate.waiting", self.lang, done=total - len(people), total=total) + "**")
            st.text(", ".join(p.name for p in people))
        else:
            st.success(t("facilitate.everyone_in", self.lang, total=total))

    def minutes_input(self, key: str, default: float, optional: bool = True) -> float | None:
        value = st.number_input(
            t("facilitate.minutes_optional" if optional else "facilitate.minutes", self.lang),
            min_value=0.0 if optional else 0.5, max_value=240.0, value=default, step=0.5, key=key,
        )
        return float(value) if value else None

    def open_warning(self) -> None:
        """Starting a round ends the open one: say so above each start form."""
        if self.state.open_round is not None:
            st.caption(t("facilitate.ends_open", self.lang))
