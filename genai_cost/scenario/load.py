"""Reading scenario files: YAML with positions, validated into models, with file:line errors.

A scenario is checked here on its own (types, ranges, cross-field rules); whether its model
ids, regions and instance types exist is a question for the pricing catalog
(catalog/validation.py).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from genai_cost.errors import Problem, ScenarioError
from genai_cost.modelfile import loc_text, problem_from_error, suggest
from genai_cost.scenario.models import Scenario
from genai_cost.scenario.table import (
    TableWorkloads,
    WorkloadTable,
    split_workloads,
    workload_names,
)
from genai_cost.yamlsource import YamlDocument, load_yaml_bytes, read_file_bytes


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with where it came from."""

    scenario: Scenario
    path: str
    sha256: str
    document: YamlDocument
    table: WorkloadTable | None = None
    """The scenario's workloads table, read: its rows are the workloads after the YAML ones."""
    yaml_workloads: int = -1
    """How many of the scenario's workloads the YAML file lists (the rest are the table's);
    -1 until set in __post_init__."""

    def __post_init__(self) -> None:
        if self.yaml_workloads < 0:
            object.__setattr__(self, "yaml_workloads", len(self.scenario.workloads))

    def workload_where(self, index: int) -> str:
        """`file:line` of a YAML workload, or `table: row N` of a table's."""
        if index >= self.yaml_workloads and self.table is not None:
            return f"{self.table.path}: {self.table.where(index - self.yaml_workloads)}"
        line, _ = self.document.position(("workloads", index))
        return f"{self.path}:{line}" if line else self.path


def parse_scenario(doc: YamlDocument) -> Scenario:
    """Validate loaded YAML against the scenario model; problems carry file positions. The
    names a scenario with a `workloads_table` refers to are checked once its rows are read
    (`load_scenario`)."""
    if not isinstance(doc.data, dict):
        kind = type(doc.data).__name__
        raise ScenarioError(
            [
                Problem(
                    f"expected a mapping with 'name' and 'workloads', got a {kind}",
                    path=doc.path,
                    line=1,
                    column=1,
                )
            ]
        )
    try:
        scenario = Scenario.model_validate(doc.data)
    except ValidationError as exc:
        problems = [problem_from_error(doc, e, Scenario) for e in exc.errors()]
        raise ScenarioError(problems[:20]) from None
    if scenario.workloads_table is not None:
        return scenario
    problems = reference_problems(scenario, doc)
    if problems:
        raise ScenarioError(problems[:20])
    return scenario


def read_scenario_table(scenario: Scenario, doc: YamlDocument, folder: Path) -> WorkloadTable:
    """The scenario's `workloads_table`, read from inside its folder."""
    from genai_cost.errors import UnsafePathError
    from genai_cost.paths import contained
    from genai_cost.scenario.table import read_table

    link = scenario.workloads_table
    assert link is not None
    try:
        path = contained(folder, link.path, what=f"workloads_table.path {link.path!r}")
    except UnsafePathError as exc:
        raise _table_path_error(doc, str(exc)) from None
    shown = str(Path(doc.path).parent / link.path)
    if not path.is_file():
        raise _table_path_error(doc, f"no such file: {shown}")
    return read_table(path, label=shown, columns=link.columns, tags=link.tags)


def _table_path_error(doc: YamlDocument, message: str) -> ScenarioError:
    """A scenario's workloads table that cannot be read from its path (not there, or not
    inside the folder), at its `workloads_table` line."""
    line, column = doc.position(("workloads_table",))
    return ScenarioError(
        [
            Problem(
                message,
                path=doc.path,
                line=line,
                column=column,
                field_path="workloads_table.path",
                hint="the path is relative to the scenario file's folder",
            )
        ]
    )


def with_table(scenario: Scenario, table: WorkloadTable) -> Scenario:
    """The scenario with the table's rows after its own workloads; a name used in both is
    an error naming the row."""
    own = {w.name for w in scenario.workloads}
    names = table.text["name"]
    for row, name in enumerate(names.tolist()):
        if name in own:
            raise ScenarioError(
                [table.problem(row, "name", f"workload name {name!r} is also in the scenario")]
            )
    # the rows' workloads are made when something asks for them (pricing and the columnar
    # reports read the table's columns)
    return scenario.model_copy(update={"workloads": TableWorkloads(scenario.workloads, table)})


