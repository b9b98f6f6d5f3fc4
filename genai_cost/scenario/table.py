"""Workloads from a table: a CSV or Parquet file with one workload a row.

Platform teams keep hundreds of thousands of tenants, features or customers in a spreadsheet or
a warehouse table; a scenario names such a table (`workloads_table:`) or `genai-cost estimate
--workloads FILE` reads one. The columns are declared once here (`COLUMNS`), each bound to the
workload field it fills; the rules are the scenario model's own: number ranges are read from
the pydantic fields' constraints, and every distinct combination of the text columns is
validated by the `Workload` model itself, so a row is accepted exactly when the same workload
written in YAML would be. Numbers are checked as arrays; all problems are reported at once,
each naming its row and column.

The file is read by DuckDB (already the tool's log engine): CSV as text (every column cast
here, so a bad cell is found and named rather than failing the read), Parquet with its types.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np
import numpy.typing as npt

from genai_cost.errors import Problem, ScenarioError

if TYPE_CHECKING:
    from genai_cost.scenario.models import Option, Workload

FloatArray = npt.NDArray[np.float64]
ObjArray = npt.NDArray[np.object_]

Kind = Literal["text", "number", "choice", "options"]


@dataclass(frozen=True)
class Column:
    """A column of a workloads table and the workload field it fills."""

    name: str
    field: tuple[str, ...]
    """The field's path in a scenario's workload (`tokens_per_request.input`)."""
    kind: Kind
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("name", ("name",), "text", True),
    Column("model", ("model",), "text", True),
    Column("region", ("region",), "text"),
    Column("input_tokens", ("tokens_per_request", "input"), "number", True),
    Column("output_tokens", ("tokens_per_request", "output"), "number", True),
    Column("cache_read_tokens", ("tokens_per_request", "cache_read"), "number"),
    Column("cache_write_tokens", ("tokens_per_request", "cache_write"), "number"),
    Column("cache_write_1h_tokens", ("tokens_per_request", "cache_write_1h"), "number"),
    Column("requests_per_month", ("traffic", "requests_per_month"), "number"),
    Column("requests_per_second", ("traffic", "requests_per_second"), "number"),
    Column("peak_to_average_ratio", ("traffic", "peak_to_average_ratio"), "number"),
    Column("latency", ("latency",), "choice"),
    Column("service_tier", ("service_tier",), "choice"),
    Column("options", ("options",), "options"),
)
"""Every column a workloads table may have (others are refused unless mapped to tags)."""
BY_NAME = {c.name: c for c in COLUMNS}
VOLUME = ("requests_per_month", "requests_per_second")
"""Exactly one of these per row, as in a scenario's `traffic`."""
SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
MAX_PROBLEMS = 20
"""Problems listed in full; the rest are counted."""
_GLOB = re.compile(r"[*?\[\]{}]")
_OPTION_SPLIT = re.compile(r"[;,|\s]+")


def bounds(column: Column) -> dict[str, float]:
    """The range a number column's workload field accepts (`ge`, `gt`, `le`, `lt`), read from
    the scenario model's own field constraints — one declaration for YAML and tables."""
    from genai_cost.scenario.models import Workload

    model: Any = Workload
    for part in column.field[:-1]:
        model = model.model_fields[part].annotation
    info = model.model_fields[column.field[-1]]
    found: dict[str, float] = {}
    pending: list[Any] = list(info.metadata)
    annotation = info.annotation
    for arg in getattr(annotation, "__args__", ()):  # `X | None`: the constraints of X
        pending += list(getattr(arg, "__metadata__", ()))
    pending += list(getattr(annotation, "__metadata__", ()))
    while pending:
        item = pending.pop()
        for name in ("ge", "gt", "le", "lt"):
            value = getattr(item, name, None)
            if value is not None:
                found[name] = float(value)
        pending += list(getattr(item, "metadata", ()))
    return found


def first_seen_codes(values: np.ndarray) -> np.ndarray:
    """A number for each cell of an object column: equal cells, equal numbers, numbered as
    they first appear (one dict look-up a cell; no sort of Python objects)."""
    index: dict[object, int] = {}
    add = index.setdefault
    return np.fromiter(
        (add(v, len(index)) for v in values.tolist()), dtype=np.int64, count=values.size
    )


