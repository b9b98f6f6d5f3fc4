#!/usr/bin/env python3
"""Run `genai-cost diff` for a pull/merge request, post or update one comment, fail on breach.

Used by the composite GitHub Action (action.yml) and the documented GitLab CI job; standard
library only, so it runs wherever genai-cost is installed. Configuration comes from the
environment (the Action maps its inputs to these):

  GENAI_COST_PATHS              scenario files/folders, space-separated (default "scenarios")
  GENAI_COST_BASE_REF           git revision of the base (default: the PR/MR target commit)
  GENAI_COST_FAIL_ON_INCREASE   thresholds, space-separated, e.g. "10% workload:25%"
  GENAI_COST_FAIL_ABOVE         ... "500 workload:200"
  GENAI_COST_WARN_ON_INCREASE, GENAI_COST_WARN_ABOVE
  GENAI_COST_SNAPSHOT           pricing snapshot id or folder (optional)
  GENAI_COST_COMMENT            "true" (default) to post/update the comment, "false" not to
  GENAI_COST_COMMAND            how to run genai-cost (default "genai-cost")
  GENAI_COST_OUTPUT_DIR         where to write genai-cost-diff.md/.json (default ".")
  GENAI_COST_INFRASTRUCTURE     Terraform plan JSON (`terraform show -json plan.out`) or
                                CloudFormation/CDK templates the workflow produced,
                                space-separated: each priced by `genai-cost infra` and added to
                                the comment (optional)

GitHub (detected by GITHUB_ACTIONS): GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH
(the pull_request event), GITHUB_API_URL, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY.
GitLab (detected by GITLAB_CI): GITLAB_TOKEN (a project access token with `api` scope),
CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID, CI_MERGE_REQUEST_DIFF_BASE_SHA.

Exit code: the diff's own (0 within limits, 1 a limit breached, 2 bad input, 3 internal).
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

MARKER = "<!-- genai-cost diff -->"
PER_PAGE = 100


class ApiError(RuntimeError):
    pass


def _request(
    method: str, url: str, headers: dict[str, str], body: dict[str, Any] | None = None
) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={**headers, "Content-Type": "application/json", "User-Agent": "genai-cost-ci"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            payload = response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")[:300]
        raise ApiError(f"{method} {url}: HTTP {exc.code}: {detail}") from None
    except urllib.error.URLError as exc:
        raise ApiError(f"{method} {url}: {exc.reason}") from None
    return json.loads(payload) if payload else None


class GitHub:
    def __init__(self, env: dict[str, str]) -> None:
        self.api = env.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
        self.repo = env["GITHUB_REPOSITORY"]
        event = json.loads(Path(env["GITHUB_EVENT_PATH"]).read_text(encoding="utf-8"))
        pull = event.get("pull_request") or {}
        number = pull.get("number") or event.get("number")
        if not number:
            raise ApiError("not a pull_request event: no pull request number to comment on")
        self.number = int(number)
        self.base_sha = (pull.get("base") or {}).get("sha")
        self.headers = {
            "Authorization": f"Bearer {env['GITHUB_TOKEN']}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }

    def comments(self) -> list[dict[str, Any]]:
        found, page = [], 1
        while True:
            url = (
                f"{self.api}/repos/{self.repo}/issues/{self.number}/comments"
                f"?per_page={PER_PAGE}&page={page}"
            )
            batch = _request("GET", url, self.headers)
            found += batch
            if len(batch) < PER_PAGE:
                return found
            page += 1

    def create(self, body: str) -> None:
        _request(
            "POST",
            f"{self.api}/repos/{self.repo}/issues/{self.number}/comments",
            self.headers,
            {"body": body},
        )

    def update(self, comment: dict[str, Any], body: str) -> None:
        _request(
            "PATCH",
            f"{self.api}/repos/{self.repo}/issues/comments/{comment['id']}",
            self.headers,
            {"body": body},
        )


class GitLab:
    def __init__(self, env: dict[str, str]) -> None:
        self.api = env["CI_API_V4_URL"].rstrip("/")
        project = urllib.parse.quote(env["CI_PROJECT_ID"], safe="")
        iid = env.get("CI_MERGE_REQUEST_IID")
        if not iid:
            raise ApiError("not a merge request pipeline: CI_MERGE_REQUEST_IID is not set")
        self.base = f"{self.api}/projects/{project}/merge_requests/{iid}/notes"
        self.base_sha = env.get("CI_MERGE_REQUEST_DIFF_BASE_SHA")
        self.headers = {"PRIVATE-TOKEN": env["GITLAB_TOKEN"]}

    def comments(self) -> list[dict[str, Any]]:
        found, page = [], 1
        while True:
            batch = _request("GET", f"{self.base}?per_page={PER_PAGE}&page={page}", self.headers)
            found += batch
            if len(batch) < PER_PAGE:
                return found
            page += 1

    def create(self, body: str) -> None:
        _request("POST", self.base, self.headers, {"body": body})

    def update(self, comment: dict[str, Any], body: str) -> None:
        _request("PUT", f"{self.base}/{comment['id']}", self.headers, {"body": body})


def upsert_comment(host: GitHub | GitLab, body: str) -> str:
    """Update the comment carrying MARKER, or create one. Returns "updated" or "created"."""
    for comment in host.comments():
        if MARKER in (comment.get("body") or ""):
            host.update(comment, body)
            return "updated"
    host.create(body)
    return "created"


def _host(env: dict[str, str]) -> GitHub | GitLab | None:
    if env.get("GITHUB_ACTIONS") == "true":
        return GitHub(env)
    if env.get("GITLAB_CI") == "true":
        return GitLab(env)
    return None


def _threshold_args(env: dict[str, str]) -> list[str]:
    args = []
    for variable, flag in (
        ("GENAI_COST_FAIL_ON_INCREASE", "--fail-on-increase"),
        ("GENAI_COST_FAIL_ABOVE", "--fail-above"),
        ("GENAI_COST_WARN_ON_INCREASE", "--warn-on-increase"),
        ("GENAI_COST_WARN_ABOVE", "--warn-above"),
    ):
        for value in env.get(variable, "").split():
            args += [flag, value]
    return args


def main(env: dict[str, str] | None = None) -> int:
    env = dict(os.environ if env is None else env)
    try:
        host = _host(env)
    except (ApiError, KeyError, OSError, ValueError) as exc:
        print(f"genai-cost-ci: {exc}", file=sys.stderr)
        return 2
    base = env.get("GENAI_COST_BASE_REF") or (host.base_sha if host else None)
    if not base:
        print(
            "genai-cost-ci: no base revision: set GENAI_COST_BASE_REF (e.g. origin/main)",
            file=sys.stderr,
        )
        return 2
    have_base = (
        subprocess.run(
            ["git", "cat-file", "-e", f"{base}^{{commit}}"], capture_output=True, check=False
        ).returncode
        == 0
    )
    if not have_base:  # a shallow checkout: fetch just the base commit
        subprocess.run(["git", "fetch", "--quiet", "--depth=1", "origin", base], check=False)
    command = shlex.split(env.get("GENAI_COST_COMMAND", "genai-cost"))
    paths = env.get("GENAI_COST_PATHS", "scenarios").split()
    out = Path(env.get("GENAI_COST_OUTPUT_DIR", "."))
    common = ["diff", "--base-ref", base, *paths, *_threshold_args(env)]
    if env.get("GENAI_COST_SNAPSHOT"):
        common += ["--snapshot", env["GENAI_COST_SNAPSHOT"]]
    markdown, data = out / "genai-cost-diff.md", out / "genai-cost-diff.json"
    code = subprocess.run(
        [*command, *common, "--format", "json", "--output", str(data)], check=False
    ).returncode
    if code not in (0, 1):
        print(
            f"genai-cost-ci: genai-cost diff failed (exit {code}); no comment posted",
            file=sys.stderr,
        )
        return code
    subprocess.run(
        [*command, *common, "--format", "markdown", "--output", str(markdown)], check=False
    )
    body = markdown.read_text(encoding="utf-8")
    document = json.loads(data.read_text(encoding="utf-8"))
    for n, definition in enumerate(env.get("GENAI_COST_INFRASTRUCTURE", "").split()):
        infra = out / f"genai-cost-infra-{n}.md"
        run = [*command, "infra", definition, "--format", "markdown", "--output", str(infra)]
        if env.get("GENAI_COST_SNAPSHOT"):
            run += ["--snapshot", env["GENAI_COST_SNAPSHOT"]]
        done = subprocess.run(run, check=False).returncode
        if done != 0:
            print(
                f"genai-cost-ci: genai-cost infra {definition} failed (exit {done})",
                file=sys.stderr,
            )
            return max(code, done)
        body += "\n" + infra.read_text(encoding="utf-8")
    if env.get("GITHUB_STEP_SUMMARY"):
        with open(env["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
            summary.write(body)
    if env.get("GITHUB_OUTPUT"):
        with open(env["GITHUB_OUTPUT"], "a", encoding="utf-8") as outputs:
            outputs.write(f"verdict={document['verdict']}\n")
            outputs.write(f"monthly-change-usd={document['total']['change_usd']}\n")
            outputs.write(f"comment-file={markdown}\n")
    if host is not None and env.get("GENAI_COST_COMMENT", "true").lower() == "true":
        try:
            action = upsert_comment(host, body)
            print(f"genai-cost-ci: comment {action}", file=sys.stderr)
        except (ApiError, KeyError) as exc:
            print(f"genai-cost-ci: could not post the comment: {exc}", file=sys.stderr)
            return max(code, 2)
    print(f"genai-cost-ci: verdict {document['verdict']}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
