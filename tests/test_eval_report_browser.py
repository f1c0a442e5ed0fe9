"""The report in headless Chromium: it opens offline from a file, and its filters work.

Two runs of 50+5 items whose differences are known (`tests.test_eval_stats`)
are compared; the report of the second against the first is opened from disk
with every network request recorded. The failure, flip and slice filters
must show exactly the expected rows. A screenshot lands in test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evals.compare import write_comparison
from tests.live import ARTIFACTS, CHROMIUM, LAUNCH_ARGS
from tests.test_eval_stats import fifty, make_run

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


def test_report_opens_offline_and_filters_failures_flips_and_slices(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    a = make_run(tmp_path / "a", fifty())
    b = make_run(tmp_path / "b", fifty(flipped=10))
    write_comparison(a, b)
    report = b / "report-vs-a.html"
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            page.on("request", lambda req: requests.append(req.url))
            page.goto(report.as_uri())

            def shown() -> int:
                return int(page.locator("#shown").inner_text())

            def visible_ids() -> list[Any]:
                return page.eval_on_selector_all(
                    "tbody.item:not(.hidden) tr.item td:first-child", "cells => cells.map(c => c.textContent)"
                )

            assert shown() == 55 and len(visible_ids()) == 55
            assert page.locator("svg[role=img]").count() == 5  # one chart per slice
            page.check("#f-fail")
            assert shown() == 10  # the ten items still missed in B
            page.uncheck("#f-fail")
            page.check("#f-flip")
            assert visible_ids() == [f"i{i:02d}" for i in range(10)]
            page.select_option("#f-slice", "follow-up")
            assert visible_ids() == ["i00", "i07"]  # flipped and a follow-up
            page.uncheck("#f-flip")
            assert len(visible_ids()) == 8
            page.select_option("#f-slice", "")
            page.locator("tbody.item").first.locator("summary").click()
            assert page.locator("tbody.item").first.locator("ins").first.inner_text() == "right"
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "eval-report.png"), full_page=False)
        finally:
            browser.close()
    assert requests and all(url.startswith("file://") for url in requests), requests
