"""``studio models``: the image models a provider offers today (the CLI's view of Settings).

    studio models [--provider gemini|openai] [--refresh] [--json]

Without ``--refresh`` the cached live list is shown (with its time stamp); ``--refresh`` (or no
cached list) asks the service with the stored key or GEMINI_API_KEY / OPENAI_API_KEY. The model
Generate uses is marked ``*``; a stored choice the service no longer lists is marked
``unavailable`` with the models offered instead. Exit 1 with one line on stderr on failure.
"""

from __future__ import annotations

import argparse
import json
import sys

from studio_app.cli.common import SubParsers, open_store

EXIT_OK, EXIT_ERROR = 0, 1


def add_models_command(subparsers: SubParsers) -> argparse.ArgumentParser:
    """Register ``models`` on the ``studio`` command's subparsers; returns its parser."""
    p = subparsers.add_parser("models", help="list the image models a provider offers today")
    p.add_argument("--provider", default="gemini", choices=["gemini", "openai"])
    p.add_argument("--refresh", action="store_true", help="ask the service now instead of using the cached list")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_models_command)
    return p


def run_models_command(args: argparse.Namespace) -> int:
    """Print the live list of ``args.provider`` (see the module docstring); returns the exit code."""
    from studio_app.providers.errors import GenerationError
    from studio_app.services import model_lists as ml
    from studio_app.services import provider_setup as ps

    store = open_store(args)
    try:
        url = ps.provider_settings(store).base_url_for(args.provider)
        entry = None if args.refresh else ml.cached_list(store, args.provider, base_url=url)
        if entry is None:
            try:
                entry = ml.refresh_image_models(store, args.provider, base_url=url)
            except GenerationError as exc:
                print(f"studio: error: {' '.join(str(exc).split())}", file=sys.stderr)
                return EXIT_ERROR
        used = ps.resolved_model(store, args.provider, base_url=url)
        available, offered = ml.model_availability(store, args.provider, used, base_url=url)
    finally:
        store.close()
    if args.json:
        print(json.dumps({"provider": args.provider, "fetched_at": entry.fetched_at.isoformat(),
                          "models": entry.models, "model": used, "available": available, "offered": offered}))
        return EXIT_OK
    print(f"{args.provider} image models, listed {entry.fetched_at.astimezone():%Y-%m-%d %H:%M}:")
    for mid in entry.models:
        print(f"{'*' if mid == used else ' '} {mid}  ({ps.model_capabilities(args.provider, mid)})")
    if available is False:
        print(f"  {used}: unavailable (retired or not open to this key); offered instead: "
              f"{', '.join(offered[:4])}")
    return EXIT_OK
