"""A real varnishd running deploy/varnish/default.vcl on loopback, and a backend the tests control.

The VCL is the shipped file with only the backend's port (and, where a test says so, the
purge ACL or the short grace) replaced: ``render_vcl`` refuses to run if the text it
replaces is gone, so the tests cannot drift from the file operators deploy."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

VCL = Path(__file__).resolve().parents[2] / "deploy" / "varnish" / "default.vcl"
PARAMS = VCL.parent / "varnishd.params"  # what deploy/Procfile passes varnishd
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"

DEFAULT_PURGERS = 'acl purgers {\n    "127.0.0.1";\n    "::1";\n}'
HEALTHY_GRACE = "set req.grace = 30s;"
PROBE = re.compile(r"\n    \.probe = \{.*?\n    \}\n", re.S)


def _replace_once(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        raise AssertionError(f"{VCL} no longer contains {old!r} exactly once: update tests/serving/conftest.py")
    return text.replace(old, new)


def probe_path() -> str:
    """The path the VCL's health probe asks for: the stub backend answers it 200, as the app does."""
    return probe_request().split()[1].decode()


def probe_request() -> bytes:
    """The raw request the VCL's health probe sends."""
    block = PROBE.search(VCL.read_text())
    assert block, f"{VCL} has no backend probe"
    lines = re.findall(r'"([^"]*)"', block.group(0).split(".request =", 1)[1].split(";", 1)[0])
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def render_vcl(
    backend_port: int, *, purgers: list[str] | None = None, healthy_grace: str | None = None, probe: bool = True
) -> str:
    """The shipped VCL pointed at ``127.0.0.1:backend_port``; ``purgers`` replaces the PURGE ACL,
    ``healthy_grace`` the 30 s a stale copy is served while the app is up; ``probe=False`` drops
    the health probe (pytest-django's live server refuses database access between tests, which
    would make the probe find the app sick at random)."""
    text = _replace_once(VCL.read_text(), '.port = "8001";', f'.port = "{backend_port}";')
    if not probe:
        assert len(PROBE.findall(text)) == 1, f"{VCL}: the probe block changed, update tests/serving/conftest.py"
        text = PROBE.sub("\n", text)
    if purgers is not None:
        entries = "".join(f'    "{address}";\n' for address in purgers)
        text = _replace_once(text, DEFAULT_PURGERS, f"acl purgers {{\n{entries}}}")
    if healthy_grace is not None:
        text = _replace_once(text, HEALTHY_GRACE, f"set req.grace = {healthy_grace};")
    return text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Varnish:
    workdir: Path
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str, host: str = "site.test", **kwargs) -> requests.Response:
        headers = {"Host": host, **kwargs.pop("headers", {})}
        return requests.get(self.url + path, headers=headers, timeout=10, allow_redirects=False, **kwargs)

    def request(self, method: str, path: str, host: str = "site.test", **kwargs) -> requests.Response:
        headers = {"Host": host, **kwargs.pop("headers", {})}
        return requests.request(method, self.url + path, headers=headers, timeout=10, allow_redirects=False, **kwargs)

    def admin(self, *command: str) -> str:
        return subprocess.run(
            ["varnishadm", "-n", str(self.workdir), *command], capture_output=True, text=True, check=True, timeout=10
        ).stdout

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _require_varnishd() -> None:
    if os.path.exists(VARNISHD):
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"varnishd not found at {VARNISHD}: CI must install it (apt-get install varnish varnish-modules).")
    pytest.skip("varnishd not found: apt-get install varnish varnish-modules to run the front-proxy tests")


