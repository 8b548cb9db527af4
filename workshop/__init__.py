"""Köpkarta: a live workshop tool for mapping how a customer segment buys.

The package is layered so the direction of dependencies is visible from the tree:
pages -> services -> (model, store, analysis, graph, render, exports). ``model`` and
``analysis`` are pure Python; only ``store`` talks to DuckDB.
"""

__version__ = "0.1.0"

import logging as _logging

# A library leaves logging to whoever runs it: the server gives "workshop" a handler
# (web.startup); elsewhere (the command line, tests) nothing is printed twice.
_logging.getLogger(__name__).addHandler(_logging.NullHandler())
