"""``python -m kaohe``: the same as the ``kaohe`` command (see :mod:`kaohe.cli`)."""
import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
