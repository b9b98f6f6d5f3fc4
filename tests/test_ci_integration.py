"""The CI integration end to end: a temporary git repository, a pull request whose change
raises cost past the threshold, the Action's script posting (then updating) one comment on a
fake GitHub API on loopback and failing the check — and the same for GitLab."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

from tests.conftest import FIXTURE_SNAPSHOT, ROOT

SCRIPT = ROOT / "scripts" / "genai_cost_ci.py"
SCENARIO = """\
name: app
workloads:
  - name: chat
    model: acme.chat-v1:0
    tokens_per_request: {{input: 11000, output: 4000}}
    traffic: {{requests_per_month: {requests}}}
    options: [on_demand]
"""


class FakeCodeHost(ThreadingHTTPServer):
    """Enough of the GitHub and GitLab REST APIs to list, create and update comments."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.comments: dict[int, str] = {i: f"unrelated comment {i}" for i in range(1, 151)}
        self.requests: list[tuple[str, str, dict[str, str]]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeCodeHost

    def log_message(self, *args: Any) -> None:
        pass

    def _reply(self, status: int, payload: Any) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _record(self) -> dict[str, Any]:
        self.server.requests.append((self.command, self.path, dict(self.headers)))
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length)) if length else {}

    def _known(self) -> bool:
        """Only the repository o/r and the project group/project exist."""
        known = self.path.startswith(("/repos/o/r/", "/api/v4/projects/group%2Fproject/"))
        if not known:
            self._reply(404, {"message": "Not Found"})
        return known

    def do_GET(self) -> None:
        self._record()
        if not self._known():
            return
        url = urlparse(self.path)
        query = parse_qs(url.query)
        page, per_page = int(query["page"][0]), int(query["per_page"][0])
        items = [{"id": i, "body": b} for i, b in sorted(self.server.comments.items())]
        if url.path.endswith(("/issues/7/comments", "/merge_requests/7/notes")):
            self._reply(200, items[(page - 1) * per_page : page * per_page])
        else:
            self._reply(404, {"message": "Not Found"})

    def do_POST(self) -> None:
        body = self._record()
        if not self._known():
            return
        new_id = max(self.server.comments) + 1
        self.server.comments[new_id] = body["body"]
        self._reply(201, {"id": new_id, "body": body["body"]})

    def _update(self) -> None:
        body = self._record()
        if not self._known():
            return
        comment_id = int(self.path.rsplit("/", 1)[1])
        self.server.comments[comment_id] = body["body"]
        self._reply(200, {"id": comment_id, "body": body["body"]})

    do_PATCH = _update
    do_PUT = _update


@pytest.fixture
def host() -> Iterator[FakeCodeHost]:
    server = FakeCodeHost()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, str]:
    repo = tmp_path / "repo"
    (repo / "scenarios").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "ci@example.com")
    git(repo, "config", "user.name", "CI")
    (repo / "scenarios" / "app.yaml").write_text(SCENARIO.format(requests=1000))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "scenarios" / "app.yaml").write_text(SCENARIO.format(requests=2000))
    git(repo, "commit", "-q", "-am", "double the traffic")
    return repo, base


def run_script(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "GITLAB_", "CI_", "GENAI_COST_"))
    }
    full = {
        **base_env,
        "GENAI_COST_COMMAND": f"{sys.executable} -m genai_cost",
        "GENAI_COST_SNAPSHOT": str(FIXTURE_SNAPSHOT),
        "GENAI_COST_TODAY": "2026-01-15",
        "GENAI_COST_OUTPUT_DIR": str(repo.parent),
        **env,
    }
    return subprocess.run(
        [sys.executable, str(SCRIPT)],
        cwd=repo,
        env=full,
        text=True,
        capture_output=True,
        check=False,
    )


def github_env(repo: Path, host: FakeCodeHost, base: str) -> dict[str, str]:
    event = repo.parent / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7, "base": {"sha": base}}}))
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_API_URL": host.url,
        "GITHUB_REPOSITORY": "o/r",
        "GITHUB_TOKEN": "t0ken",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_OUTPUT": str(repo.parent / "outputs"),
        "GITHUB_STEP_SUMMARY": str(repo.parent / "summary.md"),
        "GENAI_COST_FAIL_ON_INCREASE": "10%",
    }


def marked(host: FakeCodeHost) -> list[str]:
    return [b for b in host.comments.values() if "<!-- genai-cost diff -->" in b]


