"""Render a `jb-summarize run` report and screenshot it in headless Chromium at phone and desktop widths.

    .venv/bin/python eval/screenshot_report.py output/jiangbei-2022.html --out /tmp/shots

Needs Debian's `chromium` (apt-get install chromium fonts-noto-cjk). Writes phone.png (390 px wide),
desktop.png (1280 px) and report.pdf (print layout) into --out.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    raise SystemExit("no chromium found: apt-get install chromium fonts-noto-cjk")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report", type=Path, help="an HTML report written by `jb-summarize run`")
    parser.add_argument("--out", type=Path, default=Path("screenshots"), help="folder for the images")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    url = args.report.resolve().as_uri()
    browser = chromium()
    with tempfile.TemporaryDirectory() as profile:
        base = [browser, *FLAGS, f"--user-data-dir={profile}"]
        jobs = {
            "phone.png": ["--window-size=390,2400", f"--screenshot={args.out / 'phone.png'}"],
            "desktop.png": ["--window-size=1280,1800", f"--screenshot={args.out / 'desktop.png'}"],
            "report.pdf": [f"--print-to-pdf={args.out / 'report.pdf'}", "--no-pdf-header-footer"],
        }
        for name, extra in jobs.items():
            proc = subprocess.run([*base, *extra, url], capture_output=True, text=True, timeout=120)
            target = args.out / name
            if proc.returncode != 0 or not target.exists():
                print(f"{name}: chromium failed: {proc.stderr.strip()[-300:]}", file=sys.stderr)
                return 1
            print(f"{target} ({target.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
