"""Whether this process is the real server (``streamlit run app.py``), not a test's AppTest.

The app's lifespan (``app.py``) marks it at start-up. Some work belongs only to a real server
process: freezing the start-up objects out of the garbage collector's reach, warming the motive
explorer's cache in the background. AppTest runs the pages in the test process, with no lifespan.
"""

from __future__ import annotations

_serving = False


def started() -> None:
    global _serving
    _serving = True


def stopped() -> None:
    global _serving
    _serving = False


def running() -> bool:
    return _serving
