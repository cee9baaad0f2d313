"""Lighthouse 12.2.3 on the built PWA, served by ``wegovnow serve``, mobile settings.

Run: ``.venv/bin/python bench/lighthouse.py [--path /] [--path /map] [--runs 1]``

Needs ``pwa/dist`` (``cd pwa && npm ci && npm run build``), Debian's Chromium at
``/usr/bin/chromium`` and Lighthouse installed beside this script
(``cd bench/lighthouse && npm i -E lighthouse@12.2.3``), kept out of the PWA's
own dependencies. Prints the four category scores per page, the median of the
runs, and what a first visit downloads: JS and CSS gzip-compressed, the map
library (Leaflet's JS and CSS) counted apart, as the budget in DESIGN.md asks.

Goals: performance >= 90, accessibility 100, best practices >= 95, first load
under 170 KB.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser.conftest import running_server

REPO = Path(__file__).resolve().parents[1]
LIGHTHOUSE = REPO / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
META = REPO / "pwa" / ".build" / "meta.json"
DIST = REPO / "pwa" / "dist"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def first_load_sizes() -> dict[str, int]:
    """Compressed bytes of the static import closure of the entry, plus the
    app's CSS; the chunks and CSS that hold Leaflet apart."""
    meta = json.loads(META.read_text())
    outputs = meta["scripts"]["outputs"]
    entry = "dist" + meta["app"]
    seen: set[str] = set()
    todo = [entry]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += [
            i["path"]
            for i in outputs[name].get("imports", [])
            if i["kind"] == "import-statement"
        ]
    leaflet_js = [
        name
        for name, info in outputs.items()
        if any("node_modules/leaflet/" in path for path in info["inputs"])
    ]
    leaflet_css = [
        n for n in meta["styles"]["outputs"] if "/leaflet-" in n and n.endswith(".css")
    ]
    first_js = sum(gzip_size(REPO / "pwa" / n) for n in seen)
    return {
        "first_load_js": first_js,
        "first_load_css": gzip_size(DIST / meta["css"].lstrip("/")),
        "map_library_js": sum(gzip_size(REPO / "pwa" / n) for n in leaflet_js),
        "map_library_css": sum(gzip_size(REPO / "pwa" / n) for n in leaflet_css),
        "first_load_includes_leaflet": int(bool(seen & set(leaflet_js))),
    }


def lighthouse(url: str, out: Path) -> dict[str, float]:
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            "--form-factor=mobile",
            "--screenEmulation.mobile",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ],
        env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
        check=True,
        timeout=180,
    )
    report: dict[str, Any] = json.loads(out.read_text())
    return {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--path", action="append", help="app paths to audit (default / and /map)"
    )
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit(
            "Lighthouse is missing: cd bench/lighthouse && npm i -E lighthouse@12.2.3"
        )
    paths = args.path or ["/", "/map"]

    with tempfile.TemporaryDirectory() as tmp, running_server(Path(tmp)) as server:
        server.cli("seed-demo")
        for path in paths:
            runs = [
                lighthouse(server.base_url + path, Path(tmp) / f"run{i}.json")
                for i in range(args.runs)
            ]
            scores = {c: statistics.median(r[c] for r in runs) for c in CATEGORIES}
            print(f"{path:8} " + "  ".join(f"{c} {scores[c]:.0f}" for c in CATEGORIES))

    sizes = first_load_sizes()
    kb = {k: v / 1000 for k, v in sizes.items()}
    print(
        f"first load, gzip: JS {kb['first_load_js']:.1f} KB + CSS {kb['first_load_css']:.1f} KB"
        f" = {kb['first_load_js'] + kb['first_load_css']:.1f} KB (budget 170 KB);"
        f" map library apart: JS {kb['map_library_js']:.1f} KB, CSS {kb['map_library_css']:.1f} KB"
        f"{'; WARNING: Leaflet is in the first load' if sizes['first_load_includes_leaflet'] else ''}"
    )


if __name__ == "__main__":
    main()
