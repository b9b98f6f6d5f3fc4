"""One display name per model across a report.

The bill names a model in more than one way: Bedrock's usage types run the words together
(`USE1-Claude4.6Sonnet-input-tokens` → `Claude4.6Sonnet`), while a Marketplace-billed model's
product name spells it out (`Claude Sonnet 4.6 (Amazon Bedrock Edition)` → `Claude Sonnet
4.6`). Both are the same model: they have the same words and version numbers, in another
order. Names are grouped by that key (lower-case letter runs and version numbers, sorted),
and each group is shown by one name: the model id of the price snapshot's model with the
same words (its `name` or its Price List name: `Claude Sonnet 4.6` →
`anthropic.claude-sonnet-4-6`), as logs and scenarios name it; else a spelled-out one (with
spaces) when the report has one, else the first in sort order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_PARTS = re.compile(r"[a-z]+|\d+(?:\.\d+)*")


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def model_key(name: str) -> tuple[str, ...]:
    """`Claude4.6Sonnet` and `Claude Sonnet 4.6` → ('4.6', 'claude', 'sonnet'); `NovaLite` and
    `Nova Lite` → ('lite', 'nova') (words run together are split where the case changes)."""
    return tuple(sorted(_PARTS.findall(_CAMEL.sub(" ", name).lower())))


def display_names(
    names: Iterable[str], known: Iterable[tuple[str, Iterable[str]]] = ()
) -> dict[str, str]:
    """Each name → the one name its model is shown by in this report. `known`: (model id,
    its names) of the snapshot's models; a group whose words match exactly one of them is
    shown by that model id."""
    ids: dict[tuple[str, ...], set[str]] = {}
    for model_id, aliases in known:
        for alias in aliases:
            if alias:
                ids.setdefault(model_key(alias), set()).add(model_id)
    groups: dict[tuple[str, ...], list[str]] = {}
    for name in sorted(set(names)):
        key = model_key(name)
        groups.setdefault(key if key else (name,), []).append(name)
    shown: dict[str, str] = {}
    for members in groups.values():
        spelled = [m for m in members if " " in m.strip()]
        matches = ids.get(model_key(members[0]), set())
        chosen = next(iter(matches)) if len(matches) == 1 else spelled[0] if spelled else members[0]
        shown.update(dict.fromkeys(members, chosen))
    return shown
