"""The `genai-cost` command line: the app, its commands, and the one place exit codes are set.

Exit codes: 0 ok; 1 a check failed (threshold, budget); 2 bad input; 3 internal error.
Errors go to stderr; stdout carries only the requested output.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer

from genai_cost.cli.render import say
from genai_cost.errors import CheckFailed, GenaiCostError
from genai_cost.version import __version__

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED = 130
"""Ctrl-C (SIGINT): 128 + 2, as shells report a process ended by it."""
ISSUES_URL = "https://github.com/genai-cost/genai-cost/issues"


def _plain_help() -> None:
    """Help in the words of gh and git: `FILE...` rather than typer's `{FILE}...` and
    `<list[Path]>` (Python types mean nothing to users). Typer has no setting for this, so
    its display hooks are replaced; if a Typer release drops them, its own help remains."""
    core = typer.core
    names = {"str": "TEXT", "int": "N", "float": "NUMBER", "Path": "PATH", "bool": ""}

    def option_type(self: Any, ctx: Any) -> str | None:
        if self.metavar is not None:
            return str(self.metavar)
        bare = self.bare_type() if hasattr(self, "bare_type") else ""
        bare = bare[5:-1] if bare.startswith("list[") else bare
        if self.is_flag or bare == "bool":
            return None
        descriptor = getattr(self, "type_descriptor", None)
        if descriptor is not None and getattr(descriptor, "is_choice", False):
            return "|".join(str(getattr(c, "value", c)) for c in descriptor.choices or ())
        return names.get(bare, "VALUE")

    def usage_name(self: Any) -> str:
        name = str(self.display_name_raw)
        name = name if self.required else f"[{name}]"
        return name + ("..." if self.nargs != 1 and not name.endswith("...") else "")

    if hasattr(core, "TyperArgument") and hasattr(core.TyperArgument, "_usage_display_name"):
        setattr(core.TyperArgument, "display_type_rich", lambda self, ctx: None)  # noqa: B010
        setattr(core.TyperArgument, "_usage_display_name", usage_name)  # noqa: B010
    if hasattr(core, "TyperOption") and hasattr(core.TyperOption, "display_type_rich"):
        setattr(core.TyperOption, "display_type_rich", option_type)  # noqa: B010


_plain_help()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"genai-cost {__version__}")
        raise typer.Exit()


def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Cost estimation and ROI for generative-AI workloads on AWS."""


def _new_app() -> typer.Typer:
    new = typer.Typer(
        name="genai-cost",
        help="Cost estimation and ROI for generative-AI workloads on AWS.\n\n"
        "Exit codes: 0 ok, 1 a check failed, 2 bad input, 3 internal error.",
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    new.callback()(_main)
    return new


_COMMANDS: tuple[tuple[str, str], ...] = (
    ("estimate", "estimate"),
    ("checks", "diff"),
    ("checks", "check"),
    ("pricing", "models"),
    ("tracking", "allocate"),
    ("tracking", "calibrate"),
    ("tracking", "reconcile"),
    ("tracking", "variance"),
    ("decisions", "breakeven"),
    ("decisions", "mix"),
    ("decisions", "optimize"),
    ("decisions", "roi"),
    ("decisions", "regions"),
    ("infra", "infra"),
    ("estimate", "init"),
    ("estimate", "validate"),
    ("estimate", "schema"),
)
"""Each command as (module of genai_cost.cli, function), in the order of `--help`: a run
imports only the module of the command it runs."""
_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("pricing", "pricing", "pricing_app"),
    ("export", "tracking", "export_app"),
)
"""Each command group as (name, module, typer app)."""


def _load(module: str, name: str) -> Any:
    import importlib

    return getattr(importlib.import_module(f"genai_cost.cli.{module}"), name)


def _command(module: str, function: str, **settings: Any) -> Callable[[typer.Typer], object]:
    return lambda target: target.command(**settings)(_load(module, function))


def _group(module: str, attribute: str) -> Callable[[typer.Typer], object]:
    return lambda target: target.add_typer(_load(module, attribute))


