"""Score line-aligned files (``jb-summarize eval score``).

.venv/bin/python eval/score.py --hyp system.en --ref ref.en --lang en
"""

from __future__ import annotations

import sys

from jb_summarize.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["eval", "score", *sys.argv[1:]]))
