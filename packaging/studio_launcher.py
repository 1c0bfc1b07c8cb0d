"""Entry script of the PyInstaller bundle: the same ``studio`` command as the wheel's."""

import sys

from studio_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
