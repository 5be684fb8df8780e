"""Allow ``python -m gd_explorer``."""

import sys

from gd_explorer.app import main

if __name__ == "__main__":
    sys.exit(main())
