"""Safe YAML loading that remembers where every value came from.

`load_yaml_file` returns plain Python data plus a map from field paths (tuples of keys and list
indexes) to 1-based (line, column) positions, so validation errors can point at the exact spot.
Only the YAML core schema is accepted: no tags, no duplicate keys, bounded size, depth and
alias expansion, UTF-8 only.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import yaml

from genai_cost.errors import InputFileError, ScenarioError

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40
MAX_NODES = 200_000

FieldPath = tuple[str | int, ...]


class YamlDocument:
    """Data loaded from YAML with the position of each value.

    Positions are found when first asked for (an error message, a workload's `file:line`):
    a file read by the fast path is composed again, with positions, only then."""

    def __init__(
        self,
        path: str,
        data: Any,
        positions: dict[FieldPath, tuple[int, int]] | None = None,
        key_positions: dict[FieldPath, tuple[int, int]] | None = None,
        *,
        text: str | None = None,
        error: ErrorKind = ScenarioError,
    ) -> None:
        self.path = path
        self.data = data
        self._positions = positions
        self._key_positions = key_positions
        self._text = text
        self._error = error

    def _locate(self) -> None:
        positions: dict[FieldPath, tuple[int, int]] = {}
        key_positions: dict[FieldPath, tuple[int, int]] = {}
        if self._text is not None:
            try:
                slow = _load_with_positions(self._text, self.path, self._error)
                positions, key_positions = slow._positions or {}, slow._key_positions or {}
            except InputFileError:  # cannot happen for text the fast path accepted
                pass
        self._positions, self._key_positions = positions, key_positions

    @property
    def positions(self) -> dict[FieldPath, tuple[int, int]]:
        if self._positions is None:
            self._locate()
        assert self._positions is not None
        return self._positions

    @property
    def key_positions(self) -> dict[FieldPath, tuple[int, int]]:
        if self._key_positions is None:
            self._locate()
        assert self._key_positions is not None
        return self._key_positions

    def position(self, loc: FieldPath, *, key: bool = False) -> tuple[int | None, int | None]:
        """Position of `loc`, or of its nearest ancestor that has one."""
        table = self.key_positions if key else self.positions
        positions = self.positions
        probe = tuple(loc)
        while True:
            if probe in table:
                return table[probe]
            if probe in positions:
                return positions[probe]
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


# The fast path: yaml-rs (a YAML 1.2 parser in Rust, about twenty times libyaml + PyYAML) for
# the plain subset of YAML where its reading is provably PyYAML's (YAML 1.1, with 1.2's
# exponent floats). Anything outside that subset is declined and read by PyYAML, which also
# gives every error its message; `tests/test_yamlsource_fast.py` checks the two agree.
_yaml_rs: Any = None
try:
    import yaml_rs

    _yaml_rs = yaml_rs
except ImportError:  # pragma: no cover - a platform without its wheel reads every file slowly
    pass

_DECLINED: Any = object()

# Characters that start what the subset leaves out: tags, anchors and aliases, block scalars,
# escapes, tabs, carriage returns and YAML 1.1's extra line breaks (NEL, LS, PS), a BOM.
_REFUSED_CHARS = "!&*|>\\\t\r\x85\u2028\u2029\ufeff"
# Plain scalars the two versions read differently, found after a separator: 1.1's octal
# (`017`) against 1.2's `0o17`, a sign before a dot (`+.5`), an underscore first (`_1`), a
# colon first (`:x`, text in 1.2, an error in 1.1), a question mark first (`[?a]`: a key in
# 1.1, text in 1.2).
_REFUSED_PLAIN = re.compile(
    r"[ \n\[{,:](?:[-+]?(?:0[0-9_oObBxX]|_[0-9._]|\._)|[-+]\.[0-9]|:[^ \n]|\?)"
)
# Underscores in an exponent (`1e_3`: a number to yaml-rs, text to PyYAML); searched only when
# one of the pairs occurs.
_EXPONENT_PAIRS = ("e_", "E_", "-_", "+_", *(f"{d}_" for d in range(10)))
_REFUSED_EXPONENT = re.compile(r"[0-9._][eE][-+]?[0-9_]*_")
# Merge keys, and a colon before a flow indicator (`[a:]`: a key in 1.2, an error in 1.1).
_REFUSED_PAIRS = ("<<", ":,", ":]", ":}")
# Characters PyYAML does not accept (control characters, non-characters).
_REFUSED_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_MAX_FAST_LINE = 2000  # bounds the nesting a line can open (yaml-rs recurses natively)
_MAX_KEY = 1000  # PyYAML's implicit keys stop at 1024 characters


def _implicit(loader: Any) -> tuple[frozenset[str], re.Pattern[str]]:
    """First characters, and one pattern, of every plain scalar PyYAML would read as other
    than text (booleans, numbers, null, dates, `<<`, `=`) with this loader's resolvers."""
    resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = loader.yaml_implicit_resolvers
    patterns = {
        regexp.pattern for first, pairs in resolvers.items() if first for _, regexp in pairs
    }
    starts = frozenset(first for first in resolvers if first)
    return starts, re.compile("|".join(f"(?:{p})" for p in sorted(patterns)), re.X)


def _fast_subset(text: str) -> bool:
    """Whether `text` uses only what both parsers read alike (a cheap scan, no parsing):
    no tags, anchors, block scalars, escapes, tabs, directives, document markers or merge
    keys, none of the numbers spelled differently, only characters PyYAML accepts."""
    if any(c in text for c in _REFUSED_CHARS) or any(m in text for m in _REFUSED_PAIRS):
        return False
    if text.startswith(("%", "---", "...")) or any(m in text for m in ("\n%", "\n---", "\n...")):
        return False
    if _REFUSED_PLAIN.search(text) or _REFUSED_PLAIN.search("\n" + text[:4]):
        return False
    if any(m in text for m in _EXPONENT_PAIRS) and _REFUSED_EXPONENT.search(text):
        return False
    printable = text.isascii() and text.replace("\n", "").isprintable()
    return printable or not _REFUSED_CONTROL.search(text)


def _simple_lines(text: str) -> bool:
    """Whether every line is short, opens and closes its own flow collections, and is a key
    line (`key: …`, `key:`) or a list item (`- …`): what is left out is where the parsers'
    leniency differs — collections and plain scalars continued over lines, multi-line keys."""
    for line in text.split("\n"):
        if len(line) > _MAX_FAST_LINE:
            return False
        if line.count("[") + line.count("{") != line.count("]") + line.count("}"):
            return False
        content = line.lstrip(" ")
        if not content or content[0] == "#" or content[:2] == "- " or content == "-":
            continue
        if ": " not in content and not content.endswith(":"):
            return False
    return True


def _fast_data(text: str) -> Any:
    """The document's data, or `_DECLINED` when the text is outside the fast subset or not
    accepted as it stands (PyYAML then reads it and says why)."""
    if _yaml_rs is None or not _fast_subset(text):
        return _DECLINED
    if not _simple_lines(text):
        return _DECLINED
    try:
        data = _yaml_rs.loads(text, parse_datetime=True)
    except Exception:
        return _DECLINED
    return data if data is not None and _fast_checked(data) else _DECLINED


def _fast_checked(data: Any) -> bool:
    """True when `data` is what PyYAML would build: text keys, no text that PyYAML would have
    read as another type had it been written plain, depth within the limit and size within
    it (counted high: a collection counts as an item and again as itself, so a document near
    the limit goes to PyYAML to decide). Each distinct text is judged once (keys and most
    values repeat from workload to workload)."""
    starts, implicit = _FAST_IMPLICIT
    texts: set[str] = set()  # judged: would stay text if written plain
    keys: set[str] = set()  # judged as keys (text, and short enough for PyYAML)
    nodes = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    scalars = (bool, type(None), dt.date)
    while stack:
        value, depth = stack.pop()
        nodes += 1
        kind = type(value)
        items: Any
        if kind is dict:
            for key in value:
                if key not in keys:
                    if type(key) is not str or len(key) > _MAX_KEY:
                        return False
                    if key[:1] in starts and implicit.fullmatch(key):
                        return False
                    keys.add(key)
            nodes += 2 * len(value)
            items = value.values()
        elif kind is list:
            nodes += len(value)
            items = value
        elif kind is str:
            if value[:1] in starts and implicit.fullmatch(value):
                return False
            continue
        elif kind is int or kind is float or isinstance(value, scalars):
            continue
        else:
            return False
        if depth > MAX_DEPTH or nodes > MAX_NODES:
            return False
        for item in items:
            k = type(item)
            if k is str:
                if item not in texts:
                    if item[:1] in starts and implicit.fullmatch(item):
                        return False
                    texts.add(item)
            elif k is int or k is float:
                continue
            elif k is dict or k is list:
                stack.append((item, depth + 1))
            elif not isinstance(item, scalars):
                return False
    return True


_FAST_IMPLICIT = _implicit(_CLoader or _DepthLimitedLoader)

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


_NUMBER_TAGS = frozenset(("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"))


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
        if node.tag in _NUMBER_TAGS and ":" in node.value:
            # YAML 1.1's base-60 numbers (`1:30` is 90): read as text, as YAML 1.2 (and the
            # fast path) read them, so a number field says it wants a number
            return node.value
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
    """Parse YAML text safely into data with positions; failures are `error`s naming `path`.

    Text the fast path accepts (see `_fast_data`) is parsed by yaml-rs with its positions
    left for later; everything else, and every error, goes through PyYAML with positions."""
    data = _fast_data(text)
    if data is not _DECLINED:
        return YamlDocument(path, data, text=text, error=error)
    return _load_with_positions(text, path, error)


def _load_with_positions(text: str, path: str, error: ErrorKind) -> YamlDocument:
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
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, …)
        position = int(exc.position)
        line = text.count("\n", 0, position) + 1
        col = position - (text.rfind("\n", 0, position) + 1) + 1
        character = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise error.at(
            path,
            f"malformed YAML: character U+{character:04X} is not allowed in YAML ({exc.reason})",
            line,
            col,
        ) from None
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


def parse_json(text: str, path: str, *, error: ErrorKind, what: str) -> Any:
    """JSON from outside (`what` it should be, for messages): a syntax error with its line
    and column, NaN and Infinity refused (no number an input holds), nesting too deep for
    the parser an error rather than a crash."""

    def no_constants(name: str) -> Any:
        raise ValueError(f"{name} is not a number {what} holds")

    try:
        return json.loads(text, parse_constant=no_constants)
    except json.JSONDecodeError as exc:
        raise error.at(path, f"not valid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except ValueError as exc:  # NaN, Infinity (and integers too long to convert)
        raise error.at(path, f"not valid JSON: {exc}") from None
    except RecursionError:
        raise error.at(path, f"JSON nested too deeply for {what}") from None


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
