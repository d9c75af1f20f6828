"""Two app servers over one PostgreSQL, a bounded load, and a database restart in the middle.

Proves what README.md "Deploying" promises: app servers keep no state, so a session made on one
serves on the other, and when PostgreSQL goes away for a few seconds nothing a person saved is
lost, nothing is half saved, the servers answer 503 only while the database is down and serve
again by themselves once it is back.

Local run (what .ci/run does; needs PostgreSQL 15 on this machine, run as root or postgres):

    python tests/load/two_servers.py --pg cluster \
        --database-url postgres://fsgs_ci:fsgs_ci@127.0.0.1:5432/fsgs_load

creates the database named in the URL (dropping it first and again at the end), migrates, loads
the guides, seeds the demo account, starts two gunicorns on free loopback ports with production
settings, runs the load, stops PostgreSQL for a few seconds in the middle (`pg_ctlcluster`), and
checks the database at the end. `--pg private` instead runs a throw-away PostgreSQL of its own
(initdb in a temporary folder, a free port), so a shared cluster is never restarted.

Against servers you own (no restart, no database checks; saves write diary days from
--first-date on, so use a test account, or --read-only):

    python tests/load/two_servers.py --base-url https://a.example --base-url https://b.example \
        --email test@example.org --password '...'

Traffic goes only to the URLs given (loopback by default); the request count is fixed and the
run has a hard time cap. Exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
DEMO_EMAIL = "demo@fsgs-portal.example"
DEMO_PASSWORD = "demo-kidney-diary-2026"  # the documented demo log-in (seed_demo)
LB_PER_KG = Decimal("2.20462")
T0 = time.monotonic()


def now() -> float:
    """Seconds since the script started: every timestamp below uses this clock."""
    return time.monotonic() - T0


def say(text: str) -> None:
    print(f"[{now():6.1f}s] {text}", flush=True)


# HTTP ---------------------------------------------------------------------------------------------


@dataclass
class Result:
    instance: str
    kind: str
    start: float
    end: float
    status: int | None  # None: no HTTP answer (connection refused, reset, time-out)
    error: str = ""
    location: str = ""
    body: str = ""
    cookies: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 400


class Server:
    def __init__(self, name: str, base_url: str, timeout: float):
        self.name, self.base_url, self.timeout = name, base_url.rstrip("/"), timeout
        parts = urllib.parse.urlsplit(self.base_url)
        self.https = parts.scheme == "https"
        self.host, self.port = parts.hostname, parts.port or (443 if self.https else 80)

    def request(self, kind, method, path, *, cookies=None, form=None, keep_body=False) -> Result:
        connection_class = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
        headers = {"User-Agent": "fsgs-load-test"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = self.base_url + path  # what a browser sends (needed on https)
        start = now()
        connection = connection_class(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace") if keep_body else ""
            if not keep_body:
                response.read()
            set_cookies = {}
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    set_cookies[key.strip()] = rest.split(";", 1)[0]
            return Result(
                self.name,
                kind,
                start,
                now(),
                response.status,
                location=response.getheader("Location") or "",
                body=text,
                cookies=set_cookies,
            )
        except (OSError, http.client.HTTPException) as error:
            return Result(self.name, kind, start, now(), None, error=type(error).__name__)
        finally:
            connection.close()


class FormParser(HTMLParser):
    """The forms of a page as a browser would submit them: {action: {name: [values]}}, plus the
    choices each radio or select offers."""

    def __init__(self):
        super().__init__()
        self.forms: dict[str, dict[str, list[str]]] = {}
        self.choices: dict[str, list[str]] = defaultdict(list)
        self.current: dict[str, list[str]] | None = None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = self.forms.setdefault(attrs.get("action", ""), {})
        elif self.current is None:
            return
        elif tag == "input" and attrs.get("name"):
            name, kind = attrs["name"], attrs.get("type", "text")
            if kind in {"radio", "checkbox"}:
                if attrs.get("value"):
                    self.choices[name].append(attrs["value"])
                if "checked" in attrs:
                    self.current.setdefault(name, []).append(attrs.get("value", "on"))
            elif kind not in {"submit", "button", "file"}:
                self.current[name] = [attrs.get("value", "")]
        elif tag == "select":
            self.select = attrs.get("name")
        elif tag == "option" and self.select:
            self.choices[self.select].append(attrs.get("value", ""))
            if "selected" in attrs or self.select not in self.current:
                self.current[self.select] = [attrs.get("value", "")]
        elif tag == "textarea":
            self.textarea = attrs.get("name")
            self.current[self.textarea] = [""]

    def handle_data(self, data):
        if self.current is not None and self.textarea:
            self.current[self.textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def parse_forms(html: str) -> FormParser:
    parser = FormParser()
    parser.feed(html)
    return parser


# The load -----------------------------------------------------------------------------------------


@dataclass
class Save:
    """One attempt to save a diary day through the day form."""

    number: int
    day: date
    contended: bool
    get_on: int
    post_on: int
    outcome: str = "not run"  # confirmed | stale | failed | invalid | not run
    version: int | None = None  # the version this save writes if it wins (read version + 1)
    values: dict = field(default_factory=dict)
    refused: str = ""  # the form's error messages, when it refused the values


@dataclass
class Task:
    kind: str  # diary | trends | summary | save
    instance: int
    save: Save | None = None


class Load:
    def __init__(self, servers, cookies, pid, args):
        self.servers, self.cookies, self.pid, self.args = servers, cookies, pid, args
        self.results: list[Result] = []
        self.lock = threading.Lock()
        self.saves: list[Save] = []
        self.tasks = self.plan()
        self.next_task = 0
        # The load stops at its own cap, or early enough to check and clean up within the run's.
        self.deadline = min(now() + args.time_cap, args.total_cap - 25)
        self.elapsed = 0.0

    def plan(self) -> list[Task]:
        """A fixed, seeded list of tasks adding up to --requests requests. Saves fetch the form on
        one server and post it, half the time, to the other. Contended dates get bursts of saves
        that read the same version at once: one may win, the others must be refused."""
        rng = random.Random(self.args.seed)
        total = self.args.requests
        saves = 0 if self.args.read_only else total // 10
        burst, bursts_per_day = 3, 2
        contended_days = 0 if self.args.read_only else max(1, total // 150)
        reads = total - 2 * saves - 2 * contended_days * burst * bursts_per_day
        first = self.args.first_date
        units: list[list[Task]] = []
        for number in range(saves):
            day = first + timedelta(days=number)
            units.append([self.save_task(day, False, rng)])
        for index in range(contended_days):
            day = first - timedelta(days=1 + index)
            for _ in range(bursts_per_day):
                units.append([self.save_task(day, True, rng) for _ in range(burst)])
        kinds = ["diary", "trends", "summary"]
        units += [[Task(kinds[n % 3], rng.randrange(2))] for n in range(reads)]
        rng.shuffle(units)
        return [task for unit in units for task in unit]

    def save_task(self, day: date, contended: bool, rng) -> Task:
        get_on = rng.randrange(2)
        post_on = get_on if rng.random() < 0.5 else 1 - get_on
        save = Save(len(self.saves), day, contended, get_on, post_on)
        self.saves.append(save)
        return Task("save", get_on, save)

    @property
    def over(self) -> bool:
        return self.next_task >= len(self.tasks) or now() > self.deadline

    @property
    def done_requests(self) -> int:
        return len(self.results)

    def record(self, result: Result) -> Result:
        result.body = ""  # keep memory small: only figures are kept
        with self.lock:
            self.results.append(result)
        return result

    def take(self) -> Task | None:
        with self.lock:
            if self.next_task >= len(self.tasks) or now() > self.deadline:
                return None
            task = self.tasks[self.next_task]
            self.next_task += 1
            return task

    def worker(self):
        while task := self.take():
            if task.kind == "save":
                ok = self.run_save(task.save)
            else:
                path = {
                    "diary": f"/patients/{self.pid}/diary/",
                    "trends": f"/patients/{self.pid}/trends/",
                    "summary": f"/patients/{self.pid}/summary/",
                }[task.kind]
                server = self.servers[task.instance]
                ok = self.record(server.request(task.kind, "GET", path, cookies=self.cookies)).ok
            if not ok:
                # A person waits a moment before trying again; without this an outage would
                # burn through the planned requests in a second or two.
                time.sleep(0.5)

    def run_save(self, save: Save) -> bool:
        path = f"/patients/{self.pid}/diary/{save.day.isoformat()}/"
        page = self.servers[save.get_on].request(
            "save-form", "GET", path, cookies=self.cookies, keep_body=True
        )
        html = page.body
        self.record(page)
        if page.status != 200:
            save.outcome = "failed"
            return False
        parsed = parse_forms(html)
        form = parsed.forms.get(path)
        if not form or "version" not in form:
            save.outcome = "invalid"
            return False
        read_version = int(form["version"][0])
        values = save_values(save.number, parsed.choices)
        form.update({name: [value] for name, value in values.items()})
        save.values, save.version = values, read_version + 1
        result = self.servers[save.post_on].request(
            "save-post", "POST", path, cookies=self.cookies, form=form, keep_body=True
        )
        if result.status == 302 and urllib.parse.urlsplit(result.location).path == path:
            save.outcome = "confirmed"
        elif result.status == 200 and stale(result.body, path, read_version):
            save.outcome = "stale"
        elif result.status == 200:
            save.outcome = "invalid"  # the form refused the values: a bug in this script
            save.refused = form_errors(result.body)
        else:
            save.outcome = "failed"
        return self.record(result).ok


def stale(html: str, path: str, posted_version: int) -> bool:
    """A refused stale edit shows the day as saved now: its form carries another version (a form
    refused for its values carries the posted one back)."""
    shown = parse_forms(html).forms.get(path, {}).get("version", [str(posted_version)])[0]
    return shown != str(posted_version) or "Your changes were not saved" in html


def form_errors(html: str) -> str:
    """The error texts of a refused form, for the report."""
    found = re.findall(
        r'class="(?:invalid-feedback|alert alert-danger)[^>]*>(.*?)</div>', html, re.S
    )
    texts = (" ".join(re.sub(r"<[^>]+>", " ", text).split()) for text in found)
    return " | ".join(texts)[:300] or html[:300]


def save_values(number: int, choices: dict) -> dict:
    """Values unique to one save, so the row in the database tells which save wrote it."""
    unit = "lb" if number % 2 else "kg"
    weight = Decimal(60) + Decimal(number % 20000) / 1000
    if unit == "lb":
        weight = (weight * LB_PER_KG).quantize(Decimal("0.001"))
    foam = choices.get("foam", ["0"])
    swelling = choices.get("swelling_legs", ["0"])
    return {
        "weight": str(weight),
        "weight_unit": unit,
        "temperature": str(Decimal("36.00") + Decimal(number % 100) / 100),
        "temperature_unit": "C",
        "foam": foam[number % len(foam)],
        "swelling_legs": swelling[(number // 3) % len(swelling)],
        "note": f"load test save {number}",
    }


class Outage:
    """Stops PostgreSQL once the load is under way, waits, starts it again, and times how long
    each server takes to serve a diary page again."""

    def __init__(self, postgres, load: Load, args):
        self.postgres, self.load, self.args = postgres, load, args
        self.stopped_at = self.down_at = self.ready_at = None
        self.recovered: dict[str, float | None] = {server.name: None for server in load.servers}
        self.error = ""

    def run(self):
        try:
            trigger = int(self.args.requests * self.args.restart_at)
            while self.load.done_requests < trigger and not self.load.over:
                time.sleep(0.05)
            if self.load.over:
                raise RuntimeError("the load ended before the restart")
            say(f"stopping PostgreSQL after {self.load.done_requests} requests")
            self.stopped_at = now()
            self.postgres.stop()
            self.down_at = now()
            time.sleep(self.args.outage_seconds)
            self.postgres.start()
            self.ready_at = now()
            say(f"PostgreSQL accepts connections again ({self.ready_at - self.stopped_at:.1f} s)")
            self.probe()
        except Exception as error:  # reported as a failed check, never left unseen
            self.error = f"{type(error).__name__}: {error}"

    def probe(self):
        path = f"/patients/{self.load.pid}/diary/"
        limit = self.ready_at + self.args.recover_within + 5
        pending = list(self.load.servers)
        while pending and now() < limit:
            for server in list(pending):
                if server.request("probe", "GET", path, cookies=self.load.cookies).status == 200:
                    self.recovered[server.name] = now() - self.ready_at
                    pending.remove(server)
            time.sleep(0.1)


# PostgreSQL and the app servers (local runs) -----------------------------------------------------


def run(command, *, env=None, timeout=120, user=None, cwd=ROOT):
    if user and os.geteuid() == 0:
        command = ["runuser", "-u", user, "--", *command]
    done = subprocess.run(
        command, env=env, timeout=timeout, capture_output=True, text=True, check=False, cwd=cwd
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def admin_url(url: str) -> str:
    """The same server and role, on the maintenance database `postgres`."""
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))


def wait_until_accepting(url: str, seconds: float) -> None:
    """Until PostgreSQL answers a query: its port opens while it still says "starting up"."""
    import psycopg

    limit = time.monotonic() + seconds
    while True:
        try:
            with psycopg.connect(admin_url(url), connect_timeout=2) as connection:
                connection.execute("SELECT 1")
            return
        except psycopg.OperationalError:
            if time.monotonic() > limit:
                raise
            time.sleep(0.1)


class ClusterPostgres:
    """The machine's PostgreSQL cluster (Debian's pg_ctlcluster), as .ci/run starts it."""

    def __init__(self, database_url: str, cluster: str):
        self.url = database_url
        self.version, self.name = cluster.split("/")
        parts = urllib.parse.urlsplit(database_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 5432
        self.stopped = False

    def ctl(self, action):
        run(["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, action])

    def setup(self):
        if not self.online():
            self.ctl("start")
        wait_until_accepting(self.url, 30)

    def online(self) -> bool:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            return sock.connect_ex((self.host, self.port)) == 0

    def stop(self):
        self.stopped = True
        self.ctl("stop")

    def start(self):
        self.ctl("start")
        wait_until_accepting(self.url, 30)
        self.stopped = False

    def cleanup(self):
        if self.stopped or not self.online():
            self.start()  # never leave the machine's PostgreSQL stopped


def version_of(initdb: Path) -> int:
    name = initdb.parent.parent.name
    return int(name) if name.isdigit() else 0


class PrivatePostgres:
    """A throw-away PostgreSQL in a temporary folder on a free port: restarting it disturbs
    nobody else's database. Run as root, it runs as the postgres user."""

    def __init__(self):
        self.port = free_port()
        installed = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=version_of)
        initdb = installed[-1] if installed else shutil.which("initdb")
        if not initdb:
            raise RuntimeError("--pg private needs PostgreSQL's initdb and pg_ctl")
        self.bin = Path(initdb).parent
        self.folder = Path(tempfile.mkdtemp(prefix="fsgs-load-pg-"))
        self.user = "postgres" if os.geteuid() == 0 else None
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/fsgs_load"

    def setup(self):
        if self.user:
            shutil.chown(self.folder, self.user)
        run(
            [
                str(self.bin / "initdb"),
                "-D",
                str(self.folder / "data"),
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
            user=self.user,
            cwd=self.folder,
        )
        self.start()

    def pg_ctl(self, *arguments):
        command = [str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), *arguments]
        run(command, user=self.user, cwd=self.folder)

    def start(self):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off"
        self.pg_ctl("-o", options, "-l", str(self.folder / "log"), "-w", "start")
        wait_until_accepting(self.url, 30)

    def stop(self):
        self.pg_ctl("-m", "fast", "-w", "stop")

    def cleanup(self):
        with contextlib.suppress(RuntimeError):  # already stopped
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def recreate_database(url: str, drop_only=False) -> None:
    import psycopg

    name = urllib.parse.urlsplit(url).path.lstrip("/")
    with psycopg.connect(admin_url(url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{name}"')


class AppServers:
    """Two gunicorns with production settings over one database, each in its own process group
    so that everything it started is ended with it."""

    def __init__(self, database_url: str, args):
        self.args = args
        self.logs = Path(tempfile.mkdtemp(prefix="fsgs-load-logs-"))
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain http on loopback stands in for the TLS proxy: no redirect to https, cookies
            # not marked Secure (a client drops Secure cookies on http), no HSTS on 127.0.0.1.
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "SECURE_HSTS_SECONDS": "0",
            "WEB_CONCURRENCY": str(args.workers),
            "GUNICORN_THREADS": str(args.gunicorn_threads),
            "LOG_LEVEL": "WARNING",
        }
        self.processes: list[subprocess.Popen] = []
        self.ports: list[int] = []

    def manage(self, *arguments, timeout=180):
        return run([PY, "manage.py", *arguments], env=self.env, timeout=timeout)

    def prepare(self):
        steps = [
            ["migrate", "--noinput", "-v0"],
            ["collectstatic", "--noinput", "-v0"],  # DEBUG off serves hashed names only
            ["load_guides", "-v0"],
            ["seed_demo", "--force", "--days", str(self.args.seed_days)],
        ]
        for step in steps:
            say(f"manage.py {' '.join(step)}")
            self.manage(*step)

    def start(self):
        for name in ["a", "b"]:
            port = free_port()
            # No control socket: both would take the same default path.
            command = [PY, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--no-control-socket"]
            config = next(
                (
                    ROOT / "fsgs_portal" / candidate
                    for candidate in ["gunicorn_conf.py", "gunicorn.conf.py"]
                    if (ROOT / "fsgs_portal" / candidate).exists()
                ),
                None,
            )
            if config:
                command += ["-c", str(config)]
            else:
                command += ["--workers", str(self.args.workers), "--threads", "2"]
            command += [
                "--workers",
                str(self.args.workers),
                "--access-logfile",
                str(self.logs / f"{name}-access.log"),
                "--error-logfile",
                str(self.logs / f"{name}-error.log"),
                "fsgs_portal.wsgi",
            ]
            log = (self.logs / f"{name}-stdout.log").open("w")
            self.processes.append(
                subprocess.Popen(
                    command,
                    env={**self.env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
            self.ports.append(port)
        for port, process in zip(self.ports, self.processes, strict=True):
            limit = time.monotonic() + 30
            while time.monotonic() < limit and process.poll() is None:
                server = Server("check", f"http://127.0.0.1:{port}", 5)
                if server.request("start", "GET", "/healthz").status == 200:
                    break
                time.sleep(0.2)
            else:
                raise RuntimeError(f"gunicorn on port {port} did not start: {self.tail()}")
        say(f"two gunicorns up on ports {self.ports} (config: {config or 'flags'})")
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    def alive(self) -> list[bool]:
        return [process.poll() is None for process in self.processes]

    def tail(self, lines=30) -> str:
        text = []
        for path in sorted(self.logs.glob("*error.log")) + sorted(self.logs.glob("*stdout.log")):
            content = path.read_text(errors="replace").splitlines()[-lines:]
            text.append(f"--- {path.name}\n" + "\n".join(content))
        return "\n".join(text)

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


# Sign-in and checks -------------------------------------------------------------------------------


def sign_in(server: Server, email: str, password: str) -> dict:
    page = server.request("sign-in", "GET", "/accounts/login/", keep_body=True)
    forms = parse_forms(page.body).forms
    form = next((f for f in forms.values() if "csrfmiddlewaretoken" in f and "password" in f), None)
    if page.status != 200 or form is None:
        raise RuntimeError(f"no sign-in form on {server.base_url} (status {page.status})")
    form.update(username=[email], password=[password])
    cookies = dict(page.cookies)
    answer = server.request("sign-in", "POST", "/accounts/login/", cookies=cookies, form=form)
    cookies.update(answer.cookies)
    if answer.status != 302 or "sessionid" not in answer.cookies:
        raise RuntimeError(f"sign-in on {server.base_url} failed (status {answer.status})")
    return cookies


def patient_id(server: Server, cookies: dict, given: str | None) -> str:
    answer = server.request("sign-in", "GET", "/diary/", cookies=cookies)
    path = urllib.parse.urlsplit(answer.location).path
    parts = path.strip("/").split("/")
    if answer.status == 302 and len(parts) == 3 and parts[0] == "patients":
        return parts[1]
    if given:
        return given
    raise RuntimeError(f"/diary/ on {server.base_url} did not lead to one diary; pass --patient")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Checks:
    def __init__(self):
        self.rows: list[tuple[bool, str]] = []

    def add(self, passed: bool, text: str) -> None:
        self.rows.append((bool(passed), text))

    @property
    def failed(self) -> int:
        return sum(not passed for passed, _ in self.rows)

    def show(self) -> None:
        print("\nChecks:")
        for passed, text in self.rows:
            print(f"  {'PASS' if passed else 'FAIL'}  {text}")
        # Not pytest's "N passed, N failed" line: CI's readers would take it for the suite's count.
        print(f"load checks: {len(self.rows) - self.failed} of {len(self.rows)} passed")


def database_rows(url: str, pid: str, days: list[date]) -> tuple[dict, int, int]:
    """The load's diary rows by date, how many rows the patient has on those dates (duplicates
    show here), and how many rows with a load-test note fall outside those dates."""
    import psycopg

    with psycopg.connect(url) as connection:
        patient = connection.execute(
            "SELECT id FROM tracker_patient WHERE public_id = %s", [pid]
        ).fetchone()[0]
        rows = connection.execute(
            "SELECT date, version, weight_kg, weight_entered, weight_entered_unit, temperature_c,"
            " temperature_entered, temperature_entered_unit, foam, swelling_legs, note,"
            " entered_by_id FROM tracker_diaryday WHERE patient_id = %s AND date = ANY(%s)",
            [patient, days],
        ).fetchall()
        strays = connection.execute(
            "SELECT count(*) FROM tracker_diaryday WHERE note LIKE 'load test save %%'"
            " AND NOT (patient_id = %s AND date = ANY(%s))",
            [patient, days],
        ).fetchone()[0]
    names = [
        "date",
        "version",
        "weight_kg",
        "weight_entered",
        "weight_entered_unit",
        "temperature_c",
        "temperature_entered",
        "temperature_entered_unit",
        "foam",
        "swelling_legs",
        "note",
        "entered_by_id",
    ]
    by_date = {row[0]: dict(zip(names, row, strict=True)) for row in rows}
    return by_date, len(rows), strays


def row_matches(row: dict, values: dict) -> bool:
    """Every field one save posted is in the row, and the canonical kg and °C agree with what
    was typed: a row mixing two saves, or half written, fails."""
    typed = Decimal(values["weight"])
    kilograms = typed if values["weight_unit"] == "kg" else typed / LB_PER_KG
    return (
        row["weight_entered"] == typed
        and row["weight_entered_unit"] == values["weight_unit"]
        and abs(row["weight_kg"] - kilograms) <= Decimal("0.0005")
        and row["temperature_entered"] == Decimal(values["temperature"])
        and row["temperature_entered_unit"] == "C"
        and row["temperature_c"] == Decimal(values["temperature"])
        and str(row["foam"]) == values["foam"]
        and str(row["swelling_legs"]) == values["swelling_legs"]
        and row["note"] == values["note"]
        and row["entered_by_id"] is not None
    )


def posted_by_day(saves: list[Save]) -> dict[date, list[Save]]:
    """Saves whose form was read, by date: each may have posted (and may have been written)."""
    by_day: dict[date, list[Save]] = defaultdict(list)
    for save in saves:
        if save.version is not None:
            by_day[save.day].append(save)
    return by_day


def judge_saves(saves: list[Save], rows: dict[date, dict]) -> dict[str, list]:
    """What is wrong between the saves the client made and the rows in the database, by kind."""
    wrong = {"lost": [], "half": [], "unexplained": [], "double_winners": [], "skipped": []}
    for day, attempts in posted_by_day(saves).items():
        confirmed = [s for s in attempts if s.outcome == "confirmed"]
        versions = Counter(s.version for s in confirmed)
        wrong["double_winners"] += [(day, v) for v, n in versions.items() if n > 1]
        row = rows.get(day)
        top = max(confirmed, key=lambda s: s.version, default=None)
        if top and (row is None or row["version"] < top.version):
            wrong["lost"].append(day)
            continue
        if row is None:
            continue
        # The row is the last confirmed save, or a save whose answer never came (the database
        # went away between the commit and the answer): in both cases exactly one posted save.
        writers = [s for s in attempts if s.version == row["version"] and s.outcome != "stale"]
        if not any(row_matches(row, s.values) for s in writers):
            wrong["half" if writers else "unexplained"].append(day)
        # Each save raises the version by one: every version up to the row's was written by a
        # save that was not refused.
        written = {s.version for s in attempts if s.outcome in {"confirmed", "failed"}}
        if not set(range(1, row["version"] + 1)) <= written:
            wrong["skipped"].append(day)
    return wrong


def check_saves_in_database(checks: Checks, saves: list[Save], url: str, pid: str) -> str:
    rows, row_count, strays = database_rows(url, pid, sorted(posted_by_day(saves)))
    checks.add(row_count == len(rows), f"one row per patient and date ({row_count} rows)")
    checks.add(strays == 0, f"no load-test row outside the posted dates ({strays} found)")
    wrong = judge_saves(saves, rows)
    lost, half = wrong["lost"], wrong["half"]
    checks.add(not lost, f"0 saves lost ({len(lost)} dates behind a confirmed save: {lost[:5]})")
    checks.add(not half, f"0 half-saved rows ({len(half)}: {half[:5]})")
    unexplained, doubles = wrong["unexplained"], wrong["double_winners"]
    checks.add(not unexplained, f"every row is one posted save ({len(unexplained)} are not)")
    checks.add(not doubles, f"no two saves won the same version ({doubles[:5]})")
    skipped = wrong["skipped"]
    checks.add(not skipped, f"versions count the saves, none skipped ({skipped[:5]})")
    found = sum(1 for s in saves if s.outcome == "confirmed" and s.day in rows)
    return f"confirmed saves whose day is in the database: {found}"


def check_saves_over_http(checks, saves, server: Server, cookies, pid) -> str:
    """Without the database: each day's form shows the last confirmed save (or a later one)."""
    latest: dict[date, Save] = {}
    for save in saves:
        shown = latest.get(save.day)
        if save.outcome == "confirmed" and (shown is None or save.version > shown.version):
            latest[save.day] = save
    lost = []
    for day, save in latest.items():
        path = f"/patients/{pid}/diary/{day.isoformat()}/"
        page = server.request("verify", "GET", path, cookies=cookies, keep_body=True)
        form = parse_forms(page.body).forms.get(path, {})
        version = int(form.get("version", ["0"])[0])
        same = version > save.version or (
            version == save.version and form.get("note", [""])[0].strip() == save.values["note"]
        )
        if page.status != 200 or not same:
            lost.append(day)
    checks.add(not lost, f"0 saves lost, read over HTTP ({len(latest)} days; lost: {lost[:5]})")
    return f"days read back over HTTP: {len(latest)}"


def report(load: Load, outage: Outage | None, args, checks: Checks, found) -> None:
    results = load.results
    print("\nFigures:")
    print(
        f"  requests: {len(results)} (plan: at most {args.requests}; a save whose form did not"
        f" load posts nothing), load time {load.elapsed:.1f} s"
    )
    statuses = Counter(r.status if r.status is not None else r.error for r in results)
    shown = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=str))
    print(f"  answers by status: {shown}")
    for server in load.servers:
        mine = [r for r in results if r.instance == server.name]
        times = [1000 * (r.end - r.start) for r in mine if r.ok]
        errors = sum(not r.ok for r in mine)
        print(
            f"  instance {server.name} ({server.base_url}): {len(mine)} requests, {errors} errors,"
            f" p50 {percentile(times, 0.5):.0f} ms, p95 {percentile(times, 0.95):.0f} ms"
        )
    for kind in ["diary", "trends", "summary", "save-form", "save-post"]:
        times = [1000 * (r.end - r.start) for r in results if r.kind == kind and r.ok]
        if times:
            print(
                f"    {kind:9} {len(times):5} ok, p50 {percentile(times, 0.5):4.0f} ms,"
                f" p95 {percentile(times, 0.95):4.0f} ms, mean {statistics.fmean(times):4.0f} ms"
            )
    if outage and outage.stopped_at is not None:
        ready = f"{outage.ready_at:.1f} s" if outage.ready_at else "never"
        down = f"{outage.down_at:.1f} s" if outage.down_at else "?"
        print(
            f"  outage: stop asked at {outage.stopped_at:.1f} s, PostgreSQL down at {down},"
            f" accepting again at {ready} (script clock); errors allowed up to"
            f" {args.grace:g} s later"
        )
        for name, seconds in outage.recovered.items():
            shown = f"{seconds:.2f} s" if seconds is not None else "not within the limit"
            print(f"  instance {name} served a diary page again {shown} after PostgreSQL was back")
    outcomes = Counter(s.outcome for s in load.saves)
    print(
        f"  saves: {len(load.saves)} attempted, {outcomes['confirmed']} confirmed,"
        f" {outcomes['stale']} refused as stale (same day saved meanwhile),"
        f" {outcomes['failed']} failed, {outcomes['invalid']} refused by the form,"
        f" {outcomes['not run']} not run; {found}"
    )
    refused = Counter(s.refused for s in load.saves if s.outcome == "invalid")
    for text, count in refused.most_common(3):
        print(f"  refused by the form ({count}): {text}")


def check_answers(checks: Checks, load: Load, outage: Outage | None, args) -> None:
    if outage is None:
        bad = [r for r in load.results if not r.ok]
        checks.add(not bad, f"every answer 2xx or 3xx ({len(bad)} others)")
        return
    start = outage.stopped_at if outage.stopped_at is not None else float("inf")
    end = (outage.ready_at if outage.ready_at is not None else float("inf")) + args.grace
    inside = [r for r in load.results if not r.ok and r.end >= start and r.start <= end]
    outside = [r for r in load.results if not r.ok and not (r.end >= start and r.start <= end)]
    not_503 = Counter(r.status or r.error for r in inside if r.status != 503)
    checks.add(
        not outside,
        f"errors only while the database was down, plus {args.grace:g} s"
        f" ({len(outside)} outside: {Counter(r.status or r.error for r in outside)})",
    )
    checks.add(not not_503, f"errors in the outage are all 503 ({len(inside)}; others {not_503})")


def out_of_time(signum, frame):
    raise TimeoutError("the run took longer than its hard cap")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", action="append", default=[], help="an app server you own")
    parser.add_argument("--email", default=DEMO_EMAIL)
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--patient", help="the patient's public id when the account has several")
    parser.add_argument("--pg", choices=["cluster", "private"], default="cluster")
    parser.add_argument("--pg-cluster", default="15/main", help="version/name for pg_ctlcluster")
    parser.add_argument(
        "--database-url",
        default=os.getenv(
            "LOAD_DATABASE_URL", "postgres://fsgs_ci:fsgs_ci@127.0.0.1:5432/fsgs_load"
        ),
        help="--pg cluster: the database to create, use and drop (its role needs CREATEDB)",
    )
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--time-cap", type=float, default=120, help="seconds for the load")
    parser.add_argument("--total-cap", type=float, default=175, help="seconds for everything")
    parser.add_argument("--restart-at", type=float, default=0.3, help="share of requests done")
    parser.add_argument("--outage-seconds", type=float, default=3)
    parser.add_argument("--grace", type=float, default=3, help="seconds of errors allowed after")
    parser.add_argument("--recover-within", type=float, default=10)
    parser.add_argument("--no-restart", action="store_true")
    parser.add_argument("--read-only", action="store_true", help="no saves")
    parser.add_argument("--first-date", type=date.fromisoformat, default=date(2001, 3, 1))
    parser.add_argument("--seed-days", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--gunicorn-threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--timeout", type=float, default=20, help="seconds per request")
    args = parser.parse_args(argv)
    external = bool(args.base_url)
    if external and len(args.base_url) != 2:
        parser.error("give --base-url twice: two app servers of the same deployment")

    # A hard cap on the whole run: SIGALRM ends it, and the finally block cleans up.
    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(int(args.total_cap))

    postgres = servers_local = load = None
    checks = Checks()
    try:
        if external:
            urls = args.base_url
        else:
            postgres = (
                PrivatePostgres()
                if args.pg == "private"
                else ClusterPostgres(args.database_url, args.pg_cluster)
            )
            say(f"PostgreSQL: {args.pg} ({postgres.url.split('@')[-1]})")
            postgres.setup()
            recreate_database(postgres.url)
            servers_local = AppServers(postgres.url, args)
            servers_local.prepare()
            urls = servers_local.start()
        servers = [Server(name, url, args.timeout) for name, url in zip("AB", urls, strict=True)]

        cookies = sign_in(servers[0], args.email, args.password)
        pid = patient_id(servers[0], cookies, args.patient)
        on_b = servers[1].request("sign-in", "GET", f"/patients/{pid}/diary/", cookies=cookies)
        checks.add(
            on_b.status == 200,
            f"a session made on A serves on B (diary on B answered {on_b.status})",
        )
        say(f"signed in on A, patient {pid}; the session works on B: {on_b.status == 200}")

        load = Load(servers, cookies, pid, args)
        outage = None
        threads = [threading.Thread(target=load.worker, daemon=True) for _ in range(args.threads)]
        if not external and not args.no_restart:
            outage = Outage(postgres, load, args)
            threads.append(threading.Thread(target=outage.run, daemon=True))
        say(f"load: {len(load.tasks)} tasks, {args.requests} requests, {args.threads} threads")
        started = now()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        load.elapsed = now() - started

        found = "no saves"
        if external:
            if not args.read_only:
                found = check_saves_over_http(checks, load.saves, servers[1], cookies, pid)
        else:
            found = check_saves_in_database(checks, load.saves, postgres.url, pid)
            checks.add(all(servers_local.alive()), "both gunicorns ran throughout (no restart)")
        planned = sum(2 if t.kind == "save" else 1 for t in load.tasks)
        checks.add(load.next_task == len(load.tasks), f"all {planned} planned requests ran in time")
        confirmed = [s for s in load.saves if s.outcome == "confirmed"]
        invalid = [s for s in load.saves if s.outcome == "invalid"]
        checks.add(not invalid, f"no save refused by the form ({len(invalid)})")
        if load.saves:
            checks.add(confirmed, f"saves were confirmed ({len(confirmed)})")
        check_answers(checks, load, outage, args)
        if outage:
            checks.add(not outage.error, f"the restart ran ({outage.error or 'ok'})")
            limit = args.recover_within
            slow = {n: s for n, s in outage.recovered.items() if s is None or s > limit}
            checks.add(
                not slow,
                f"both instances serve again within {args.recover_within:g} s of the restart",
            )
            after = (outage.ready_at or float("inf")) + args.grace
            served = Counter(r.instance for r in load.results if r.ok and r.start > after)
            checks.add(
                all(served[server.name] for server in servers),
                f"the load went on after the restart on both instances ({dict(served)} answers)",
            )
        report(load, outage, args, checks, found)
    except Exception as error:
        if load:
            load.deadline = 0  # workers stop taking tasks
        checks.add(False, f"the run itself: {type(error).__name__}: {error}")
    finally:
        signal.alarm(0)
        if servers_local:
            servers_local.stop()
        if postgres:
            try:
                postgres.cleanup()
                if args.pg == "cluster":
                    recreate_database(postgres.url, drop_only=True)
            except Exception as error:
                checks.add(False, f"clean-up: {type(error).__name__}: {error}")
    checks.show()
    if servers_local:
        if checks.failed:
            print(servers_local.tail(15))
            print(f"gunicorn logs kept in {servers_local.logs}")
        else:
            shutil.rmtree(servers_local.logs, ignore_errors=True)
    say("done")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
