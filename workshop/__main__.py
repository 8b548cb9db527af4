"""``python -m workshop``: see :mod:`workshop.cli`."""

import sys

from .cli import main

sys.exit(main())
