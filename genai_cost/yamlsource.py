"""Safe YAML loading that remembers where every value came from.

`load_yaml_file` returns plain Python data plus a map from field paths (tuples of keys and list
indexes) to 1-based (line, column) positions, so validation errors can point at the exact spot.
Only the YAML core schema is accepted: no tags, no duplicate keys, bounded size, depth and
alias expansion, UTF-8 only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from genai_cost.errors import InputFileError, ScenarioError

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


ErrorKind = type[InputFileError]


class _TooDeep(Exception):
    def __init__(self, mark: Any) -> None:
        self.mark = mark


class _DepthLimitedLoader(yaml.SafeLoader):
    """PyYAML's composer recurses once per nesting level; stop at MAX_DEPTH, long before
    Python's recursion limit, whatever the style (block or flow)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _TooDeep(self.peek_event().start_mark)  # type: ignore[no-untyped-call]
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# YAML 1.2 writes floats with an exponent and no dot (`1e6`, `2.5E+3`); PyYAML's 1.1 resolver
# would read them as text. Accept them as numbers, as a person writing a scenario expects.
_DepthLimitedLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)


def _compose_all(text: str) -> list[yaml.Node]:
    if _CLoader is not None:
        _check_depth(text)  # libyaml composes recursively in C: bound the depth first
        loader: Any = _CLoader(text)
    else:
        loader = _DepthLimitedLoader(text)
    try:
        documents: list[yaml.Node] = []
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                documents.append(node)
        return documents
    finally:
        loader.dispose()


_CLoader: Any = None
if getattr(yaml, "__with_libyaml__", False):

    class _CSafeLoader(yaml.CSafeLoader):
        """libyaml's parser and composer (about ten times the pure-Python speed), with the
        same resolver: YAML 1.2 exponent floats are numbers."""

    _CSafeLoader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$"),
        list("-+0123456789."),
    )
    _CLoader = _CSafeLoader


def _check_depth(text: str) -> None:
    """Raise _TooDeep at the first collection nested deeper than MAX_DEPTH: one pass over
    libyaml's events, which it produces without recursion."""
    loader: Any = yaml.CSafeLoader(text)
    depth = 0
    try:
        while True:
            event = loader.get_event()
            if event is None:
                return
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _TooDeep(event.start_mark)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            elif isinstance(event, yaml.StreamEndEvent):
                return
    finally:
        loader.dispose()


_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


class _Builder:
    def __init__(self, path: str, error: ErrorKind) -> None:
        self.path = path
        self.error = error
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
            raise self.error.at(
                self.path,
                f"document too large: more than {MAX_NODES:,} values (aliases expanded)",
                line,
                col,
            )
        if depth > MAX_DEPTH:
            line, col = self._mark(node)
            raise self.error.at(
                self.path, f"document nested deeper than {MAX_DEPTH} levels", line, col
            )
        self.positions[loc] = self._mark(node)
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                raise self._tag_error(node)
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    line, col = self._mark(key_node)
                    raise self.error.at(
                        self.path, "YAML merge keys ('<<') are not supported", line, col
                    )
                key = self.build(key_node, (*loc, "<key>"), depth + 1)
                if not isinstance(key, str):
                    line, col = self._mark(key_node)
                    raise self.error.at(
                        self.path, f"mapping keys must be text, got {key!r}", line, col
                    )
                if key in result:
                    line, col = self._mark(key_node)
                    raise self.error.at(
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
        try:
            return self._constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError, yaml.YAMLError) as exc:
            line, col = self._mark(node)
            what = "date" if node.tag.endswith(":timestamp") else "value"
            raise self.error.at(
                self.path, f"not a valid {what}: {node.value!r} ({exc})", line, col
            ) from None

    def _tag_error(self, node: yaml.Node) -> InputFileError:
        line, col = self._mark(node)
        return self.error.at(
            self.path,
            f"YAML tag {node.tag!r} is not allowed",
            line,
            col,
            hint=f"a {self.error.kind} uses plain YAML values only",
        )


