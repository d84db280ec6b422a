"""Local HTTP servers for the link checker's tests: on loopback only, never the internet.

``LinkServer`` answers each path as a test says (``route``): a status, a redirect, a delay, a
HEAD answer of its own; it records every request (method, path, user agent, time) and the
largest number of requests it was handling at once."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cms.linkcheck.checker import CheckerConfig, LinkChecker


@dataclass
class Route:
    status: int = 200
    location: str | None = None
    delay: float = 0.0  # seconds before answering
    head_status: int | None = None  # HEAD answered differently (405: "use GET")


@dataclass
class Request:
    method: str
    path: str
    user_agent: str
    at: float


@dataclass
class LinkServer:
    host: str = "127.0.0.1"
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    active: int = 0
    max_active: int = 0

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                with server.lock:
                    server.requests.append(
                        Request(self.command, self.path, self.headers.get("User-Agent", ""), time.monotonic())
                    )
                    server.active += 1
                    server.max_active = max(server.max_active, server.active)
                route = server.routes.get(self.path.split("?", 1)[0], Route(404))
                try:
                    if route.delay:
                        time.sleep(route.delay)
                finally:
                    # Before the answer: the client cannot start its next request while this one counts.
                    with server.lock:
                        server.active -= 1
                status = route.head_status if self.command == "HEAD" and route.head_status else route.status
                body = b"page"
                self.send_response(status)
                if route.location:
                    self.send_header("Location", route.location)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    with contextlib.suppress(OSError):  # the checker reads headers only, may have closed
                        self.wfile.write(body)

            do_GET = do_HEAD = _answer

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer((self.host, 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        # A short poll: shutdown() waits for it, at every test's end.
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def route(self, path: str, status: int = 200, **fields) -> str:
        self.routes[path] = Route(status, **fields)
        return self.url(path)

    def paths(self) -> list[tuple[str, str]]:
        return [(request.method, request.path) for request in self.requests]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def config(**fields) -> CheckerConfig:
    """Tiny timeouts and no per-host delay unless a test says otherwise; loopback allowed."""
    values = {
        "user_agent": "GovSiteClusterLinkChecker/1.0 (+http://cluster.test)",
        "connect_timeout": 1.0,
        "read_timeout": 0.3,
        "concurrency": 8,
        "per_host": 2,
        "host_delay": 0.0,
        "max_redirects": 5,
        "allow_loopback": True,
        **fields,
    }
    return CheckerConfig(**values)


def checker(**fields) -> LinkChecker:
    return LinkChecker(config(**fields))


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
