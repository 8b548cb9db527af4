"""Load harness (issues 7 and 15): how many participants one app process serves, and where it breaks.

Its own command, never part of the test run::

    .venv/bin/python -m bench.load --levels 10,30,50,100 --seconds 60 --until-break
    .venv/bin/python -m bench.load --kill                 # durability: SIGKILL with 30 in the room
    .venv/bin/python -m bench.load --levels 10 --seconds 30 --no-write   # a quick try
    .venv/bin/python -m bench.load --report-only          # the section again from bench/out/*.json
    .venv/bin/python -m bench.load --levels 30 --profile  # + the server's hot stacks (bench/out/*-profile.txt)
    .venv/bin/python -m bench.load.compare                # the live layer before (6a5dd17) and after (issue 15)
    .venv/bin/python -m bench.load --processes 1,2 --db postgresql --levels 10,30,50,100 --seconds 60
                     # issue 16: one DuckDB process against scripts/serve.sh on PostgreSQL with 1 and 2
                     # app processes behind HAProxy, in turn; a SIGKILL of one of 2; the cost of a poll
                     # and a write (bench.pg_costs): "Several processes on PostgreSQL (issue 16)"

Each level starts ``streamlit run app.py`` (in the app's test mode, which counts each screen's
script runs) on a fresh database under ``bench/out/`` with one workshop and an open dot vote,
two headless Chromium probes (``/usr/bin/chromium``) that time change-to-screen latency in the
pages (the board is a live part in a shadow root), and N participants that speak Streamlit's
websocket protocol (:mod:`bench.load.client`) and, as the page's live parts do in a browser,
keep the workshop's event stream open (:mod:`bench.load.stream`): they join by the QR link,
keep the process page live and add steps, notes and dots (:mod:`bench.load.participant`).
Others' changes reach a participant by the stream, with no script run; its own clicks run the
fragment that drew what it used (the quick add, the sidebar's note form, the dot vote's ballot,
itself a live part whose ``dot`` trigger the client sends as the browser's component does). Per level the harness records change-to-screen latency (browsers and clients), the
actions sent, acknowledged, refused, unanswered and lost, the stream's messages and the state
reads per client, the script runs per client (full, fragment, polls; and the server's own
count), the server's CPU and memory, and its CPU per change per screen (CPU seconds in the
window ÷ (public changes × screens on the stream)). Results go to the "load" section of
``bench/RESULTS.md`` and ``bench/load_curve.png``; the raw numbers per level to
``bench/out/load-n<N>.json``. Needs the dev requirements (playwright, psutil, websockets).

A level takes about a minute more than its measured seconds (the server and the browsers
start, N join over ``min(20, 0.2 N)`` s, the last answers come, the database is checked).

Modules: ``client`` (the protocol), ``stream`` (the event stream and state reads over HTTP),
``participant`` (behaviour), ``probes`` (browsers), ``server`` (the app process, its CPU/RSS
and its log), ``room`` (the database before the run), ``verify`` (acknowledged actions in the
database), ``runner`` (one level), ``report``, ``compare`` (before and after, two worktrees);
for several processes: ``serve`` (scripts/serve.sh, a throwaway PostgreSQL cluster, the CPU of
each part), ``several`` (a level on it, the kill run's moves), ``processes`` (the session),
``report_processes``.
"""