def load_yaml_text(text: str, path: str, error: ErrorKind = ScenarioError) -> YamlDocument:
    """Parse YAML text safely into data with positions; failures are `error`s naming `path`."""
    try:
        documents = _compose_all(text)
    except _TooDeep as exc:
        line = exc.mark.line + 1 if exc.mark else None
        col = exc.mark.column + 1 if exc.mark else None
        raise error.at(path, f"document nested deeper than {MAX_DEPTH} levels", line, col) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        problem = exc.problem or "malformed YAML"
        raise error.at(path, f"malformed YAML: {problem}", line, col) from None
    except yaml.YAMLError as exc:
        raise error.at(path, f"malformed YAML: {exc}") from None
    except RecursionError:  # a last guard; the depth limit stops nesting long before
        raise error.at(path, f"document nested deeper than {MAX_DEPTH} levels") from None
    documents = [d for d in documents if d is not None]
    if not documents:
        raise error.at(path, "the file is empty", hint=error.empty_hint)
    if len(documents) > 1:
        line = documents[1].start_mark.line + 1
        raise error.at(
            path, f"the file holds several YAML documents; one {error.kind} per file", line, 1
        )
    builder = _Builder(path, error)
    data = builder.build(documents[0], (), 0)
    return YamlDocument(path, data, builder.positions, builder.key_positions)


def read_file_bytes(
    file: Path, name: str | None = None, *, error: ErrorKind, limit: int = MAX_FILE_BYTES
) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; every failure is an `error`
    naming the file. Devices, FIFOs and folders are refused before anything is read."""
    path = name or str(file)
    try:
        if file.exists() and not file.is_file():
            kind = "a directory" if file.is_dir() else "not a regular file"
            raise error.at(path, f"is {kind}, expected a file")
        size = file.stat().st_size
        if size > limit:
            raise error.at(path, f"file is {size:,} bytes; the limit is {limit:,}")
        return file.read_bytes()
    except FileNotFoundError:
        noun = error.kind if error.kind.endswith(("file", "book")) else "file"
        raise error.at(path, f"no such {noun}") from None
    except PermissionError:
        raise error.at(path, "permission denied") from None
    except OSError as exc:
        raise error.at(path, f"cannot read file: {exc.strerror or exc}") from None


def read_text_file(
    file: Path, name: str | None = None, *, error: ErrorKind, limit: int = MAX_FILE_BYTES
) -> str:
    """A UTF-8 text file (a leading BOM dropped), at most `limit` bytes; every failure is an
    `error` naming the file (with line and column for a bad byte)."""
    raw = read_file_bytes(file, name, error=error, limit=limit)
    return decode_utf8(raw, name or str(file), error=error)


def decode_utf8(raw: bytes, path: str, *, error: ErrorKind) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise error.at(
            path,
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            line,
            col,
            hint="save the file as UTF-8",
        ) from None
    return text.removeprefix("\ufeff")


def load_yaml_file(
    file: Path, name: str | None = None, *, error: ErrorKind = ScenarioError
) -> YamlDocument:
    """Read and parse a YAML file; every failure is an `error` (a scenario's by default)
    naming the file.

    `name` is how the file is called in messages (e.g. `origin/main:scenarios/a.yaml` for a
    copy read from git); the file's path by default.
    """
    path = name or str(file)
    return load_yaml_text(read_text_file(file, name, error=error), path, error)


def load_yaml_bytes(raw: bytes, name: str, *, error: ErrorKind = ScenarioError) -> YamlDocument:
    """Parse YAML held in memory (e.g. a blob read from git), with the same limits."""
    if len(raw) > MAX_FILE_BYTES:
        raise error.at(name, f"file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}")
    return load_yaml_text(decode_utf8(raw, name, error=error), name, error)


class _ReadableDumper(yaml.SafeDumper):
    """Block style, except lists of plain values on one line (`[1, 2, 3]`)."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(isinstance(x, (int, float, str, bool)) or x is None for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow or None)


_ReadableDumper.add_representer(list, _represent_list)


def dump_yaml(data: Any) -> str:
    """`data` as YAML a person reads: keys in their order, Unicode kept, short lists inline.
    Only safe types (what `load_yaml_text` accepts back)."""
    text: str = yaml.dump(
        data, Dumper=_ReadableDumper, sort_keys=False, allow_unicode=True, width=100
    )
    return text
