"""``streamlit run`` with a sampling profiler inside (``--profile``; no py-spy needed).

A thread looks at every other thread's stack every 10 ms (``sys._current_frames``) and counts,
per function, the samples it was on the stack (cumulative) and on top (self). Threads that only
wait (the event loop in ``select``, idle script threads) are left out by counting only stacks
that pass through the app's own code or Streamlit's script runner. It is wall-clock sampling:
a thread waiting to get the GIL back (after a syscall) counts where it waits, which is how the
cost of GIL hand-offs shows (e.g. ``_write_to_self``: every element a script sends wakes the
event loop with a syscall). It writes the table to the file named by ``$KOPKARTA_PROFILE``
every :data:`WRITE_EVERY` seconds and at exit: ``streamlit run app.py`` serves an ``st.App``
with uvicorn, which after its graceful shutdown raises the SIGTERM again with the default
handler, so the process ends without running ``atexit`` handlers.

Run as ``python -m bench.load.profiled run streamlit_app.py ...`` (the arguments of
``streamlit run``).
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
INTERVAL = 0.01
#: how often the table is written (the last write before a SIGTERM holds all but these seconds)
WRITE_EVERY = 2.0


class Sampler:
    def __init__(self):
        self.cumulative: Counter[str] = Counter()
        self.own: Counter[str] = Counter()
        self.threads: Counter[str] = Counter()
        self.samples = 0
        self.busy = 0
        self._me = threading.get_ident()

    def run(self, path: str | None = None) -> None:
        self._me = threading.get_ident()
        written = time.monotonic()
        while True:
            time.sleep(INTERVAL)
            if path is not None and time.monotonic() - written >= WRITE_EVERY:
                self.write(path)
                written = time.monotonic()
            names = {t.ident: t.name for t in threading.enumerate()}
            self.samples += 1
            for ident, frame in sys._current_frames().items():
                if ident == self._me:
                    continue
                stack = []
                while frame is not None:
                    code = frame.f_code
                    stack.append(f"{_short(code.co_filename)}:{code.co_name}")
                    frame = frame.f_back
                if not any(s.startswith(("app:", "streamlit/runtime/scriptrunner")) for s in stack) or _idle(stack[0]):
                    continue
                self.busy += 1
                self.threads[names.get(ident, "?").split("-")[0]] += 1
                self.own[stack[0]] += 1
                for name in set(stack):
                    self.cumulative[name] += 1

    def write(self, path: str) -> None:
        lines = [
            f"{self.samples} samples every {INTERVAL * 1000:.0f} ms, {self.busy} busy thread-samples",
            "",
            "cumulative (on the stack):",
        ]
        lines += [f"{n:7d} {100 * n / max(self.busy, 1):5.1f}%  {name}" for name, n in self.cumulative.most_common(60)]
        lines += ["", "self (on top):"]
        lines += [f"{n:7d} {100 * n / max(self.busy, 1):5.1f}%  {name}" for name, n in self.own.most_common(40)]
        lines += ["", "threads:"] + [f"{n:7d}  {name}" for name, n in self.threads.most_common(10)]
        Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _short(filename: str) -> str:
    marker = "site-packages/"
    if marker in filename:
        return filename.split(marker, 1)[1]
    if filename.startswith(ROOT):
        return "app:" + filename[len(ROOT) + 1 :]
    return filename


def _idle(top: str) -> bool:
    return top.endswith(
        (":wait", ":select", ":_wait_for_tstate_lock", ":get", ":acquire", "polling_path_watcher.py:task")
    )


def main() -> None:
    sampler = Sampler()
    out = os.environ.get("KOPKARTA_PROFILE", "profile.txt")
    threading.Thread(target=sampler.run, args=(out,), name="bench-sampler", daemon=True).start()
    atexit.register(sampler.write, out)
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", *sys.argv[1:]]
    streamlit_main()


if __name__ == "__main__":
    main()
