"""``python -m studio_app`` runs the ``studio`` command."""

from studio_app.cli import main

raise SystemExit(main())