TOKEN_ONLY_WHAT = {
    "customization": "a customization path",
    "shared_endpoints": "a shared endpoint",
    "imported_models": "an imported model",
    "uncertainty": "an uncertain token count",
}
"""References that change a workload's tokens or model: not to a kind billed per unit."""


LISTED_NAMES = 20
"""Workload names a "no workload named" hint lists (a table may hold 100,000)."""


def reference_problems(scenario: Scenario, doc: YamlDocument) -> list[Problem]:
    """Every workload name the scenario refers to (customization, benefits, uncertainty,
    training jobs, shared endpoints, services) names one of its workloads."""
    problems: list[Problem] = []
    lists: list[tuple[tuple[str | int, ...], list[str] | None]] = []
    if scenario.customization is not None:
        lists.append((("customization", "workloads"), scenario.customization.workloads))
    if scenario.roi is not None:
        lists += [
            (("roi", "benefits", i, "workloads"), b.workloads)
            for i, b in enumerate(scenario.roi.benefits)
        ]
    lists += [
        (("training_jobs", i, "workloads"), j.workloads)
        for i, j in enumerate(scenario.training_jobs)
    ]
    lists += [
        (("shared_endpoints", i, "workloads"), e.workloads)
        for i, e in enumerate(scenario.shared_endpoints)
    ]
    lists += [
        (("imported_models", i, "workloads"), m.workloads)
        for i, m in enumerate(scenario.imported_models)
    ]
    if scenario.supporting_services is not None:
        lists.append((("supporting_services", "workloads"), scenario.supporting_services.workloads))
    if scenario.infrastructure is not None:
        lists += [
            (("infrastructure", "resources", address, "workload"), [use.workload])
            for address, use in scenario.infrastructure.resources.items()
            if use.workload is not None
        ]
    refs: list[tuple[tuple[str | int, ...], str]] = [
        ((*loc, k), name) for loc, given in lists for k, name in enumerate(given or [])
    ]
    refs += [
        (("uncertainty", i, "workload"), u.workload)
        for i, u in enumerate(scenario.uncertainty)
        if u.workload is not None
    ]
    if not refs:  # nothing to look up (a portfolio of 100,000 workloads often)
        return problems
    names = workload_names(scenario.workloads)
    known = set(names)
    # a table's rows are text workloads (its columns describe nothing else): only the
    # scenario's own workloads are read for their kind
    kinds = {w.name: w.kind for w in split_workloads(scenario.workloads)[0]}
    token_only = ("customization", "shared_endpoints", "imported_models")
    for loc, name in refs:
        token_input = loc[0] == "uncertainty" and str(
            scenario.uncertainty[int(loc[1])].input
        ).startswith("tokens_per_request.")
        if kinds.get(name, "text") != "text" and (loc[0] in token_only or token_input):
            line, column = doc.position(loc)
            problems.append(
                Problem(
                    f"{name!r} is billed per "
                    f"{'query' if kinds[name] == 'rerank' else 'image'} (kind {kinds[name]}); "
                    f"{TOKEN_ONLY_WHAT[str(loc[0])]} applies only to text workloads",
                    path=doc.path,
                    line=line,
                    column=column,
                    field_path=loc_text(loc),
                    hint="list only text workloads here",
                )
            )
        if name not in known:
            line, column = doc.position(loc)
            problems.append(
                Problem(
                    f"no workload named {name!r}",
                    path=doc.path,
                    line=line,
                    column=column,
                    field_path=loc_text(loc),
                    hint=suggest(name, names)
                    or (
                        "the scenario has no workloads"
                        if not names
                        else "workloads: "
                        + ", ".join(map(repr, names[:LISTED_NAMES]))
                        + (
                            f" and {len(names) - LISTED_NAMES:,} more"
                            if len(names) > LISTED_NAMES
                            else ""
                        )
                    ),
                )
            )
    return problems


Beside = Callable[[str], bytes | None]
"""Reads a file named relative to a scenario's folder where the scenario came from (a git
revision): its bytes, or None when there is no such file."""


