"""Loading a pricing snapshot folder (manifest + CSV tables) into a validated `Catalog`.

A snapshot is selected, in order of precedence, by an explicit id or path (`--snapshot`), the
`GENAI_COST_SNAPSHOT` environment variable, or the newest snapshot bundled with the package.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import os
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from genai_cost.catalog.columns import OPTIONAL_COLUMNS, PARSERS, ROW_TYPES, nonempty, parse_date
from genai_cost.catalog.tables import (
    BedrockModel,
    CustomizationPrice,
    InstancePrice,
    InstanceType,
    OnDemandPrice,
    PriceConflict,
    ProvisionedPrice,
    Region,
    ServiceLimit,
    ServicePrice,
    Source,
    ThroughputBenchmark,
    UnitPrice,
    ec2_name,
)
from genai_cost.errors import ManifestError, SnapshotError
from genai_cost.yamlsource import load_yaml_file

SNAPSHOT_ENV = "GENAI_COST_SNAPSHOT"

TABLE_FILES = {
    "regions": "regions.csv",
    "bedrock_models": "bedrock_models.csv",
    "bedrock_on_demand": "bedrock_on_demand.csv",
    "bedrock_provisioned": "bedrock_provisioned.csv",
    "instance_types": "instance_types.csv",
    "instance_prices": "instance_prices.csv",
    "self_hosted_throughput": "self_hosted_throughput.csv",
    "service_prices": "service_prices.csv",
    "service_limits": "service_limits.csv",
    "bedrock_customization": "bedrock_customization.csv",
    "price_conflicts": "price_conflicts.csv",
    "bedrock_unit_prices": "bedrock_unit_prices.csv",
}
OPTIONAL_TABLES = (
    "service_prices",
    "service_limits",
    "bedrock_customization",
    "price_conflicts",
    "bedrock_unit_prices",
)
"""Tables a snapshot may leave out (their prices are then reported as not available)."""


def bundled_snapshots_dir() -> Path:
    """Where the bundled snapshots live: inside the installed package, or the source tree."""
    packaged = Path(__file__).resolve().parent.parent / "pricing_snapshots"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "pricing_snapshots"


def bundled_snapshot_ids() -> list[str]:
    root = bundled_snapshots_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "manifest.yaml").is_file())


@dataclass
class Catalog:
    """Every table of one snapshot, indexed for lookups."""

    snapshot_id: str
    as_of: dt.date
    currency: str
    path: Path
    sources: dict[str, Source]
    regions: dict[str, Region]
    models: dict[str, BedrockModel]
    on_demand: dict[str, list[OnDemandPrice]]
    provisioned: dict[str, list[ProvisionedPrice]]
    instance_types: dict[str, InstanceType]
    instance_prices: dict[tuple[str, str, str, str], list[InstancePrice]]
    throughput: dict[str, list[ThroughputBenchmark]]
    service_prices: dict[tuple[str, str], list[ServicePrice]] = field(default_factory=dict)
    service_limits: dict[tuple[str, str], ServiceLimit] = field(default_factory=dict)
    customization: dict[str, list[CustomizationPrice]] = field(default_factory=dict)
    unit_prices: dict[str, list[UnitPrice]] = field(default_factory=dict)
    """Per-unit prices (images, rerank queries) by model id."""
    conflicts: list[PriceConflict] = field(default_factory=list)
    """Disagreements between sources and how they were resolved (price_conflicts.csv)."""
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    def age_days(self, today: dt.date) -> int:
        return (today - self.as_of).days

    def origin(self, source: str) -> str:
        """Where a row whose source is `source` came from, when not the snapshot itself:
        "price book NAME (read from FILE)" for a price book's own rows, else ""."""
        info = self.sources.get(source)
        if info is None or not source.startswith("pricebook:"):
            return ""
        return f"{info.title.split(':')[0]}" + (f" ({info.notes})" if info.notes else "")


