"""One display name per model across a report.

The bill names a model in more than one way: Bedrock's usage types run the words together
(`USE1-Claude4.6Sonnet-input-tokens` → `Claude4.6Sonnet`), while a Marketplace-billed model's
product name spells it out (`Claude Sonnet 4.6 (Amazon Bedrock Edition)` → `Claude Sonnet
4.6`). Both are the same model: they have the same words and version numbers, in another
order. Names are grouped by that key (lower-case letter runs and version numbers, sorted),
and each group is shown by one name: a spelled-out one (with spaces) when the report has one,
else the first in sort order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_PARTS = re.compile(r"[a-z]+|\d+(?:\.\d+)*")


def model_key(name: str) -> tuple[str, ...]:
    """`Claude4.6Sonnet` and `Claude Sonnet 4.6` → ('4.6', 'claude', 'sonnet')."""
    return tuple(sorted(_PARTS.findall(name.lower())))


def display_names(names: Iterable[str]) -> dict[str, str]:
    """Each name → the one name its model is shown by in this report."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for name in sorted(set(names)):
        key = model_key(name)
        groups.setdefault(key if key else (name,), []).append(name)
    shown: dict[str, str] = {}
    for members in groups.values():
        spelled = [m for m in members if " " in m.strip()]
        chosen = spelled[0] if spelled else members[0]
        shown.update(dict.fromkeys(members, chosen))
    return shown
