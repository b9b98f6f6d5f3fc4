"""Safe YAML loading that remembers where every value came from.

`load_yaml_file` returns plain Python data plus a map from field paths (tuples of keys and list
indexes) to 1-based (line, column) positions, so validation errors can point at the exact spot.
Only the YAML core schema is accepted: no tags, no duplicate keys, bounded size, depth and
alias expansion, UTF-8 only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from genai_cost.errors import Problem, ScenarioError

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40
MAX_NODES = 200_000

FieldPath = tuple[str | int, ...]


@dataclass
class YamlDocument:
    """Data loaded from YAML with the position of each value."""

    path: str
    data: Any
    positions: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)

    def position(self, loc: FieldPath, *, key: bool = False) -> tuple[int | None, int | None]:
        """Position of `loc`, or of its nearest ancestor that has one."""
        table = self.key_positions if key else self.positions
        probe = tuple(loc)
        while True:
            if probe in table:
                return table[probe]
            if probe in self.positions:
                return self.positions[probe]
            if not probe:
                return (None, None)
            probe = probe[:-1]


def _fail(
    path: str, message: str, line: int | None = None, column: int | None = None, hint: str = ""
) -> ScenarioError:
    return ScenarioError([Problem(message, path=path, line=line, column=column, hint=hint)])


_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


class _Builder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.nodes = 0
        self.positions: dict[FieldPath, tuple[int, int]] = {}
        self.key_positions: dict[FieldPath, tuple[int, int]] = {}
        self._constructor = yaml.SafeLoader("")

    def _mark(self, node: yaml.Node) -> tuple[int, int]:
        return (node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node, loc: FieldPath, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            line, col = self._mark(node)
            raise _fail(
                self.path,
                f"document too large: more than {MAX_NODES:,} values (aliases expanded)",
                line,
                col,
            )
        if depth > MAX_DEPTH:
            line, col = self._mark(node)
            raise _fail(self.path, f"document nested deeper than {MAX_DEPTH} levels", line, col)
        self.positions[loc] = self._mark(node)
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                raise self._tag_error(node)
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    line, col = self._mark(key_node)
                    raise _fail(self.path, "YAML merge keys ('<<') are not supported", line, col)
                key = self.build(key_node, (*loc, "<key>"), depth + 1)
                if not isinstance(key, str):
                    line, col = self._mark(key_node)
                    raise _fail(self.path, f"mapping keys must be text, got {key!r}", line, col)
                if key in result:
                    line, col = self._mark(key_node)
                    raise _fail(
                        self.path,
                        f"duplicate key {key!r}",
                        line,
                        col,
                        hint="each key may appear once in a mapping",
                    )
                self.key_positions[(*loc, key)] = self._mark(key_node)
                result[key] = self.build(value_node, (*loc, key), depth + 1)
            self.positions.pop((*loc, "<key>"), None)
            return result
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise self._tag_error(node)
            return [self.build(item, (*loc, i), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        if node.tag not in _SCALAR_TAGS:
            raise self._tag_error(node)
        return self._constructor.construct_object(node, deep=True)

    def _tag_error(self, node: yaml.Node) -> ScenarioError:
        line, col = self._mark(node)
        return _fail(
            self.path,
            f"YAML tag {node.tag!r} is not allowed",
            line,
            col,
            hint="scenario files use plain YAML values only",
        )


def load_yaml_text(text: str, path: str) -> YamlDocument:
    """Parse YAML text safely into data with positions."""
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        problem = exc.problem or "malformed YAML"
        raise _fail(path, f"malformed YAML: {problem}", line, col) from None
    except yaml.YAMLError as exc:
        raise _fail(path, f"malformed YAML: {exc}") from None
    documents = [d for d in documents if d is not None]
    if not documents:
        raise _fail(
            path, "the file is empty", hint="a scenario needs at least 'name' and 'workloads'"
        )
    if len(documents) > 1:
        line = documents[1].start_mark.line + 1
        raise _fail(path, "the file holds several YAML documents; one scenario per file", line, 1)
    builder = _Builder(path)
    data = builder.build(documents[0], (), 0)
    return YamlDocument(path, data, builder.positions, builder.key_positions)


def load_yaml_file(file: Path, name: str | None = None) -> YamlDocument:
    """Read and parse a YAML file; every failure is a ScenarioError naming the file.

    `name` is how the file is called in messages (e.g. `origin/main:scenarios/a.yaml` for a
    copy read from git); the file's path by default.
    """
    path = name or str(file)
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _fail(path, f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
        raw = file.read_bytes()
    except FileNotFoundError:
        raise _fail(path, "no such file") from None
    except IsADirectoryError:
        raise _fail(path, "is a directory, expected a YAML file") from None
    except PermissionError:
        raise _fail(path, "permission denied") from None
    except OSError as exc:
        raise _fail(path, f"cannot read file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _fail(
            path,
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            line,
            col,
            hint="save the file as UTF-8",
        ) from None
    text = text.removeprefix("\ufeff")
    return load_yaml_text(text, path)