def _read_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a snapshot table; a row with more or fewer cells than the header has (an
    unquoted comma in a note, say) is an error naming its line."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            width = len(reader.fieldnames or [])
            for row in reader:
                if None in row or None in row.values():
                    cells = (
                        width + len(row.get(None) or [])
                        if None in row
                        else sum(v is not None for v in row.values())
                    )
                    raise SnapshotError(
                        f"{path}:{reader.line_num}: {cells} cells for {width} columns (quote a "
                        "cell that holds a comma)"
                    )
                yield reader.line_num, row
    except FileNotFoundError:
        raise SnapshotError(f"{path}: table file missing") from None
    except UnicodeDecodeError:
        raise SnapshotError(f"{path}: not valid UTF-8") from None
    except csv.Error as exc:
        raise SnapshotError(f"{path}: not a readable CSV table: {exc}") from None


def _load_rows(directory: Path, table: str, sources: dict[str, Source]) -> list[Any]:
    path = directory / TABLE_FILES[table]
    if table in OPTIONAL_TABLES and not path.exists():
        return []
    parsers = PARSERS[table]
    row_type = ROW_TYPES[table]
    names = {f.name for f in fields(row_type)}
    rows = []
    defaults = OPTIONAL_COLUMNS.get(table, {})
    for line, raw in _read_csv(path):
        for column, default in defaults.items():
            raw.setdefault(column, default)
        missing = [c for c in parsers if c not in raw]
        if missing:
            raise SnapshotError(f"{path}: missing column(s) {', '.join(missing)}")
        values = {}
        for column, parse in parsers.items():
            values[column] = parse(raw[column] or "", f"{path}:{line}: column {column}")
        for key in ("source", "max_input_tokens_source"):
            if key in values and values[key] and values[key] not in sources:
                raise SnapshotError(
                    f"{path}:{line}: {key} {values[key]!r} is not defined in manifest.yaml"
                )
        if values.get("max_input_tokens") is not None and not values["max_input_tokens_source"]:
            raise SnapshotError(f"{path}:{line}: max_input_tokens needs a max_input_tokens_source")
        rows.append(row_type(**{k: v for k, v in values.items() if k in names}))
    return rows


def _load_sources(manifest: dict[str, Any], where: str) -> dict[str, Source]:
    raw = manifest.get("sources")
    if not isinstance(raw, dict) or not raw:
        raise SnapshotError(f"{where}: 'sources' must map source keys to their descriptions")
    sources = {}
    for key, entry in raw.items():
        if not isinstance(entry, dict) or "title" not in entry or "as_of" not in entry:
            raise SnapshotError(f"{where}: source {key!r} needs at least 'title' and 'as_of'")
        sources[str(key)] = Source(
            key=str(key),
            title=str(entry["title"]),
            reference=str(entry.get("reference", "")),
            as_of=parse_date(str(entry["as_of"]), f"{where}: source {key}"),
            notes=str(entry.get("notes", "")),
        )
    return sources


def _check_overlaps(rows: list[Any], key: Callable[[Any], tuple[Any, ...]], table: str) -> None:
    """Two rows for the same key must not be in effect on the same day."""
    groups: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    lowest, highest = dt.date.min, dt.date.max
    for group_key, group in groups.items():
        spans = sorted((r.effective_from or lowest, r.effective_until or highest) for r in group)
        for (_, end), (start, _) in itertools.pairwise(spans):
            if start <= end:
                raise SnapshotError(
                    f"{table}: two rows for {', '.join(map(str, group_key))} are in effect on "
                    f"the same day ({start}); give them non-overlapping effective dates"
                )


def replaced_path(target: Path) -> Path:
    """Where `pricing refresh --force` keeps the old snapshot while it swaps in the new one."""
    return target.with_name(f".{target.name}.replaced")


def recover_replaced(target: Path) -> None:
    """Finish or undo a `--force` swap that was killed between its two renames: the old
    snapshot comes back when the new one never landed; a leftover backup is removed when it
    did."""
    backup = replaced_path(target)
    if not backup.is_dir() or backup.is_symlink():
        return
    try:
        if target.exists() or target.is_symlink():
            import shutil

            shutil.rmtree(backup, ignore_errors=True)
        else:
            backup.rename(target)
    except OSError as exc:
        raise SnapshotError(
            f"{target}: an interrupted refresh left the previous snapshot in {backup} and it "
            f"cannot be moved back ({exc.strerror or exc}); rename it to {target.name}"
        ) from None


