"""Load harness (issue 7): how many participants one app process serves, and where it breaks.

Its own command, never part of the test run::

    .venv/bin/python -m bench.load --levels 10,30,50,100 --seconds 60 --until-break
    .venv/bin/python -m bench.load --kill                 # durability: SIGKILL with 30 in the room
    .venv/bin/python -m bench.load --levels 10 --seconds 30 --no-write   # a quick try
    .venv/bin/python -m bench.load --report-only          # the section again from bench/out/*.json
    .venv/bin/python -m bench.load --levels 30 --profile  # + the server's hot stacks (bench/out/*-profile.txt)

Each level starts ``streamlit run app.py`` on a fresh database under ``bench/out/``
with one workshop and an open dot vote, two headless Chromium probes (``/usr/bin/chromium``)
that time change-to-screen latency, and N participants that speak Streamlit's websocket protocol
(:mod:`bench.load.client`): they join by the QR link, keep the process page live and add steps,
notes and dots (:mod:`bench.load.participant`). Results go to the "load" section of
``bench/RESULTS.md`` and ``bench/load_curve.png``; the raw numbers per level to
``bench/out/load-n<N>.json``. Needs the dev requirements (playwright, psutil, websockets).

Modules: ``client`` (the protocol), ``participant`` (behaviour), ``probes`` (browsers),
``server`` (the app process and its CPU/RSS), ``room`` (the database before the run),
``verify`` (acknowledged actions in the database), ``runner`` (one level), ``report``.
"""