@dataclass
class WorkloadTable:
    """The validated rows of a workloads table, as columns."""

    path: str
    """The file as messages name it."""
    file: Path
    """The file read."""
    size: int
    text: dict[str, ObjArray]
    """Text columns ("" where empty): name, model, region, latency, service_tier, options."""
    numbers: dict[str, FloatArray]
    """Number columns (NaN where empty)."""
    tags: dict[str, ObjArray] = field(default_factory=dict)
    """Columns carried into each workload's tags, by tag key."""
    column_names: dict[str, str] = field(default_factory=dict)
    """The file's column behind each column of COLUMNS that it has."""
    _builder: RowBuilder | None = field(default=None, init=False, repr=False, compare=False)
    _codes: dict[str, np.ndarray] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """`builder` and `codes` worked out so far (not arguments: a table made from another by
    `dataclasses.replace`, with other columns, starts without them)."""

    def codes(self, column: str) -> np.ndarray:
        """A number for each row's cell of the text `column` (equal cells, equal numbers;
        numbered as they first appear), worked out once per column."""
        found = self._codes.get(column)
        if found is None:
            found = self._codes[column] = first_seen_codes(self.text[column])
        return found

    def where(self, row: int, column: str = "") -> str:
        """`row N` (1-based, the header not counted), with the file's column name."""
        text = f"row {row + 1:,}"
        if column:
            text += f", column {self.column_names.get(column, column)!r}"
        return text

    def problem(self, row: int, column: str, message: str, hint: str = "") -> Problem:
        return Problem(message, path=self.path, field_path=self.where(row, column), hint=hint)

    def option_lists(self) -> dict[str, list[Option] | None]:
        """Each distinct `options` cell's options as its workloads hold them (None: empty)."""
        from genai_cost.scenario.models import Option

        options: dict[str, list[Option] | None] = {"": None}
        for cell in set(self.text["options"].tolist()):
            if cell:
                options[cell] = [Option(o) for o in _OPTION_SPLIT.split(cell.strip()) if o]
        return options

    def workloads(self) -> list[Workload]:
        """Every row as a scenario workload, built without validating again (each row passed
        the workload model's rules above)."""
        return self.builder().build(slice(None))

    def builder(self) -> RowBuilder:
        """What makes the rows' workloads, prepared once per table."""
        if self._builder is None:
            self._builder = RowBuilder(self)
        return self._builder


