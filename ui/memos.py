"""What pages draw, remembered for the whole process (see :mod:`workshop.memo`).

Here and not in the pages: a page's file is run anew on every rerun of the page, so a memory
kept in it would last one run and serve one session.
"""

from __future__ import annotations

from workshop.memo import Memo

#: the process board's reading cards as Markdown (a stage's card and its seller's card): a
#: change redraws the board on every screen in the room, all with the same cards, and on a
#: board of a few hundred steps building them was about a tenth of a run
CARDS: Memo[tuple[str, str]] = Memo(256)
