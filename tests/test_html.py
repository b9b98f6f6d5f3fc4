"""The HTML report: escaped, self-contained, and rendered in a real browser (Debian's
Chromium through Selenium; skipped without Chromium, except in CI where it must run)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

SCREENSHOTS = ROOT / "screenshots"
SCENARIOS = [
    "scenarios/support-chatbot.yaml",
    "scenarios/ticket-classifier.yaml",
    "scenarios/spot-training.yaml",
]


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def render(cli: Any, tmp_path: Path, *paths: str) -> Path:
    target = tmp_path / "report.html"
    result = cli(
        "estimate", *paths, "--samples", "5000", "--seed", "1", "-f", "html", "-o", str(target)
    )
    assert result.code == 0, result
    return target


def test_html_is_self_contained_and_escaped(cli: Any, tmp_path: Path) -> None:
    scenario = tmp_path / "evil.yaml"
    scenario.write_text(
        (ROOT / "scenarios" / "support-chatbot.yaml")
        .read_text()
        .replace("name: support-chatbot", 'name: "<script>alert(1)</script>"')
    )
    html = render(cli, tmp_path, str(scenario)).read_text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()
    for marker in (' src="http', " src='http", "<link ", "@import"):
        assert marker not in html
    assert html.count("<svg") >= 5  # breakdown and break-even per workload, ROI, uncertainty


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.mark.browser
def test_report_renders_in_a_real_browser(cli: Any, tmp_path: Path) -> None:
    browser = chromium()
    driver_path = shutil.which("chromedriver")
    if browser is None or driver_path is None:
        if os.environ.get("CI"):
            pytest.fail(
                "CI must run the browser test: install Debian's chromium and "
                "chromium-driver (.ci/run does)"
            )
        pytest.skip("no Chromium/ChromeDriver on this machine")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    report = render(cli, tmp_path, *SCENARIOS)
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1200,2000",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        driver.get(report.as_uri())
        assert "genai-cost estimate" in driver.title
        sizes = driver.execute_script(
            "return Array.from(document.querySelectorAll('svg')).map(function (s) {"
            " var r = s.getBoundingClientRect(); return [r.width, r.height]; });"
        )
        assert len(sizes) >= 8
        assert all(w > 0 and h > 0 for w, h in sizes), sizes
        # every kind of chart is there: bars per workload, break-even curves with today's
        # volume marked, ROI, the uncertainty band and the tornado
        titles = driver.execute_script(
            "return Array.from(document.querySelectorAll('svg > title'))"
            ".map(function (t) { return t.textContent; });"
        )
        for expected in (
            "monthly cost by option",
            "cost against volume",
            "cumulative net",
            "P10-P90",
            "what moves the monthly bill",
        ):
            assert any(expected in t for t in titles), (expected, titles)
        assert driver.execute_script("return document.querySelectorAll('line.today').length") > 0
        # nothing wider than the window: no horizontal scrolling
        overflow = driver.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth;"
        )
        assert overflow <= 0, overflow
        errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        assert errors == []
        SCREENSHOTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(SCREENSHOTS / "estimate-report.png"))
        assert (SCREENSHOTS / "estimate-report.png").stat().st_size > 10_000
    finally:
        driver.quit()


def test_axes_have_round_ticks() -> None:
    from genai_cost.report.svg import nice_ticks

    assert nice_ticks(0, 1234, False) == [0, 500, 1000]
    assert nice_ticks(1e5, 1e9, True) == [1e5, 1e6, 1e7, 1e8, 1e9]
    # few decades: 2 and 5 between the powers of ten
    assert nice_ticks(3e4, 2e6, True) == [5e4, 1e5, 2e5, 5e5, 1e6, 2e6]
