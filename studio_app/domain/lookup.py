"""Looking a name up in a table of known names, with an error that lists them.

Used by the tables of presets, image providers and segmentation models, whose error messages
end in the list of valid names so that a CLI user sees what to type instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

T = TypeVar("T")


def named_entry(table: Mapping[str, T], name: str, error: Callable[[str], Exception]) -> T:
    """``table[name]``.

    Args:
        table: the known entries by name (its order is the order the names are listed in).
        name: the name asked for.
        error: builds the exception from the known names joined by ", ".

    Raises:
        the exception ``error`` returns, when ``name`` is not in ``table``.
    """
    try:
        return table[name]
    except KeyError:
        raise error(", ".join(table)) from None
