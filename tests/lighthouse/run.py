"""Lighthouse on the portal with production settings (issue #15), for CI (.ci/run) and by hand.

    .venv/bin/python tests/lighthouse/run.py [--keep]

1. installs lighthouse@12.8.2 from npm once, into ~/.cache/fsgs-lighthouse (outside the repo);
2. makes a throwaway SQLite database in a temporary folder, migrates, collects static files
   (whitenoise's hashed, precompressed files, as in production), loads the guides and seeds the
   demo account (`seed_demo --force`, the documented public demo log-in);
3. starts gunicorn with fsgs_portal/gunicorn.conf.py and production settings (DEBUG off, a random
   SECRET_KEY), as tests/load/two_servers.py does. Plain http on loopback stands in for the TLS
   proxy: no https redirect, no Secure-only cookies, no HSTS;
4. signs in as the demo user and hands Lighthouse the session cookie (--extra-headers);
5. runs Lighthouse (mobile, its default) on the home page, a guide, the diary and the visit summary.

Accessibility, best practices and SEO must score 100 on every page (exit status 1 otherwise).
Performance and the first load (HTML, CSS and JS as sent over the wire, gzip) are printed, not
gated: on a shared CI machine the performance score is noise.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.load.two_servers import AppServers, Server, patient_id, run, sign_in  # noqa: E402

LIGHTHOUSE_VERSION = "12.8.2"
CACHE = Path(os.getenv("LIGHTHOUSE_CACHE", Path.home() / ".cache" / "fsgs-lighthouse"))
CHROMIUM = os.getenv("CHROMIUM_PATH", "/usr/bin/chromium")
DEMO_EMAIL = "demo@fsgs-portal.example"
DEMO_PASSWORD = "demo-kidney-diary-2026"  # the documented demo log-in (seed_demo)
SEED_DAYS = 90
GATED = ("accessibility", "best-practices", "seo")
CATEGORIES = ("performance", *GATED)
FIRST_LOAD_TYPES = {"Document", "Stylesheet", "Script"}


def say(text: str) -> None:
    print(f"[lighthouse] {text}", flush=True)


def lighthouse_cli() -> Path:
    """The Lighthouse CLI, installed from npm the first time (about 10 s, then cached)."""
    cli = CACHE / "node_modules" / "lighthouse" / "cli" / "index.js"
    package = CACHE / "node_modules" / "lighthouse" / "package.json"
    if package.exists() and json.loads(package.read_text())["version"] == LIGHTHOUSE_VERSION:
        return cli
    CACHE.mkdir(parents=True, exist_ok=True)
    say(f"installing lighthouse@{LIGHTHOUSE_VERSION} into {CACHE}")
    run(
        [
            "npm",
            "install",
            "--prefix",
            str(CACHE),
            "--no-audit",
            "--no-fund",
            "--save-exact",
            f"lighthouse@{LIGHTHOUSE_VERSION}",
        ],
        timeout=300,
    )
    return cli


def pages(base_url: str) -> tuple[dict[str, str], str]:
    """The four pages and the demo user's session cookie."""
    server = Server("lighthouse", base_url, 30)
    cookies = sign_in(server, DEMO_EMAIL, DEMO_PASSWORD)
    pid = patient_id(server, cookies, None)
    found = {
        "home": "/",
        "guide": "/learn/what-is-fsgs/",
        "diary": f"/patients/{pid}/diary/",
        "summary": f"/patients/{pid}/summary/",
    }
    for name, path in found.items():
        status = server.request(name, "GET", path, cookies=cookies).status
        if status != 200:
            raise RuntimeError(f"{name} page {path} answered {status}, not 200")
    return found, f"sessionid={cookies['sessionid']}"


def lighthouse(cli: Path, url: str, cookie: str, report: Path) -> dict:
    command = [
        "node",
        str(cli),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-path={CHROMIUM}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
        f"--extra-headers={json.dumps({'Cookie': cookie})}",
    ]
    run(command, timeout=180)
    return json.loads(report.read_text())


def first_load_bytes(result: dict) -> int:
    """HTML, CSS and JS bytes over the wire (compressed, headers included), as Chromium saw them."""
    requests = result["audits"]["network-requests"]["details"]["items"]
    return sum(
        item.get("transferSize", 0)
        for item in requests
        if item.get("resourceType") in FIRST_LOAD_TYPES
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the reports and database")
    args = parser.parse_args()
    started = time.monotonic()
    cli = lighthouse_cli()
    folder = Path(tempfile.mkdtemp(prefix="fsgs-lighthouse-"))
    # tests/load/two_servers.py's production-settings gunicorns (it starts two; one is used), on a
    # throwaway SQLite database instead of PostgreSQL.
    site = AppServers(
        f"sqlite:///{folder / 'lighthouse.sqlite3'}",
        argparse.Namespace(workers=1, gunicorn_threads=2, seed_days=SEED_DAYS),
    )
    failures = []
    try:
        site.prepare()
        base_url = site.start()[0]
        found, cookie = pages(base_url)
        for name, path in found.items():
            result = lighthouse(cli, base_url + path, cookie, folder / f"{name}.json")
            scores = {
                category: round(100 * (result["categories"][category]["score"] or 0))
                for category in CATEGORIES
            }
            kilobytes = first_load_bytes(result) / 1024
            print(
                f"lighthouse {name:8} performance {scores['performance']:3}  "
                f"accessibility {scores['accessibility']:3}  "
                f"best-practices {scores['best-practices']:3}  seo {scores['seo']:3}  "
                f"first load {kilobytes:.1f} KB",
                flush=True,
            )
            failures += [
                f"{name}: {category} {scores[category]}"
                for category in GATED
                if scores[category] < 100
            ]
    finally:
        site.stop()
        if args.keep:
            say(f"reports and database kept in {folder}, server logs in {site.logs}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
            shutil.rmtree(site.logs, ignore_errors=True)
    say(f"done in {time.monotonic() - started:.0f} s")
    if failures:
        say("below 100: " + "; ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