class RowBuilder:
    """Makes a table's rows into scenario workloads (`build`), with what every row shares
    worked out once: each `options` cell's list, the models' templates and fields sets."""

    def __init__(self, table: WorkloadTable) -> None:
        from genai_cost.scenario.models import Latency, TokensPerRequest, Traffic

        self.table = table
        self.options = table.option_lists()
        self.latency = {"": Latency.interactive, **{x.value: x for x in Latency}}
        # Each row is one template's fields with its own values, set the way pydantic's
        # `model_copy(update=...)` sets them, without its per-attribute copies
        # (`model_construct` would also deep-copy every default settings model per row).
        self.tokens_template = TokensPerRequest.model_construct(input=0.0, output=0.0).__dict__
        self.traffic_template = Traffic.model_construct().__dict__
        constructed = model_probe("-").__dict__  # each row sets its own values
        # The workload template is the attribute dict of a `_WorkloadFields` instance,
        # filled key by key in the fields' order: its keys are then the table CPython shares
        # among that class's instances (PEP 412), and each row's copy holds only its 28
        # values — 288 bytes against 832 for an ordinary dict's copy, and quicker to copy.
        # (Not `Workload`'s own shared table: whatever made a workload's attributes first
        # decided its order. The two smaller models' shared tables are sized for more keys
        # than they have: their ordinary dicts are smaller.)
        template: dict[str, Any] = object.__new__(_WorkloadFields).__dict__
        for key, value in constructed.items():
            template[key] = value
        self.template = template
        # the fields each row sets (what `model_fields_set` says of the same workload in
        # YAML): one set per pattern of given cells, numbered by bits
        self.token_sets = [
            {"input", "output", *(f for k, f in enumerate(CACHE_FIELDS) if code >> k & 1)}
            for code in range(1 << len(CACHE_FIELDS))
        ]
        self.workload_sets = [
            {
                "name",
                "model",
                "tokens_per_request",
                "traffic",
                *(f for k, f in enumerate(OPTIONAL_FIELDS) if code >> k & 1),
            }
            for code in range(1 << len(OPTIONAL_FIELDS))
        ]
        # Rows share their fields-set objects: the models are frozen, so nothing adds to
        # one, and `model_copy` copies the set before it adds the fields it updates.
        self.traffic_sets = {
            (per_second_given, peak_given): {
                "requests_per_second" if per_second_given else "requests_per_month",
                *(["peak_to_average_ratio"] if peak_given else []),
            }
            for per_second_given in (False, True)
            for peak_given in (False, True)
        }

    def build(self, rows: slice | npt.NDArray[np.intp]) -> list[Workload]:
        """The workloads of the table's `rows` (a slice, or row numbers), in their order."""
        from genai_cost.scenario.models import TokensPerRequest, Traffic, Workload

        table = self.table
        t, n = table.text, table.numbers
        count = len(range(table.size)[rows]) if isinstance(rows, slice) else len(rows)
        columns = {
            c: n[c][rows].tolist()
            for c in (
                "input_tokens",
                "output_tokens",
                "cache_read_tokens",
                "cache_write_tokens",
                "cache_write_1h_tokens",
                *VOLUME,
                "peak_to_average_ratio",
            )
        }
        text = {
            c: t[c][rows].tolist() for c in ("name", "model", "region", "latency", "service_tier")
        }
        tag_keys = list(table.tags)
        tag_values = [table.tags[k][rows].tolist() for k in tag_keys]
        # one tag column (the usual case): its dict made without a comprehension per row
        one_tag, one_values = (tag_keys[0], tag_values[0]) if len(tag_keys) == 1 else ("", [])
        token_codes = np.zeros(count, dtype=np.intp)
        for k, f in enumerate(CACHE_FIELDS):
            token_codes |= (~np.isnan(n[f"{f}_tokens"][rows])).astype(np.intp) << k
        workload_codes = np.zeros(count, dtype=np.intp)
        for k, f in enumerate(OPTIONAL_FIELDS[:4]):
            workload_codes |= (t[f][rows] != "").astype(np.intp) << k
        for tag_cells in table.tags.values():
            workload_codes |= (tag_cells[rows] != "").astype(np.intp) << 4
        inputs, outputs = columns["input_tokens"], columns["output_tokens"]

        def number(c: str) -> list[float | None]:
            return [None if v != v else v for v in columns[c]]

        def cached(c: str) -> list[float]:
            return [0.0 if v != v else v for v in columns[c]]

        reads, writes = cached("cache_read_tokens"), cached("cache_write_tokens")
        writes_1h = cached("cache_write_1h_tokens")
        per_month, per_second = number("requests_per_month"), number("requests_per_second")
        peaks = number("peak_to_average_ratio")
        names, models = text["name"], text["model"]
        regions, latencies, tiers = text["region"], text["latency"], text["service_tier"]
        cells = t["options"][rows].tolist()
        token_set, workload_set = token_codes.tolist(), workload_codes.tolist()
        options, latency, template = self.options, self.latency, self.template
        tokens_template, traffic_template = self.tokens_template, self.traffic_template
        token_sets, workload_sets = self.token_sets, self.workload_sets
        traffic_sets = self.traffic_sets
        out = []
        # Each object's state as pydantic's unvalidated construction leaves it: a fresh
        # `__dict__` copied from its template, the fields set, no extra or private
        # attributes (written out in the loop: three objects a row, no call per object).
        new = object.__new__
        setter = object.__setattr__
        for i in range(count):
            tokens = new(TokensPerRequest)
            values = tokens_template.copy()
            values["input"] = inputs[i]
            values["output"] = outputs[i]
            values["cache_read"] = reads[i]
            values["cache_write"] = writes[i]
            values["cache_write_1h"] = writes_1h[i]
            setter(tokens, "__dict__", values)
            setter(tokens, "__pydantic_fields_set__", token_sets[token_set[i]])
            setter(tokens, "__pydantic_extra__", None)
            setter(tokens, "__pydantic_private__", None)
            traffic = new(Traffic)
            values = traffic_template.copy()
            values["requests_per_month"] = per_month[i]
            values["requests_per_second"] = per_second[i]
            values["peak_to_average_ratio"] = peaks[i]
            setter(traffic, "__dict__", values)
            setter(
                traffic,
                "__pydantic_fields_set__",
                traffic_sets[per_second[i] is not None, peaks[i] is not None],
            )
            setter(traffic, "__pydantic_extra__", None)
            setter(traffic, "__pydantic_private__", None)
            workload = new(Workload)
            values = template.copy()
            values["name"] = names[i]
            values["model"] = models[i]
            values["region"] = regions[i] or None
            values["latency"] = latency[latencies[i]]
            values["service_tier"] = tiers[i] or None
            values["tokens_per_request"] = tokens
            values["traffic"] = traffic
            values["options"] = options[cells[i]]
            if one_tag:
                values["tags"] = {one_tag: str(one_values[i])} if one_values[i] else {}
            elif tag_keys:
                values["tags"] = {
                    k: str(v[i]) for k, v in zip(tag_keys, tag_values, strict=True) if v[i]
                }
            setter(workload, "__dict__", values)
            setter(workload, "__pydantic_fields_set__", workload_sets[workload_set[i]])
            setter(workload, "__pydantic_extra__", None)
            setter(workload, "__pydantic_private__", None)
            out.append(workload)
        return out


