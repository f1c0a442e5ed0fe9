"""axe-core on the chat app and the widget, in headless Chromium: no serious or critical violations.

The main page (`/`) and the widget (`/embed`) are checked empty and with an answer and an
open source card, in light and in dark mode; a reader view is checked too. axe-core comes
from the npm registry (`scripts/install-axe`, run by `make setup-test`) into
`.venv/share/axe-core/`, test-only; without it these tests skip with a note. The same runs
save the screenshots used in the README (`test-artifacts/screenshot-*.png`; copied to
`docs/screenshots/` by hand after looking at them).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.live import ARTIFACTS, CHROMIUM, QUESTION, Server, seeded_copy
from tests.test_browser import ANSWERED, TOKEN, open_chat, serve

AXE = ROOT / ".venv" / "share" / "axe-core" / "axe.min.js"
BAD = ("serious", "critical")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
    pytest.mark.skipif(not AXE.exists(), reason="needs axe-core: run scripts/install-axe (make setup-test)"),
]


@pytest.fixture(scope="module")
def server(
    seeded_data_dir: Path, embed_model: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    settings = seeded_copy(seeded_data_dir, tmp_path_factory, access_token=TOKEN)
    with serve(settings, embed_model) as srv:
        yield srv


def violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [(n["target"], n.get("failureSummary", "")[:300]) for n in v["nodes"][:5]],
        }
        for v in found
        if v["impact"] in BAD
    ]


def check(page: Any, where: str) -> None:
    bad = violations(page)
    assert not bad, f"{where}: " + json.dumps(bad, indent=1)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/", "/embed"])
def test_no_serious_accessibility_violations(browser: Any, server: Server, path: str, scheme: str) -> None:
    phone = path == "/" and scheme == "light"  # the README's phone screenshot comes from this run
    viewport = {"width": 390, "height": 844} if phone else {"width": 1366, "height": 900}
    if path == "/embed":
        viewport = {"width": 420, "height": 700}
    context = browser.new_context(viewport=viewport, color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    try:
        open_chat(page, f"{server.url}{path}?token={TOKEN}")
        page.locator("#rag-app .rag-corpus").wait_for(state="visible", timeout=10_000)
        if scheme == "dark" and path == "/":
            assert page.evaluate("() => document.querySelector('.dark') !== null")
        check(page, f"{path} empty, {scheme}")

        page.fill("#rag-app .rag-input", QUESTION)
        page.press("#rag-app .rag-input", "Enter")
        page.wait_for_selector(ANSWERED, timeout=60_000)
        name = "phone" if phone else f"{'desktop' if path == '/' else 'widget'}-{scheme}"
        page.screenshot(path=str(ARTIFACTS / f"screenshot-{name}-answer.png"))
        page.locator("#rag-app .rag-text .rag-cite > .rag-badge").first.click()
        page.locator("#rag-card").wait_for(state="visible")
        check(page, f"{path} answer and open card, {scheme}")
        page.screenshot(path=str(ARTIFACTS / f"screenshot-{name}-card.png"))

        page.locator("#rag-card").get_by_role("button", name="Read the article").click()
        page.locator("#rag-reader mark.rag-quote").first.wait_for(timeout=10_000)
        check(page, f"{path} reader, {scheme}")
    finally:
        context.close()