def _resolve_directory(snapshot: str | Path | None) -> Path:
    choice: str | Path | None = snapshot
    if choice is None or str(choice) == "":
        choice = os.environ.get(SNAPSHOT_ENV) or None
    if choice is None:
        ids = bundled_snapshot_ids()
        if not ids:
            raise SnapshotError(
                f"no bundled pricing snapshot found in {bundled_snapshots_dir()}; "
                "reinstall genai-cost or pass «snapshot» PATH"
            )
        return bundled_snapshots_dir() / ids[-1]
    candidate = Path(choice)
    recover_replaced(candidate)
    if candidate.is_dir():
        return candidate
    bundled = bundled_snapshots_dir() / str(choice)
    if bundled.is_dir():
        return bundled
    ids = bundled_snapshot_ids()
    raise SnapshotError(
        f"pricing snapshot {str(choice)!r} not found: not a folder, nor a bundled snapshot id "
        f"(bundled: {', '.join(ids) or 'none'})"
    )


def available_snapshot(snapshot: str | Path) -> bool:
    """Whether `snapshot` (an id or a folder) can be loaded here."""
    candidate = Path(snapshot)
    return (candidate / "manifest.yaml").is_file() or str(snapshot) in bundled_snapshot_ids()


_CATALOG_CACHE: dict[Path, Catalog] = {}


CACHE_ENV = "GENAI_COST_CACHE_DIR"
NO_CACHE_ENV = "GENAI_COST_NO_CACHE"
CACHE_FORMAT = 2
"""Bumped whenever the parsed form changes; with the package version it is part of the key."""


def _cache_dir() -> Path | None:
    """Where parsed snapshots are kept ($GENAI_COST_CACHE_DIR, else the user cache folder);
    None when caching is off ($GENAI_COST_NO_CACHE=1)."""
    if os.environ.get(NO_CACHE_ENV):
        return None
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "genai-cost"


