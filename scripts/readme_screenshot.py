"""Regenerate docs/overview.png, the README's screenshot: the overview page at 1366×768.

Run from the repo root with the dev install (requirements-dev.txt: Playwright):
.venv/bin/python scripts/readme_screenshot.py. Chromium is $DERIV_CHROMIUM, by default
/usr/bin/chromium (tests/browser_support.py).
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import chromium, open_page, running_app  # noqa: E402


def main() -> None:
    out = ROOT / "docs" / "overview.png"
    with running_app() as url, chromium() as browser:
        page, errors = open_page(browser, url + "/")
        page.screenshot(path=str(out))
        if errors:
            print("console errors:", *errors, sep="\n  ")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
