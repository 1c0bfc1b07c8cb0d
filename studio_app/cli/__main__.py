"""``python -m studio_app.cli`` runs the ``studio`` command (as ``python -m studio_app`` does)."""

from studio_app.cli.entry import main

raise SystemExit(main())