@pytest.fixture(scope="session")
def start_varnish(tmp_path_factory) -> Iterator:
    """``start_varnish(vcl_text)``: a varnishd in the foreground on a free loopback port,
    answering once its VCL is loaded; every one started is stopped at the session's end."""
    _require_varnishd()
    started: list[Varnish] = []

    def start(vcl_text: str) -> Varnish:
        workdir = tmp_path_factory.mktemp("varnish")
        (workdir / "default.vcl").write_text(vcl_text)
        port = free_port()
        process = subprocess.Popen(
            [VARNISHD, "-F", "-j", "none", "-n", str(workdir), "-a", f"127.0.0.1:{port}"]
            + ["-f", str(workdir / "default.vcl"), *PARAMS.read_text().split(), "-T", "127.0.0.1:0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        varnish = Varnish(workdir, port, process)
        started.append(varnish)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"varnishd exited: {process.stdout.read().decode(errors='replace')}")
            try:
                # Answered by Varnish itself (200, or 405 outside the ACL): the backend may not be up yet.
                requests.request("PURGE", varnish.url + "/", headers={"xkey-purge": "ready"}, timeout=1)
                return varnish
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("varnishd did not answer within 30 s")

    yield start
    for varnish in started:
        varnish.stop()


# --- a backend whose every answer the test decides ------------------------------------


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: str = "ok"


class StubBackend:
    """An HTTP server in this process: ``answer(path, …)`` sets what a path returns,
    ``hits(path)`` counts the requests that reached it (what Varnish did not answer itself)."""

    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.received: list[tuple[str, str, dict[str, str]]] = []  # method, path with query, headers
        self.lock = threading.Lock()
        self.connections: list[socket.socket] = []
        self.failures: list[int] = []  # statuses for the next requests, whatever their path
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                with stub.lock:
                    stub.connections.append(self.request)

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                with stub.lock:
                    stub.received.append((self.command, self.path, dict(self.headers)))
                    failure = stub.failures.pop(0) if stub.failures else None
                path = self.path.split("?", 1)[0]
                answer = stub.answers.get(path, Answer() if path == probe_path() else Answer(404, body="none"))
                if failure is not None:
                    answer = Answer(failure, body="failing")
                body = answer.body.encode()
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PURGE = _answer

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, path: str, body: str = "ok", status: int = 200, **headers: str) -> None:
        """Header names as keywords: ``Cache_Control="…"`` is sent as ``Cache-Control``."""
        self.answers[path] = Answer(status, {name.replace("_", "-"): value for name, value in headers.items()}, body)

    def hits(self, path: str) -> int:
        with self.lock:
            return sum(1 for method, received, _ in self.received if received.split("?", 1)[0] == path)

    def requests_to(self, path: str) -> list[tuple[str, str, dict[str, str]]]:
        with self.lock:
            return [entry for entry in self.received if entry[1].split("?", 1)[0] == path]

    def stop(self) -> None:
        """Down for good: the listening socket and Varnish's kept-alive connections closed."""
        self.server.shutdown()
        self.server.server_close()
        with self.lock:
            for connection in self.connections:
                with contextlib.suppress(OSError):  # already closed by the client
                    connection.shutdown(socket.SHUT_RDWR)


PUBLIC = "public, max-age=0, s-maxage=300"  # what sites/page_cache.py sends


@pytest.fixture(scope="session")
def stub_backend() -> Iterator[StubBackend]:
    stub = StubBackend()
    yield stub
    stub.stop()


@pytest.fixture(scope="session")
def varnish(start_varnish, stub_backend) -> Varnish:
    """The shipped VCL in front of the stub backend, shared by the session: each test uses paths of its own."""
    return start_varnish(render_vcl(stub_backend.port))


@pytest.fixture(scope="session")
def strict_varnish(start_varnish, stub_backend) -> Varnish:
    """The shipped VCL with a purgers ACL that does not hold 127.0.0.1, the tests' own address."""
    return start_varnish(render_vcl(stub_backend.port, purgers=["192.0.2.10"]))


@pytest.fixture
def path() -> str:
    """A path no other test uses, so the shared cache holds nothing for it yet."""
    return f"/t/{uuid.uuid4().hex}/"
