"""One writer process of ``test_processes``: opens the PostgreSQL database given on the
command line, waits for the common start moment, then casts dots and saves edits as fast as it
can, and prints what it was told as one JSON line.

Why a script of its own rather than a thread: the rules must hold when the writers are in
different OS processes, each with its own pool, its own cache of the map and its own feed.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workshop.errors import BadInput, Conflict  # noqa: E402
from workshop.store import open_store  # noqa: E402


def main(url: str, me: str, start_at: float, round_no: int, people: list[str], targets: list[str], stale: str,
         based_on: int, done_dir: str, writers: int) -> int:
    store = open_store(url)
    rng = random.Random(me)
    accepted = refused = 0
    try:
        while time.time() < start_at:
            time.sleep(0.005)
        # every process saves the same element based on the same version: one may win
        try:
            store.update("fleet-launch", stale, {"text": f"saved by {me}"}, based_on=based_on, actor=me)
            stale_result = "won"
        except Conflict:
            stale_result = "refused"
        for _ in range(120):
            who, about, dots = rng.choice(people), rng.choice(targets), rng.randint(0, 3)
            try:
                store.set_dots("fleet-launch", round_no, who, about, dots, actor=who)
                accepted += 1
            except BadInput:
                refused += 1  # over the budget or the most per element: refused, nothing written
        for _ in range(20):  # edits of the same elements, each based on what this process just read
            el = store.element("fleet-launch", rng.choice(targets))
            try:
                store.update("fleet-launch", el.eid, {"text": f"{el.data['text'][:40]} ({me})"}, based_on=el.version, actor=me)
                accepted += 1
            except Conflict:
                refused += 1
        # wait until every writer is done, then until this process heard every commit
        (Path(done_dir) / me).touch()
        deadline = time.time() + 180
        while len(list(Path(done_dir).iterdir())) < writers and time.time() < deadline:
            time.sleep(0.05)
        store.wait_until_told(30)
        print(json.dumps({"me": me, "stale": stale_result, "accepted": accepted, "refused": refused,
                          "version": store.version("fleet-launch"), "public": store.public_version("fleet-launch")}))
        return 0
    finally:
        store.close()


if __name__ == "__main__":
    args = json.loads(sys.argv[1])
    sys.exit(main(**args))
