"""Browser tests drive Debian's Chromium through Playwright against pytest-django's live server.

They skip locally when Chromium is missing and fail under CI, where it must be there.
"""

import os
from pathlib import Path

import pytest
from chromium import CHROMIUM

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def chromium_path():
    if not CHROMIUM.exists():
        reason = (
            f"{CHROMIUM} is missing: install Debian's chromium and fonts-dejavu-core "
            "(never `playwright install`)"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return str(CHROMIUM)


@pytest.fixture
def screenshots(request):
    """Numbered full-page screenshots under test-artifacts/screenshots/<test name>/."""
    folder = REPO_ROOT / "test-artifacts" / "screenshots" / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    taken = []

    def shoot(page, step):
        path = folder / f"{len(taken) + 1:02d}-{step}.png"
        # Finished animations: Wagtail's messages fade in and would be caught half-drawn.
        page.screenshot(path=str(path), full_page=True, animations="disabled")
        taken.append(path)
        return path

    shoot.taken = taken
    return shoot
