"""Benchmark (a): wall time of `genai-cost estimate` next to `python -c "import numpy"`.

Run: python -m benchmarks.startup [--runs N]. Prints medians; no assertion (figures only).

The package's bytecode is compiled first, as `pip install` does for an installed wheel: an
editable install run under PYTHONDONTWRITEBYTECODE=1 (these machines set it) would otherwise
compile every module from source on every run, which is not what a user's command costs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str], runs: int) -> float:
    samples = []
    env = {**os.environ, "GENAI_COST_TODAY": "2026-11-23"}
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


ONE_MODEL = """import numpy, typer, yaml
from pydantic import BaseModel
class M(BaseModel):
    x: int
"""
BREAKDOWN = r"""
import time, io, contextlib, json
t = [time.perf_counter()]
import numpy, pydantic, yaml, typer
t.append(time.perf_counter())
import genai_cost.cli, genai_cost.api
t.append(time.perf_counter())
from genai_cost.catalog.snapshot import load_catalog
catalog = load_catalog()
t.append(time.perf_counter())
from genai_cost.api import load_scenarios
load_scenarios(["scenarios/support-chatbot.yaml"], catalog)
t.append(time.perf_counter())
with contextlib.redirect_stdout(io.StringIO()):
    genai_cost.cli.main(["estimate", "scenarios/support-chatbot.yaml", "-f", "json"])
t.append(time.perf_counter())
print(json.dumps([b - a for a, b in zip(t, t[1:])]))
"""
STEPS = (
    "import numpy, pydantic, yaml, typer",
    "import genai_cost (cli, api, models)",
    "load the pricing snapshot",
    "load + validate the scenario",
    "CLI: parse arguments, price, render JSON",
)


def breakdown(runs: int) -> None:
    import json

    samples = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", BREAKDOWN], check=True, cwd=ROOT, capture_output=True, text=True
        ).stdout
        samples.append(json.loads(out))
    print("where the time goes (median, in-process):")
    for k, name in enumerate(STEPS):
        print(f"  {statistics.median(s[k] for s in samples) * 1000:7.1f} ms  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    python = sys.executable
    exe = shutil.which("genai-cost", path=str(Path(python).parent)) or "genai-cost"
    scenario = "scenarios/support-chatbot.yaml"
    import compileall

    compileall.compile_dir(ROOT / "genai_cost", quiet=1)  # as an installed wheel has it
    timed([python, "-c", "import numpy"], 2)  # warm the file cache
    rows = {
        'python -c "pass"': timed([python, "-c", "pass"], args.runs),
        'python -c "import numpy"': timed([python, "-c", "import numpy"], args.runs),
        "import numpy+pydantic+typer+yaml": timed(
            [python, "-c", "import numpy, pydantic, typer, yaml"], args.runs
        ),
        "the same + define one pydantic model": timed([python, "-c", ONE_MODEL], args.runs),
        f"genai-cost estimate {scenario} -f json": timed(
            [exe, "estimate", scenario, "-f", "json"], args.runs
        ),
        f"genai-cost estimate {scenario} (table)": timed([exe, "estimate", scenario], args.runs),
    }
    floor = rows['python -c "import numpy"']
    print(f"median of {args.runs} runs; ratio to `import numpy`")
    for name, seconds in rows.items():
        print(f"  {seconds * 1000:7.1f} ms  {seconds / floor:4.2f}x  {name}")
    breakdown(args.runs)


if __name__ == "__main__":
    main()