def test_github_pull_request_comment_and_failing_check(
    repo: tuple[Path, str], host: FakeCodeHost
) -> None:
    path, base = repo
    env = github_env(path, host, base)
    first = run_script(path, env)
    # $184 -> $368 a month (+100 %) breaks --fail-on-increase 10%: the check fails
    assert first.returncode == 1, first.stderr
    assert "comment created" in first.stderr
    [body] = marked(host)
    assert "fails --fail-on-increase 10%" in body
    assert "+$184.00 (+100.0%)" in body
    assert all(h.get("Authorization") == "Bearer t0ken" for _, _, h in host.requests)
    # both comment pages were read before creating (150 unrelated comments)
    assert [m for m, p, _ in host.requests].count("GET") == 2
    outputs = (path.parent / "outputs").read_text()
    assert "verdict=fail" in outputs and "monthly-change-usd=184.0" in outputs
    assert "genai-cost" in (path.parent / "summary.md").read_text()

    # the author halves the traffic again: same comment updated, check passes
    (path / "scenarios" / "app.yaml").write_text(SCENARIO.format(requests=1000))
    git(path, "commit", "-q", "-am", "back to 1,000 requests")
    host.requests.clear()
    second = run_script(path, env)
    assert second.returncode == 0, second.stderr
    assert "comment updated" in second.stderr
    [body] = marked(host)
    assert "no cost change" in body
    assert [m for m, _, _ in host.requests].count("PATCH") == 1
    assert [m for m, _, _ in host.requests].count("POST") == 0


def test_gitlab_merge_request_note(repo: tuple[Path, str], host: FakeCodeHost) -> None:
    path, base = repo
    env = {
        "GITLAB_CI": "true",
        "CI_API_V4_URL": f"{host.url}/api/v4",
        "CI_PROJECT_ID": "group/project",
        "CI_MERGE_REQUEST_IID": "7",
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": base,
        "GITLAB_TOKEN": "gl-t0ken",
        "GENAI_COST_FAIL_ABOVE": "300",
    }
    result = run_script(path, env)
    assert result.returncode == 1, result.stderr  # head $368 > $300
    assert len(marked(host)) == 1
    assert all(h.get("Private-Token") == "gl-t0ken" for _, _, h in host.requests)
    assert any("/projects/group%2Fproject/merge_requests/7/notes" in p for _, p, _ in host.requests)


def test_broken_scenario_fails_without_commenting(
    repo: tuple[Path, str], host: FakeCodeHost
) -> None:
    path, base = repo
    (path / "scenarios" / "app.yaml").write_text("name: [unclosed\n")
    result = run_script(path, github_env(path, host, base))
    assert result.returncode == 2
    assert "no comment posted" in result.stderr
    assert marked(host) == []


def test_api_failure_is_reported(repo: tuple[Path, str], host: FakeCodeHost) -> None:
    path, base = repo
    env = {**github_env(path, host, base), "GITHUB_REPOSITORY": "o/missing"}
    result = run_script(path, env)
    assert result.returncode == 2
    assert "could not post the comment" in result.stderr and "HTTP 404" in result.stderr


def test_outside_ci_needs_a_base(repo: tuple[Path, str]) -> None:
    path, _base = repo
    assert run_script(path, {}).returncode == 2
    result = run_script(path, {"GENAI_COST_BASE_REF": "main", "GENAI_COST_FAIL_ABOVE": "1000"})
    assert result.returncode == 0, result.stderr
    assert (path.parent / "genai-cost-diff.md").exists()


@pytest.mark.parametrize(
    "file,schema",
    [("action.yml", "vendor.github-actions"), ("docs/examples/gitlab-ci.yml", "vendor.gitlab-ci")],
)
def test_ci_files_match_their_schemas(file: str, schema: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(ROOT / file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_action_runs_the_script_with_every_input() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    step = action["runs"]["steps"][-1]
    assert step["run"] == 'python "${{ github.action_path }}/scripts/genai_cost_ci.py"'
    mapped = {
        v.removeprefix("${{ inputs.").removesuffix(" }}")
        for v in step["env"].values()
        if v.startswith("${{ inputs.")
    }
    assert mapped == set(action["inputs"]) - {"python-version"}


def test_pre_commit_hooks_use_real_commands(cli: Any) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    for hook in hooks:
        command = hook["entry"].split()
        assert command[0] == "genai-cost"
        assert cli(command[1], "--help").code == 0


def test_the_terraform_flow_adds_the_plan_to_the_comment(
    repo: tuple[Path, str], host: FakeCodeHost
) -> None:
    """`infrastructure` (GENAI_COST_INFRASTRUCTURE): the plan the workflow wrote is priced by
    `genai-cost infra` and added to the same comment as the scenarios' diff."""
    from tests.conftest import ROOT

    path, base = repo
    env = github_env(path, host, base)
    env["GENAI_COST_INFRASTRUCTURE"] = str(ROOT / "tests/fixtures/infra/plan.json")
    result = run_script(path, env)
    assert result.returncode == 1, result.stderr  # the scenarios' threshold still decides
    [body] = marked(host)
    assert body.index("<!-- genai-cost diff -->") < body.index("<!-- genai-cost infra -->")
    # the test snapshot prices none of the plan's SageMaker types: a lower bound, said so
    assert "incomplete: at least that" in body
    assert "AllTraffic.instance_type ml.g5.2xlarge → ml.g6e.xlarge" in body