def load_scenario(
    path: str | Path,
    *,
    name: str | None = None,
    content: bytes | None = None,
    folder: Path | None = None,
    beside: Beside | None = None,
) -> LoadedScenario:
    """Load, parse and validate one scenario file.

    `name` replaces the path in messages and reports; `content` is the file's bytes when they
    are already in memory (a blob read from git: nothing is written to disk). A
    `workloads_table` is read with `beside` when given (from the same revision), else from
    `folder` (default: the file's folder; in-memory content needs one or the other).
    """
    label = name or str(path)
    raw = content if content is not None else read_file_bytes(Path(path), name, error=ScenarioError)
    doc = load_yaml_bytes(raw, label)
    scenario = parse_scenario(doc)
    link = scenario.workloads_table
    if link is None:
        return LoadedScenario(scenario, label, hashlib.sha256(raw).hexdigest(), doc)
    digest = hashlib.sha256(raw)
    if beside is not None:
        blob = beside(link.path)
        if blob is None:
            raise _table_path_error(doc, f"no such file at that revision: {link.path}")
        from genai_cost.scenario.table import read_table

        shown = str(Path(doc.path).parent / link.path)
        table = read_table(
            Path(link.path), label=shown, columns=link.columns, tags=link.tags, content=blob
        )
        digest.update(hashlib.sha256(blob).digest())
    elif content is not None and folder is None:
        raise ScenarioError(
            [
                Problem(
                    "a scenario given as text cannot name a workloads_table (no folder to "
                    "read it from)",
                    path=label,
                    field_path="workloads_table",
                )
            ]
        )
    else:
        table = read_scenario_table(scenario, doc, folder or Path(path).parent)
        with open(table.file, "rb") as handle:  # the table is an input too
            digest.update(hashlib.file_digest(handle, "sha256").digest())
    yaml_count = len(scenario.workloads)
    scenario = with_table(scenario, table)
    problems = reference_problems(scenario, doc)
    if problems:
        raise ScenarioError(problems[:20])
    return LoadedScenario(scenario, label, digest.hexdigest(), doc, table, yaml_count)


def table_scenario(
    path: Path,
    *,
    region: str | None = None,
    columns: dict[str, str] | None = None,
    tags: list[str] | None = None,
) -> LoadedScenario:
    """A workloads table on its own (`estimate --workloads FILE`) as a scenario named after
    the file: the scenario a file with only `workloads_table:` would be (`region` the default
    of rows without one; the scenario default when not given)."""
    import yaml

    data: dict[str, object] = {
        "name": path.stem or path.name,
        "workloads_table": {"path": path.name, "columns": columns or {}, "tags": tags or []},
    }
    if region is not None:
        data["region"] = region
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    return load_scenario(path, name=str(path), content=text.encode("utf-8"), folder=path.parent)


SCENARIO_SUFFIXES = (".yaml", ".yml")


SCENARIO_KEYS = re.compile(
    r"^(workloads|workloads_table|training_jobs|shared_endpoints|imported_models|"
    r"supporting_services|infrastructure)\s*:",
    re.MULTILINE,
)
"""A top-level key only a scenario has (price books, budgets and profiles files have none)."""


def looks_like_scenario(path: Path) -> bool:
    """Whether a YAML file found in a folder is a scenario (read as text, not parsed)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(MAX_SNIFF_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return True  # let loading report it
    return SCENARIO_KEYS.search(head) is not None


MAX_SNIFF_BYTES = 1 << 20


def expand_paths(paths: Iterable[str | Path], skipped: list[Path] | None = None) -> list[Path]:
    """Files as given; folders expanded to their *.yaml / *.yml scenario files, sorted. Other
    YAML files in a folder (a price book, a budgets file) are left out and listed in
    `skipped`; a file named explicitly is always loaded (and must be a scenario)."""
    result: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p for p in path.iterdir() if p.suffix in SCENARIO_SUFFIXES and p.is_file()
            )
            scenarios = [p for p in found if looks_like_scenario(p)]
            if skipped is not None:
                skipped.extend(p for p in found if p not in scenarios)
            if not scenarios:
                raise ScenarioError(
                    [Problem("folder holds no .yaml or .yml scenario files", path=str(path))]
                )
            result.extend(scenarios)
        else:
            result.append(path)
    return result
