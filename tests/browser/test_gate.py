"""Without Chromium the browser tests skip, except under CI=true, where they fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import require_chromium

MISSING = Path("/nonexistent/chromium")


def test_a_missing_chromium_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not installed at /nonexistent"):
        require_chromium(MISSING)


def test_a_missing_chromium_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true requires it"):
        require_chromium(MISSING)