def split_workloads(
    workloads: Sequence[Workload],
) -> tuple[Sequence[Workload], WorkloadTable | None]:
    """A scenario's own workloads, and the workloads table whose rows follow them (None
    when it has none)."""
    if isinstance(workloads, TableWorkloads):
        return workloads.own, workloads.table
    return workloads, None


def model_probe(model: str, name: str = "-", region: str | None = None) -> Workload:
    """A table row's workload with nothing but a model (and a name and region): what the
    checks and moves that depend on the model alone ask about, once per model rather than
    once per row."""
    from genai_cost.scenario.models import NO_TOKENS, Traffic, Workload

    return Workload.model_construct(
        name=name,
        model=model,
        region=region,
        tokens_per_request=NO_TOKENS,
        traffic=Traffic.model_construct(requests_per_month=0.0),
    )


def workload_names(workloads: Sequence[Workload]) -> list[str]:
    """The names of a scenario's workloads, in order (a table's rows' from its column: no
    row is made for it)."""
    if isinstance(workloads, TableWorkloads):
        return workloads.names()
    return [w.name for w in workloads]


CACHE_FIELDS = ("cache_read", "cache_write", "cache_write_1h")
"""The cache cells of a row's tokens, in the order of their bits in `RowBuilder`'s codes."""
OPTIONAL_FIELDS = ("region", "latency", "service_tier", "options", "tags")
"""The workload fields a row sets only when its cells give them (bits, in this order)."""
ONE_BY_ONE = 1024
"""Rows of a table `TableWorkloads` makes one at a time when asked for them one by one;
asked for more, it makes every row at once (quicker a row)."""


class TableWorkloads(Sequence["Workload"]):
    """A scenario's workloads when it has a workloads table: its own (YAML) workloads, then
    the table's rows. A row's workload is made when it is first asked for and kept, so it
    is one object however often it is asked for: pricing, the bill, every report format,
    the Monte Carlo and `regions` read a table's rows from its columns (`engine.context`),
    and a million rows' workloads made as objects hold 1.3 GB. Iterating, or asking for more
    than ONE_BY_ONE rows one at a time, makes every row at once."""

    __slots__ = ("_made", "_some", "own", "table")

    def __init__(self, own: Sequence[Workload], table: WorkloadTable) -> None:
        self.own = list(own)
        self.table = table
        self._made: list[Workload] | None = None
        self._some: dict[int, Workload] = {}

    def __len__(self) -> int:
        return len(self.own) + self.table.size

    @overload
    def __getitem__(self, index: int) -> Workload: ...

    @overload
    def __getitem__(self, index: slice) -> list[Workload]: ...

    def __getitem__(self, index: int | slice) -> Workload | list[Workload]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("workload index out of range")
        row = index - len(self.own)
        if row < 0:
            return self.own[index]
        if self._made is not None:
            return self._made[row]
        workload = self._some.get(row)
        if workload is None:
            if len(self._some) >= ONE_BY_ONE:
                return self.rows()[row]
            workload = self.table.builder().build(np.asarray([row], dtype=np.intp))[0]
            self._some[row] = workload
        return workload

    def __iter__(self) -> Iterator[Workload]:
        yield from self.own
        yield from self.rows()

    def rows(self) -> list[Workload]:
        """The table's rows' workloads, every one (those made already are kept)."""
        if self._made is None:
            made = self.table.workloads()
            for row, workload in self._some.items():
                made[row] = workload
            self._made, self._some = made, {}
        return self._made

    def names(self) -> list[str]:
        """Every workload's name, in order (the table's from its column)."""
        return [*(w.name for w in self.own), *self.table.text["name"].tolist()]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple, TableWorkloads)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"TableWorkloads({len(self.own)} own, {self.table.size:,} rows of {self.table.path})"


