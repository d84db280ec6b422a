"""The external link checker: HTTP only, no database (``actions.py`` stores what it finds).

Bounded on every side, since it runs unattended against other people's servers:

- at most ``concurrency`` requests at once, at most ``per_host`` to one host, and requests to
  one host started at least ``host_delay`` seconds apart (redirect hops included);
- a connect and a read timeout on every request; at most ``max_redirects`` hops, a hop back to
  an address already seen is a loop;
- ``HEAD`` first, ``GET`` (headers only, the body is never read) when the server refuses HEAD
  (405, 501);
- never contacted: other schemes than http(s), hosts of the deny list, and any host resolving to
  an address that is not public (private, loopback, link-local, shared, reserved, multicast) —
  the address is checked on the socket actually opened, after resolution, so neither a redirect
  nor DNS can lead the checker into the intranet (SSRF). Loopback is allowed only by a setting
  the tests set (``LINKCHECK_ALLOW_LOOPBACK``).

Connections are made by ``http.client`` on a socket we open ourselves (``_Connector``), so that
check cannot be bypassed by a proxy from the environment or a second resolution.
"""

from __future__ import annotations

import fnmatch
import http.client
import ipaddress
import logging
import socket
import ssl
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import zip_longest
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .models import LinkStatus
from .results import normalize_url

logger = logging.getLogger(__name__)

HEAD_REFUSED = (405, 501)  # the server does not do HEAD: ask again with GET
# Characters left as they are when a path or query holding spaces or Chinese is percent-encoded.
SAFE_PATH = "/%:@!$&'()*+,;=-._~"
SAFE_QUERY = SAFE_PATH + "?"


@dataclass(frozen=True)
class CheckerConfig:
    user_agent: str
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    concurrency: int = 8
    per_host: int = 2
    host_delay: float = 0.5
    max_redirects: int = 5
    deny_hosts: tuple[str, ...] = ()
    allow_loopback: bool = False

    @classmethod
    def from_settings(cls) -> CheckerConfig:
        user_agent = settings.LINKCHECK_USER_AGENT
        if not user_agent.isascii():
            raise ImproperlyConfigured("LINKCHECK_USER_AGENT must be ASCII (an HTTP header).")
        return cls(
            user_agent=user_agent,
            connect_timeout=settings.LINKCHECK_CONNECT_TIMEOUT,
            read_timeout=settings.LINKCHECK_READ_TIMEOUT,
            concurrency=settings.LINKCHECK_CONCURRENCY,
            per_host=settings.LINKCHECK_PER_HOST,
            host_delay=settings.LINKCHECK_HOST_DELAY,
            max_redirects=settings.LINKCHECK_MAX_REDIRECTS,
            deny_hosts=tuple(pattern.lower() for pattern in settings.LINKCHECK_DENY_HOSTS),
            allow_loopback=settings.LINKCHECK_ALLOW_LOOPBACK,
        )


@dataclass(frozen=True)
class Outcome:
    """What one check found: a ``LinkStatus``, the last HTTP status, why, and where redirects ended."""

    status: str
    http_code: int | None = None
    error: str = ""
    final_url: str = ""


class Denied(Exception):
    """An address the checker must not contact: its message says why, in Chinese."""


class _ConnectTimeout(TimeoutError):
    pass


def host_is_denied(host: str, patterns: Iterable[str]) -> bool:
    """A deny-list entry names a host and its subdomains (``example.com``), or is a shell-style
    pattern (``*.internal.example.com``, ``10.*``)."""
    host = host.lower().rstrip(".")
    for pattern in patterns:
        if any(mark in pattern for mark in "*?["):
            if fnmatch.fnmatchcase(host, pattern):
                return True
        elif host == pattern or host.endswith("." + pattern):
            return True
    return False