def _content_key(directory: Path) -> str:
    """The SHA-256 of everything a parsed snapshot depends on: the cache format, the package
    version and every file of the folder (names and bytes)."""
    import hashlib

    from genai_cost.version import __version__

    digest = hashlib.sha256(f"{CACHE_FORMAT}:{__version__}".encode())
    # the parsed form's shape: a field added to Catalog (or a row type) is a new key, even
    # when nobody remembers to bump CACHE_FORMAT
    for row_type in (Catalog, *ROW_TYPES.values()):
        digest.update(",".join(f.name for f in fields(row_type)).encode() + b"\0")
    for file in sorted(directory.iterdir()):
        if file.is_file() and file.suffix in (".csv", ".yaml"):
            digest.update(file.name.encode() + b"\0")
            digest.update(file.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def _from_disk_cache(directory: Path) -> tuple[Catalog | None, str | None, Path | None]:
    """The parsed snapshot from the cache when its stored key equals the folder's content
    hash (anything else — missing, stale, unreadable, another key — is ignored)."""
    folder = _cache_dir()
    if folder is None:
        return None, None, None
    try:
        key = _content_key(directory)
    except OSError:
        return None, None, None
    file = folder / f"catalog-{key}.pickle"
    try:
        import pickle

        stored_key, catalog = pickle.loads(file.read_bytes())
    except Exception:
        return None, key, file
    if stored_key != key or not isinstance(catalog, Catalog):
        return None, key, file
    catalog.path = directory
    return catalog, key, file


def _to_disk_cache(catalog: Catalog, key: str | None, file: Path | None) -> None:
    """Keep the parsed snapshot for the next run (best effort: a read-only or full disk only
    means the next run parses the CSV files again)."""
    if key is None or file is None:
        return
    try:
        import pickle
        import tempfile

        file.parent.mkdir(parents=True, exist_ok=True)
        memo, catalog._cache = catalog._cache, {}
        try:
            data = pickle.dumps((key, catalog), protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            catalog._cache = memo
        with tempfile.NamedTemporaryFile(dir=file.parent, delete=False, suffix=".tmp") as out:
            out.write(data)
        os.replace(out.name, file)
    except Exception:
        return


def load_catalog(snapshot: str | Path | None = None) -> Catalog:
    """Load and validate a snapshot; `snapshot` is an id, a folder path, or None for the default.

    A parsed snapshot is kept in the user cache folder under the SHA-256 of the folder's
    files (see `_content_key`), so later runs skip parsing and validating the CSV files; the
    cache is used only when that hash matches, and is safe to delete."""
    directory = _resolve_directory(snapshot).resolve()
    cached = _CATALOG_CACHE.get(directory)
    if cached is not None:
        return cached
    from_disk, key, file = _from_disk_cache(directory)
    if from_disk is not None:
        _CATALOG_CACHE[directory] = from_disk
        return from_disk
    catalog = _parse_catalog(directory)
    _to_disk_cache(catalog, key, file)
    return catalog


def model_names(snapshot: str | Path | None = None) -> list[tuple[str, list[str]]]:
    """(model id, [its name, its Price List name]) of a snapshot's Bedrock models, read from
    its models table alone — for showing a bill's model names as model ids, where loading
    (and hashing) the whole snapshot would cost more than the names are worth."""
    directory = _resolve_directory(snapshot).resolve()
    return [
        (model_id, [raw.get("name") or "", raw.get("price_list_name") or ""])
        for _, raw in _read_csv(directory / TABLE_FILES["bedrock_models"])
        if (model_id := (raw.get("model_id") or "").strip())
    ]


def _parse_catalog(directory: Path) -> Catalog:
    """Read and validate every table of the snapshot folder."""
    manifest_path = directory / "manifest.yaml"
    if not manifest_path.is_file():
        raise SnapshotError(f"{directory}: no manifest.yaml; not a pricing snapshot")
    manifest = load_yaml_file(manifest_path, error=ManifestError).data
    if not isinstance(manifest, dict):
        raise SnapshotError(f"{manifest_path}: expected a mapping")
    where = str(manifest_path)
    for required in ("snapshot_id", "as_of", "currency", "sources"):
        if required not in manifest:
            raise SnapshotError(f"{where}: missing '{required}'")
    if manifest["currency"] != "USD":
        raise SnapshotError(f"{where}: only USD snapshots are supported")
    sources = _load_sources(manifest, where)

    regions: dict[str, Region] = {}
    for line, raw in _read_csv(directory / TABLE_FILES["regions"]):
        region = nonempty(raw.get("region") or "", f"regions.csv:{line}: region")
        regions[region] = Region(
            region=region,
            name=raw.get("name") or region,
            geography=nonempty(raw.get("geography") or "", f"regions.csv:{line}: geography"),
            geo_profiles=tuple((raw.get("geo_profiles") or "").split()),
        )

    models_list: list[BedrockModel] = _load_rows(directory, "bedrock_models", sources)
    models = {m.model_id: m for m in models_list}
    on_demand_rows: list[OnDemandPrice] = _load_rows(directory, "bedrock_on_demand", sources)
    provisioned_rows: list[ProvisionedPrice] = _load_rows(directory, "bedrock_provisioned", sources)
    types_list: list[InstanceType] = _load_rows(directory, "instance_types", sources)
    price_rows: list[InstancePrice] = _load_rows(directory, "instance_prices", sources)
    bench_rows: list[ThroughputBenchmark] = _load_rows(directory, "self_hosted_throughput", sources)

    for model_id, region in [(r.model_id, r.region) for r in on_demand_rows] + [
        (r.model_id, r.region) for r in provisioned_rows
    ]:
        if model_id not in models:
            raise SnapshotError(
                f"price row for unknown model {model_id!r}: add it to bedrock_models.csv"
            )
        if region != "*" and region not in regions:
            raise SnapshotError(
                f"price row for {model_id} names unknown region {region!r}: add it to regions.csv"
            )
    for od in on_demand_rows:
        window = models[od.model_id].max_input_tokens
        if (
            od.long_context_threshold_tokens is not None
            and window is not None
            and window <= od.long_context_threshold_tokens
        ):
            raise SnapshotError(
                f"{od.model_id}: max_input_tokens {window:g} is not above the long-context "
                f"threshold {od.long_context_threshold_tokens:g} its prices have"
            )
    instance_types = {t.instance_type: t for t in types_list}
    for p in price_rows:
        if ec2_name(p.instance_type) not in instance_types:
            raise SnapshotError(f"instance price for unknown instance type {p.instance_type!r}")
    _check_overlaps(
        on_demand_rows,
        lambda r: (r.model_id, r.scope, r.geography, r.region, r.tier),
        "bedrock_on_demand",
    )
    _check_overlaps(
        provisioned_rows,
        lambda r: (r.model_id, r.geography, r.region, r.term),
        "bedrock_provisioned",
    )
    _check_overlaps(
        price_rows, lambda r: (r.platform, r.instance_type, r.region, r.purchase), "instance_prices"
    )

    on_demand: dict[str, list[OnDemandPrice]] = defaultdict(list)
    for od in on_demand_rows:
        on_demand[od.model_id].append(od)
    provisioned: dict[str, list[ProvisionedPrice]] = defaultdict(list)
    for pt in provisioned_rows:
        provisioned[pt.model_id].append(pt)
    instance_prices: dict[tuple[str, str, str, str], list[InstancePrice]] = defaultdict(list)
    for ip in price_rows:
        instance_prices[(ip.platform, ip.instance_type, ip.region, ip.purchase)].append(ip)
    throughput: dict[str, list[ThroughputBenchmark]] = defaultdict(list)
    for b in bench_rows:
        throughput[b.model_id].append(b)
    service_prices: dict[tuple[str, str], list[ServicePrice]] = defaultdict(list)
    for sp in _load_rows(directory, "service_prices", sources):
        service_prices[(sp.service, sp.item)].append(sp)
    service_limits = {
        (sl.service, sl.item): sl for sl in _load_rows(directory, "service_limits", sources)
    }
    customization: dict[str, list[CustomizationPrice]] = defaultdict(list)
    for cp in _load_rows(directory, "bedrock_customization", sources):
        if cp.model_id not in models:
            raise SnapshotError(f"customization price for unknown model {cp.model_id!r}")
        customization[cp.model_id].append(cp)

    unit_rows: list[UnitPrice] = _load_rows(directory, "bedrock_unit_prices", sources)
    unit_prices: dict[str, list[UnitPrice]] = defaultdict(list)
    for up in unit_rows:
        if up.model_id not in models:
            raise SnapshotError(
                f"unit price for unknown model {up.model_id!r}: add it to bedrock_models.csv"
            )
        if up.region != "*" and up.region not in regions:
            raise SnapshotError(
                f"unit price for {up.model_id} names unknown region {up.region!r}: add it to "
                "regions.csv"
            )
        if models[up.model_id].kind != up.kind:
            raise SnapshotError(
                f"unit price for {up.model_id} has kind {up.kind}, but bedrock_models.csv "
                f"lists the model as {models[up.model_id].kind}"
            )
        unit_prices[up.model_id].append(up)
    _check_overlaps(
        unit_rows,
        lambda r: (r.model_id, r.variant, r.scope, r.geography, r.region),
        "bedrock_unit_prices",
    )

    catalog = Catalog(
        snapshot_id=str(manifest["snapshot_id"]),
        as_of=parse_date(str(manifest["as_of"]), f"{where}: as_of"),
        currency="USD",
        path=directory,
        sources=sources,
        regions=regions,
        models=models,
        on_demand=dict(on_demand),
        provisioned=dict(provisioned),
        instance_types=instance_types,
        instance_prices=dict(instance_prices),
        throughput=dict(throughput),
        service_prices=dict(service_prices),
        service_limits=service_limits,
        customization=dict(customization),
        unit_prices=dict(unit_prices),
        conflicts=_load_rows(directory, "price_conflicts", sources),
    )
    _CATALOG_CACHE[directory] = catalog
    return catalog