class _WorkloadFields:
    """Never used for itself: its instances' attribute dicts share one table of keys, the
    workload fields' (`WorkloadTable.workloads`)."""


def table_format(path: Path) -> str:
    """`csv` or `parquet`, from the file's suffix."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise ScenarioError(
            [
                Problem(
                    "a workloads table is a .csv or .parquet file, not "
                    + (repr(path.suffix) if path.suffix else "a file without a suffix"),
                    path=str(path),
                )
            ]
        )
    return kind


MAX_TABLE_BYTES = 256 * 1024 * 1024
"""Largest table read from a git revision (into memory); files on disk have no limit."""
SOURCE = "workloads_table_file"
"""The name the file is read under in DuckDB's SQL."""


def read_table(
    path: Path,
    *,
    label: str | None = None,
    columns: Mapping[str, str] | None = None,
    tags: Iterable[str] = (),
    content: bytes | None = None,
) -> WorkloadTable:
    """Read and validate a workloads table. `columns` maps a column of COLUMNS to the file's
    own name for it (`{"name": "tenant_id"}`); `tags` are the file's columns carried into
    each workload's tags; `content` is the file's bytes when they are already in memory (a
    blob read from git: nothing is written to disk). Raises ScenarioError with every
    problem found."""
    import io

    shown = label or str(path)
    kind = table_format(path)
    if content is None:
        if _GLOB.search(path.name):
            raise ScenarioError(
                [
                    Problem(
                        "a table's file name may not hold * ? [ ] { } (read as patterns)",
                        path=shown,
                    )
                ]
            )
        if not path.is_file():
            raise ScenarioError([Problem("no such file", path=shown)])
    import duckdb

    connection = duckdb.connect()
    source: Any = str(path) if content is None else io.BytesIO(content)
    try:
        if kind == "csv":
            relation = connection.read_csv(
                source,
                header=True,
                sep=",",
                quotechar='"',
                escapechar='"',
                auto_type_candidates=["VARCHAR"],
            )
        else:
            relation = connection.read_parquet(source)
        connection.register(SOURCE, relation)
        described = connection.execute(f"DESCRIBE SELECT * FROM {SOURCE}").fetchall()
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        hint = (
            "a comma-separated file with a header row: every row has the header's number of "
            "fields (quote cells that hold commas)"
            if kind == "csv"
            else "a Parquet file"
        )
        raise ScenarioError(
            [Problem(f"cannot read the table: {first}", path=shown, hint=hint)]
        ) from None
    types = {str(row[0]): str(row[1]) for row in described}
    return _validate(connection, path, shown, types, dict(columns or {}), list(tags))


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _validate(
    connection: Any,
    path: Path,
    shown: str,
    types: dict[str, str],
    mapping: dict[str, str],
    tags: list[str],
) -> WorkloadTable:
    from genai_cost.modelfile import suggest

    problems: list[Problem] = []

    def whole_file(message: str, hint: str = "") -> None:
        problems.append(Problem(message, path=shown, hint=hint))

    for ours in mapping:
        if ours not in BY_NAME:
            whole_file(
                f"columns: {ours!r} is not a workloads-table column",
                suggest(ours, BY_NAME) or "columns: " + ", ".join(BY_NAME),
            )
    mapped = {BY_NAME[k].name: v for k, v in mapping.items() if k in BY_NAME}
    found: dict[str, str] = {}
    for column in COLUMNS:
        theirs = mapped.get(column.name, column.name)
        if theirs in types:
            found[column.name] = theirs
        elif column.name in mapped:
            whole_file(
                f"columns.{column.name}: the table has no column {theirs!r}",
                suggest(theirs, types) or "its columns: " + ", ".join(types),
            )
        elif column.required:
            whole_file(
                f"missing column {column.name!r}",
                suggest(column.name, types)
                or f"map the file's own name for it: columns: {{{column.name}: NAME}} in a "
                f"scenario, --column {column.name}=NAME with --workloads",
            )
    if not any(c in found for c in VOLUME):
        whole_file("missing column 'requests_per_month' (or 'requests_per_second')")
    for tag in tags:
        if tag not in types:
            whole_file(f"tags: the table has no column {tag!r}", suggest(tag, types))
    used = set(found.values()) | set(tags)
    for theirs in types:
        if theirs not in used:
            whole_file(
                f"unknown column {theirs!r}",
                suggest(theirs, BY_NAME)
                or "map it (columns:), carry it as a tag (tags:), or drop it; columns: "
                + ", ".join(BY_NAME),
            )
    if problems:
        raise ScenarioError(problems)

    selects: list[str] = []
    for column in COLUMNS:
        if column.name not in found:
            continue
        theirs = found[column.name]
        q = _quoted(theirs)
        if column.kind == "number":
            if types[theirs] == "BOOLEAN":
                whole_file(f"column {theirs!r}: expected numbers, the file holds booleans")
                continue
            selects += [
                f"COALESCE(TRY_CAST({q} AS DOUBLE), 'NaN'::DOUBLE)",
                f"({q} IS NOT NULL AND TRIM(CAST({q} AS VARCHAR)) <> '')",
                f"CASE WHEN TRY_CAST({q} AS DOUBLE) IS NULL THEN CAST({q} AS VARCHAR) END",
            ]
        else:
            selects.append(f"COALESCE(TRIM(CAST({q} AS VARCHAR)), '')")
    selects += [f"COALESCE(CAST({_quoted(t)} AS VARCHAR), '')" for t in tags]
    if problems:
        raise ScenarioError(problems)
    try:
        result = connection.execute(f"SELECT {', '.join(selects)} FROM {SOURCE}").fetchnumpy()
    except Exception as exc:  # a malformed file (a CSV row with too many fields, ...)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ScenarioError([Problem(f"cannot read the table: {first}", path=shown)]) from None
    values = list(result.values())
    size = len(values[0]) if values else 0
    table = WorkloadTable(shown, path, size, {}, {}, column_names=found)
    k = 0
    given: dict[str, npt.NDArray[np.bool_]] = {}
    texts: dict[str, Any] = {}
    """Per number column, the cells that are not numbers, as written (None elsewhere)."""
    for column in COLUMNS:
        if column.name not in found:
            if column.kind == "number":
                table.numbers[column.name] = np.full(size, np.nan)
                given[column.name] = np.zeros(size, dtype=bool)
            else:
                table.text[column.name] = np.full(size, "", dtype=object)
            continue
        if column.kind == "number":
            table.numbers[column.name] = np.asarray(values[k], dtype=np.float64)
            given[column.name] = np.asarray(values[k + 1], dtype=bool)
            texts[column.name] = values[k + 2]
            k += 3
        else:
            cells = np.asarray(values[k], dtype=object)
            table.text[column.name] = cells if column.name == "name" else _shared(cells)
            k += 1
    for tag in tags:
        table.tags[tag] = _shared(np.asarray(values[k], dtype=object))
        k += 1
    found_problems = Found(table)
    _number_problems(table, given, texts, found_problems)
    _text_problems(table, found_problems)
    if found_problems.problems:
        raise ScenarioError(found_problems.all())
    return table