def address_is_public(address: str, *, allow_loopback: bool = False) -> bool:
    """Whether the checker may connect to ``address``: a global unicast address (loopback too when allowed)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return allow_loopback
    return ip.is_global and not ip.is_multicast


class HostGate:
    """At most ``per_host`` requests at once to one host, their starts ``delay`` seconds apart."""

    def __init__(self, per_host: int, delay: float) -> None:
        self.per_host = max(per_host, 1)
        self.delay = max(delay, 0.0)
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._next_start: dict[str, float] = {}

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        with self._lock:
            semaphore = self._slots.setdefault(host, threading.BoundedSemaphore(self.per_host))
        with semaphore:
            if self.delay:
                with self._lock:
                    now = time.monotonic()
                    start = max(now, self._next_start.get(host, now))
                    self._next_start[host] = start + self.delay
                if start > now:
                    time.sleep(start - now)
            yield


class _Connector:
    """Opens the socket of a request: resolves the host, refuses it when any address is not
    public, connects with the connect timeout and leaves the read timeout on the socket."""

    def __init__(self, config: CheckerConfig) -> None:
        self.config = config

    def __call__(self, host: str, port: int) -> socket.socket:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        for info in infos:
            address = info[4][0]
            if not address_is_public(address, allow_loopback=self.config.allow_loopback):
                raise Denied(f"{host} 解析为内网或保留地址 {address}，不检查")
        error: OSError = OSError(f"{host} 没有可用的地址")
        for family, kind, proto, _name, address in infos:
            sock = socket.socket(family, kind, proto)
            sock.settimeout(self.config.connect_timeout)
            try:
                sock.connect(address)
            except TimeoutError:
                sock.close()
                error = _ConnectTimeout()
                continue
            except OSError as failure:
                sock.close()
                error = failure
                continue
            sock.settimeout(self.config.read_timeout)
            return sock
        raise error


class _HTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, connector: _Connector) -> None:
        super().__init__(host, port)
        self._connector = connector

    def connect(self) -> None:
        self.sock = self._connector(self.host, self.port)


class _HTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, connector: _Connector, context: ssl.SSLContext) -> None:
        super().__init__(host, port, context=context)
        self._connector = connector
        self._tls = context

    def connect(self) -> None:
        self.sock = self._tls.wrap_socket(self._connector(self.host, self.port), server_hostname=self.host)


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII (IDNA)
    port: int
    path: str  # path and query, percent-encoded

    @classmethod
    def of(cls, url: str) -> _Target:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Denied("不是 http(s) 地址，不检查")
        try:
            host = parts.hostname.encode("idna").decode("ascii")
        except UnicodeError as error:
            raise ValueError(f"域名无效：{parts.hostname}") from error
        port = parts.port or (443 if parts.scheme == "https" else 80)
        path = quote(parts.path or "/", safe=SAFE_PATH)
        if parts.query:
            path += "?" + quote(parts.query, safe=SAFE_QUERY)
        return cls(parts.scheme, host, port, path)


class LinkChecker:
    """``check(url)`` one address; ``check_all(urls)`` many, in a bounded thread pool."""

    def __init__(self, config: CheckerConfig | None = None) -> None:
        self.config = config or CheckerConfig.from_settings()
        self.gate = HostGate(self.config.per_host, self.config.host_delay)
        self._connector = _Connector(self.config)
        self._tls = ssl.create_default_context()

    def check_all(self, urls: Iterable[str]) -> Iterator[tuple[str, Outcome]]:
        """(url, outcome) of each address as its check ends. Addresses are handed to the pool
        host by host in turn, so that the workers are not all waiting on one busy host."""
        ordered = _interleaved_by_host(urls)
        if not ordered:
            return
        with ThreadPoolExecutor(max(self.config.concurrency, 1), thread_name_prefix="linkcheck") as pool:
            futures = {pool.submit(self.check, url): url for url in ordered}
            for future in as_completed(futures):
                yield futures[future], future.result()

    def check(self, url: str) -> Outcome:
        """Never raises: every failure is an outcome."""
        try:
            return self._follow(url)
        except Denied as error:
            return Outcome(LinkStatus.DENIED, error=str(error))
        except _ConnectTimeout:
            return Outcome(LinkStatus.TIMEOUT, error=f"连接超时（{self.config.connect_timeout:g}秒）")
        except TimeoutError:
            return Outcome(LinkStatus.TIMEOUT, error=f"响应超时（{self.config.read_timeout:g}秒）")
        except ConnectionRefusedError:
            return Outcome(LinkStatus.REFUSED, error="服务器拒绝连接")
        except socket.gaierror:
            return Outcome(LinkStatus.BROKEN, error="域名无法解析")
        except ssl.SSLCertVerificationError as error:
            return Outcome(LinkStatus.BROKEN, error=f"证书校验失败：{error.verify_message}"[:500])
        except ssl.SSLError as error:
            return Outcome(LinkStatus.BROKEN, error=f"加密连接失败：{error.reason or error}"[:500])
        except http.client.InvalidURL:
            return Outcome(LinkStatus.BROKEN, error="地址无效")
        except (http.client.HTTPException, ConnectionError) as error:
            return Outcome(LinkStatus.BROKEN, error=f"连接中断或响应无效：{type(error).__name__}")
        except (OSError, ValueError) as error:
            return Outcome(LinkStatus.BROKEN, error=str(error)[:500] or type(error).__name__)
        except Exception as error:  # a bug of ours must not stop the other checks of the run
            logger.exception("link check of %s failed", url)
            return Outcome(LinkStatus.BROKEN, error=f"检查出错：{type(error).__name__}")

    def _follow(self, url: str) -> Outcome:
        seen = [url]
        current = url
        code = None
        for _hop in range(self.config.max_redirects + 1):
            target = _Target.of(current)
            if host_is_denied(target.host, self.config.deny_hosts):
                raise Denied(f"{target.host} 在禁止检查名单中")
            code, location = self._request(target)
            if 300 <= code < 400 and code != 304 and location:
                following = normalize_url(urljoin(current, location.strip()))
                if following is None:
                    raise Denied(f"重定向到非 http(s) 地址，不检查：{location[:200]}")
                if following in seen:
                    return Outcome(LinkStatus.REDIRECT_LOOP, code, f"重定向循环：{following}"[:500])
                seen.append(following)
                current = following
                continue
            final = current if current != url else ""
            if 200 <= code < 300:
                return Outcome(LinkStatus.OK, code, final_url=final)
            return Outcome(LinkStatus.BROKEN, code, f"HTTP {code}", final_url=final)
        return Outcome(LinkStatus.REDIRECT_LOOP, code, f"重定向超过{self.config.max_redirects}次")

    def _request(self, target: _Target) -> tuple[int, str | None]:
        code, location = self._send("HEAD", target)
        if code in HEAD_REFUSED:
            code, location = self._send("GET", target)
        return code, location

    def _send(self, method: str, target: _Target) -> tuple[int, str | None]:
        with self.gate.slot(target.host):
            if target.scheme == "https":
                connection = _HTTPSConnection(target.host, target.port, self._connector, self._tls)
            else:
                connection = _HTTPConnection(target.host, target.port, self._connector)
            try:
                connection.request(
                    method,
                    target.path,
                    headers={"User-Agent": self.config.user_agent, "Accept": "*/*", "Connection": "close"},
                )
                response = connection.getresponse()  # status line and headers only
                return response.status, response.getheader("Location")
            finally:
                connection.close()


def _host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _interleaved_by_host(urls: Iterable[str]) -> list[str]:
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in dict.fromkeys(urls):
        by_host[_host_of(url)].append(url)
    return [url for round_ in zip_longest(*by_host.values()) for url in round_ if url is not None]
