"""The JSON Schema of scenario files, for editors (yaml-language-server) and docs."""

from __future__ import annotations

import itertools
from typing import Any

from genai_cost.modelbase import Strict
from genai_cost.scenario import models
from genai_cost.scenario.models import Scenario


def _attribute_docstrings(cls: type) -> dict[str, str]:
    """Field docstrings (a string literal right after an annotated attribute) of a class.

    Read only when the schema is generated, so building the models at start-up stays cheap
    (pydantic's `use_attribute_docstrings` would parse the source on every import).
    """
    import ast
    import inspect
    import textwrap

    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = tree.body[0].body  # type: ignore[attr-defined]
    docs = {}
    for attribute, following in itertools.pairwise(body):
        if (
            isinstance(attribute, ast.AnnAssign)
            and isinstance(attribute.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[attribute.target.id] = inspect.cleandoc(following.value.value)
    return docs


def json_schema() -> dict[str, Any]:
    """JSON Schema of scenario files, for editors (yaml-language-server) and docs."""
    schema = Scenario.model_json_schema()
    documented: list[type[Strict]] = [
        Scenario,
        *[
            c
            for c in vars(models).values()
            if isinstance(c, type)
            and issubclass(c, Strict)
            and c.__name__ in schema.get("$defs", {})
        ],
    ]
    for cls in documented:
        target = schema if cls is Scenario else schema["$defs"][cls.__name__]
        for name, doc in _attribute_docstrings(cls).items():
            target["properties"][name].setdefault("description", doc)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "genai-cost scenario"
    return schema
