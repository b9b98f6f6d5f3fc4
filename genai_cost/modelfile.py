"""YAML files validated by pydantic models: located problems and did-you-mean suggestions.

Every input file (scenario, price book, budgets, capacity, profiles) is read with
`yamlsource` (safe, bounded, positions kept) and validated here; a pydantic error becomes a
`Problem` with file, line, column and field path, a plain-words message, and for a near-miss
name the closest valid ones.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from genai_cost.errors import InputFileError, Problem, ScenarioError
from genai_cost.yamlsource import YamlDocument, load_yaml_file


def loc_text(loc: Iterable[str | int]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _model_for_loc(loc: tuple[str | int, ...], root: type[BaseModel]) -> type[BaseModel] | None:
    """The pydantic model whose field list applies at `loc` (for did-you-mean on names)."""
    model: Any = root
    keyed = False  # the previous field is a mapping: this part is one of its keys
    for part in loc:
        if isinstance(part, int) or keyed:
            keyed = False
            continue
        if model is None or part not in model.model_fields:
            return None
        annotation = model.model_fields[part].annotation
        keyed = getattr(annotation, "__origin__", None) is dict
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        model = None
        for candidate in candidates:
            inner = [candidate, *getattr(candidate, "__args__", ())]
            for item in inner:
                if isinstance(item, type) and issubclass(item, BaseModel):
                    model = item
    return model  # type: ignore[no-any-return]


def suggest(word: str, choices: Iterable[str]) -> str:
    """'did you mean ...?' naming the closest candidates (all of those tied for closest).
    Candidates that extend what was typed come first — the dated ids of the same model
    family (`anthropic.claude-haiku-4-5` → `anthropic.claude-haiku-4-5-20251001-v1:0`), not
    a differently numbered one that is a character closer."""
    options = list(choices)
    if len(word) >= 4:
        extended = sorted(c for c in options if c.startswith(word) and c != word)
        if extended:
            return "did you mean " + " or ".join(repr(m) for m in extended[:3]) + "?"
    matches = difflib.get_close_matches(word, options, n=3, cutoff=0.6)
    if not matches:
        return ""

    def ratio(candidate: str) -> float:
        return difflib.SequenceMatcher(None, word, candidate).ratio()

    best = ratio(matches[0])
    tied = sorted(m for m in matches if ratio(m) == best)
    return "did you mean " + " or ".join(repr(m) for m in tied) + "?"


_FRIENDLY = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
    "finite_number": "expected a finite number",
}
_EXPECTED = {
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
}
"""Type errors said plainly (a quoted number or yes/no is text or a boolean, not a number)."""


def _type_hint(value: Any) -> str:
    if isinstance(value, bool):
        return "yes/no and true/false are not numbers"
    if isinstance(value, str):
        try:
            float(value.replace("_", ""))
        except ValueError:
            return ""
        return "write the number without quotes"
    return ""


def problem_from_error(doc: YamlDocument, error: Any, root: type[BaseModel]) -> Problem:
    """A located problem from one pydantic error; `root` is the model validated."""
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function")))
    kind = error["type"]
    hint = ""
    if kind == "extra_forbidden":
        parent = _model_for_loc(loc[:-1], root)
        if parent is not None:
            hint = suggest(str(loc[-1]), parent.model_fields)
        line, col = doc.position(loc, key=True)
        message = f"unknown field {loc[-1]!r}"
        if not hint and parent is not None:
            hint = "expected one of: " + ", ".join(parent.model_fields)
    else:
        line, col = doc.position(loc)
        message = _FRIENDLY.get(kind, error["msg"])
        if kind in (
            "float_parsing",
            "float_type",
            "int_parsing",
            "int_type",
            "string_type",
            "list_type",
            "model_type",
            "dict_type",
            "bool_type",
            "enum",
            "literal_error",
            "greater_than",
            "greater_than_equal",
            "less_than_equal",
            "finite_number",
            "too_short",
            "too_long",
            "int_from_float",
        ):
            what = _EXPECTED.get(kind, error["msg"])
            message = f"{what}, got {error.get('input')!r}"
            hint = _type_hint(error.get("input")) if kind in ("float_type", "int_type") else ""
        if kind in ("enum", "literal_error") and isinstance(error.get("input"), str):
            expected = error.get("ctx", {}).get("expected", "")
            hint = suggest(
                error["input"], [e.strip(" '") for e in expected.replace(" or ", ",").split(",")]
            )
        if message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
    return Problem(
        message, path=doc.path, line=line, column=col, field_path=loc_text(loc), hint=hint
    )


M = TypeVar("M", bound=BaseModel)


def load_model_file(
    path: str | Path, model: type[M], *, error: type[InputFileError] = ScenarioError
) -> M:
    """Read a YAML file into `model`; errors (of the file's kind) name the file, line and field
    (with did-you-mean)."""
    return validate_document(load_yaml_file(Path(path), error=error), model, error=error)


def validate_document(
    doc: YamlDocument, model: type[M], *, error: type[InputFileError] = ScenarioError
) -> M:
    """Validate loaded YAML against `model`; problems carry file positions."""
    if not isinstance(doc.data, dict):
        kind = type(doc.data).__name__
        raise error.at(doc.path, f"expected a mapping, got a {kind}", 1, 1, hint=error.empty_hint)
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise error([problem_from_error(doc, e, model) for e in exc.errors()][:20]) from None