_ADD: dict[str, Callable[[typer.Typer], object]] = {
    **{f.replace("_", "-"): _command(m, f) for m, f in _COMMANDS},
    "advise": _command(
        "decisions", "optimize", name="advise", help="Alias of optimize.", hidden=True
    ),
    **{name: _group(m, a) for name, m, a in _GROUPS},
}
"""Each command (or group) by name, with how to add it to an app (importing its module), in
the order of `--help`."""

_FULL: list[typer.Typer] = []


def full_app() -> typer.Typer:
    """The app with every command (help, completion, the CLI reference), built once."""
    if not _FULL:
        whole = _new_app()
        for add in _ADD.values():
            add(whole)
        _FULL.append(whole)
    return _FULL[0]


def __getattr__(name: str) -> Any:
    if name == "app":  # `genai_cost.cli.main.app`: the whole app, built on first use
        return full_app()
    raise AttributeError(name)


def _app_for(args: list[str]) -> typer.Typer:
    """The app to run `args` with: one holding only the command named first, when there is
    one. Typer turns every registered command into click's objects on each run (reading
    each function's signature and type hints: about 50 ms for all of them), so a run
    builds only its own; help, completion and unknown names get the whole app."""
    if not args or args[0].startswith("-") or "_GENAI_COST_COMPLETE" in os.environ:
        return full_app()
    add = _ADD.get(args[0])
    if add is None:
        return full_app()
    one = _new_app()
    add(one)
    return one


def main(argv: list[str] | None = None) -> int:
    """Run the CLI with `argv` (without the program name); return the exit code."""
    args = sys.argv[1:] if argv is None else argv
    import gc

    from genai_cost.cli.ending import release

    release()
    import warnings

    # A run builds hundreds of thousands of small objects (YAML values, records) that live
    # until it ends; CPython's default collector thresholds (700 allocations) re-scan them
    # over and over, which made a 20,000-workload estimate take twice as long. Collect less
    # often, as mypy does for the same reason; cycles are still collected.
    gc.set_threshold(200_000, 30, 30)

    # An overflow or an empty slice inside NumPy yields inf or NaN, which the library checks and
    # reports as bad input; NumPy's own warning (with its source path) is not for users.
    # NumPy attributes array-operator warnings (`a @ b`) to the calling module, hence the
    # message filter too; every result is checked for finiteness before it is shown.
    warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"numpy(\..*)?$")
    warnings.filterwarnings(
        "ignore",
        r"(overflow|invalid value|divide by zero|underflow) encountered",
        category=RuntimeWarning,
    )
    stdout = sys.stdout
    try:
        # Standalone mode: the argument parser prints usage errors itself (exit code 2).
        _app_for(args)(args=args, prog_name="genai-cost", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return EXIT_OK
        if code == 1 and sys.stdout is not stdout:
            # typer turns a closed stdout (`| head`) into exit 1 after wrapping the stream
            # so later flushes stay quiet; the reader stopped reading: not a failed check
            return EXIT_OK
        if code == EXIT_INTERRUPTED:  # typer turns Ctrl-C into Exit(130)
            say("interrupted (nothing half-written: reports are written whole or not at all)")
        return code if isinstance(code, int) else EXIT_INTERNAL
    except CheckFailed as exc:
        say(f"check failed: {exc}")
        return EXIT_CHECK_FAILED
    except GenaiCostError as exc:
        from genai_cost.cli.options import flag
        from genai_cost.report.sanitize import plain

        for line in exc.render(flag).split("\n"):  # one problem a line; a CR in a name is not one
            say(f"error: {plain(line)}")
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:  # Ctrl-C outside typer's own handling
        say("interrupted (nothing half-written: reports are written whole or not at all)")
        return EXIT_INTERRUPTED
    except Exception as exc:  # the one broad catch: anything else is our bug
        say(
            f"internal error: {type(exc).__name__}: {exc}\n"
            f"This is a bug in genai-cost {__version__}; please report it at "
            f"{ISSUES_URL} with the command you ran."
        )
        if os.environ.get("GENAI_COST_DEBUG"):
            raise
        return EXIT_INTERNAL
    return EXIT_OK


def run() -> None:
    """Console-script entry point."""
    from genai_cost.cli.ending import console, end

    console()
    end(main())
