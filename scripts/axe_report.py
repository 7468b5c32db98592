"""Count axe-core's WCAG 2.1 A/AA violations on every page at laptop and phone size.

Prints one line per page and viewport: the number of violating nodes and the rules they break.
Starts the app itself, or uses a running one with --url. Run before and after a change to the
layout or the colours; the browser tests assert the same count is 0. Chromium is
$DERIV_CHROMIUM, by default /usr/bin/chromium (tests/browser_support.py).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from browser_support import A11Y_PAGES, VIEWPORTS, axe_violations, chromium, open_page, running_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="a running app (default: start one)")
    parser.add_argument("--dark", action="store_true", help="emulate a dark system setting")
    args = parser.parse_args()

    def report(url: str) -> None:
        total = 0
        with chromium() as browser:
            for path in A11Y_PAGES:
                for width, height in VIEWPORTS:
                    page, _ = open_page(
                        browser, url + path, width, height, dark=args.dark
                    )
                    violations = axe_violations(page)
                    page.close()
                    nodes = sum(len(v["nodes"]) for v in violations)
                    total += nodes
                    rules = ", ".join(f"{v['id']}×{len(v['nodes'])}" for v in violations)
                    print(f"{path:14} {width}x{height}  {nodes:3d}  {rules}", flush=True)
        print(f"total violating nodes: {total}")

    if args.url:
        report(args.url)
    else:
        with running_app() as url:
            report(url)


if __name__ == "__main__":
    main()