def _shared(cells: Any) -> Any:
    """A text column with each distinct value held once: the reader makes a string per
    cell, and a model id, region or tag repeated down a million rows would be a million
    strings (each row's workload holds its cell's string)."""
    seen: dict[Any, Any] = {}
    out = np.empty(len(cells), dtype=object)
    out[:] = [seen.setdefault(v, v) for v in cells.tolist()]
    return out


class Found:
    """Problems found so far: the first MAX_PROBLEMS in full, the rest counted."""

    def __init__(self, table: WorkloadTable) -> None:
        self.table = table
        self.problems: list[Problem] = []
        self.more = 0

    def add(self, problem: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.more += 1

    def rows(self, bad: npt.NDArray[np.bool_], column: str, message: Any) -> None:
        """A problem for each bad row: `message(row)` is composed only for those listed."""
        rows = np.flatnonzero(bad)
        room = max(MAX_PROBLEMS - len(self.problems), 0)
        for r in rows[:room]:
            self.problems.append(self.table.problem(int(r), column, message(int(r))))
        self.more += max(int(rows.size) - room, 0)

    def all(self) -> list[Problem]:
        if not self.more:
            return self.problems
        extra = Problem(f"and {self.more:,} more problems", path=self.table.path)
        return [*self.problems, extra]


def _number_problems(
    table: WorkloadTable,
    given: dict[str, npt.NDArray[np.bool_]],
    texts: dict[str, Any],
    found: Found,
) -> None:
    for column in COLUMNS:
        if column.kind != "number":
            continue
        values, present = table.numbers[column.name], given[column.name]
        if column.required:
            found.rows(~present, column.name, lambda r: "expected a number, the cell is empty")
        bad = present & ~np.isfinite(values)
        written = texts.get(column.name)

        def not_a_number(r: int, written: Any = written) -> str:
            cell = None if written is None else written[r]
            if cell is None or cell is np.ma.masked or not isinstance(cell, str):
                return "expected a finite number, got NaN or infinity"
            return f"expected a number, got {str(cell)[:40]!r}"

        found.rows(bad, column.name, not_a_number)
        ok = present & np.isfinite(values)
        limits = bounds(column)
        for name, test, words in (
            ("ge", np.less, "at least"),
            ("gt", np.less_equal, "greater than"),
            ("le", np.greater, "at most"),
            ("lt", np.greater_equal, "less than"),
        ):
            limit = limits.get(name)
            if limit is None:
                continue
            out = ok & test(values, limit)

            def message(
                r: int, words: str = words, limit: float = limit, values: FloatArray = values
            ) -> str:
                return f"expected a number {words} {limit:g}, got {values[r]:g}"

            found.rows(out, column.name, message)
    both = given["requests_per_month"] & given["requests_per_second"]
    neither = ~given["requests_per_month"] & ~given["requests_per_second"]
    found.rows(
        both,
        "requests_per_month",
        lambda r: "give requests_per_month or requests_per_second, not both",
    )
    found.rows(
        neither,
        "requests_per_month",
        lambda r: "no volume: give requests_per_month or requests_per_second",
    )


def _text_problems(table: WorkloadTable, found: Found) -> None:
    """Names unique and within the model's length; every distinct combination of the text
    columns validated by the `Workload` model (the YAML rules), errors named by row."""
    from pydantic import ValidationError

    from genai_cost.modelfile import loc_text, suggest
    from genai_cost.scenario.models import Latency, Option, Workload
    from genai_cost.vocabulary import TIERS

    names = table.text["name"]
    info = Workload.model_fields["name"].metadata
    longest = min((getattr(m, "max_length", None) or 10**9) for m in info) if info else 10**9
    lengths = np.fromiter((len(x) for x in names), dtype=np.int64, count=table.size)
    found.rows(lengths == 0, "name", lambda r: "expected a name, the cell is empty")
    found.rows(
        lengths > longest,
        "name",
        lambda r: f"a name is at most {longest} characters",
    )
    if table.size:
        order = np.argsort(names, kind="stable")
        ranked = names[order]
        repeat = np.zeros(table.size, dtype=bool)
        repeat[order[1:]] = ranked[1:] == ranked[:-1]
        found.rows(
            repeat & (lengths > 0),
            "name",
            lambda r: f"workload name {names[r]!r} is used twice",
        )
    keys = ("model", "region", "latency", "service_tier", "options")
    combos: dict[tuple[str, ...], int] = {}
    for i, combo in enumerate(zip(*(table.text[k].tolist() for k in keys), strict=True)):
        combos.setdefault(combo, i)
    for combo, first in combos.items():
        data: dict[str, Any] = {
            "name": "x",
            "tokens_per_request": {"input": 0.0, "output": 0.0},
            "traffic": {"requests_per_month": 0.0},
        }
        for key, value in zip(keys, combo, strict=True):
            if not value:
                continue
            data[key] = [o for o in _OPTION_SPLIT.split(value) if o] if key == "options" else value
        try:
            Workload.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(error["loc"])
                column = str(loc[0]) if loc and str(loc[0]) in keys else ""
                detail = loc_text(loc[1:]) if column == "options" and len(loc) > 1 else ""
                text = error["msg"].removeprefix("Value error, ")
                hint = ""
                if error["type"] in ("enum", "literal_error"):
                    choices: dict[str, list[str]] = {
                        "latency": [x.value for x in Latency],
                        "service_tier": list(TIERS),
                        "options": [x.value for x in Option],
                    }
                    hint = suggest(str(error["input"]), choices.get(column, []))
                    text = f"{str(error['input'])[:40]!r} is not one of the choices; {text}"
                if detail:
                    text = f"item {detail}: {text}"
                if column == "model" and not combo[0]:
                    text = "expected a model id, the cell is empty"
                found.add(table.problem(first, column, text, hint))
