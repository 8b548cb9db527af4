"""A deal plan's link in the transaction (issue 20): only the token's hash is kept, one link per
deal (a new share ends the one before), and ending it deletes the row, so the link opens nothing.
A mixin of :class:`.tx.DuckTx`, kept apart so the transaction stays readable.
"""

from __future__ import annotations

from .rows import utc_now


class PlanShares:
    def share_plan(self, token_hash: str, workshop_id: str, deal_id: str) -> None:
        """The deal's one link: a new share ends the one before (only its hash was kept)."""
        self._write("DELETE FROM plan_shares WHERE workshop_id = ? AND deal_id = ?", [workshop_id, deal_id])
        self._write(
            "INSERT INTO plan_shares (token_hash, workshop_id, deal_id, created_at) VALUES (?, ?, ?, ?)",
            [token_hash, workshop_id, deal_id, utc_now()],
        )

    def revoke_plan(self, workshop_id: str, deal_id: str) -> None:
        self._write("DELETE FROM plan_shares WHERE workshop_id = ? AND deal_id = ?", [workshop_id, deal_id])

