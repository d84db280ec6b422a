"""The real processes the serving benchmarks run on loopback: gunicorn, Varnish, nginx, and wrk
to load them. Shared by bench/pages.py and bench/serving.py; import after ``harness.setup``."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import harness

WRK = shutil.which("wrk")
VARNISHD = shutil.which("varnishd") or ("/usr/sbin/varnishd" if Path("/usr/sbin/varnishd").exists() else None)
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
VCL = harness.REPO_ROOT / "deploy" / "varnish" / "default.vcl"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def fetch(port: int, host: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of one GET on loopback."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _wait_until(ready, process: subprocess.Popen, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except OSError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with status {process.returncode}")
        time.sleep(0.3)
    stop(process)
    raise RuntimeError(f"{what} did not answer within {seconds:.0f} s")


def stop(process: subprocess.Popen) -> None:
    """Stop the process group started with ``start_new_session``."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def start_gunicorn(
    port: int, *, workers: int, threads: int, extra_env: dict[str, str] | None = None
) -> subprocess.Popen:
    """gunicorn with the production settings against the benchmark's database and cache."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "localhost,.localhost",
        "DATABASE_URL": database_url(),
        "DB_CONN_MAX_AGE": "600",  # persistent connections, as a deployment uses
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback, as behind the proxy that ends TLS
        "LOG_LEVEL": "WARNING",
        **(extra_env or {}),
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "cms.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        "--worker-class=gthread" if threads > 1 else "--worker-class=sync",
        "--log-level=warning",
        f"--chdir={harness.REPO_ROOT}",
    ]
    process = subprocess.Popen(command, env=env, start_new_session=True)
    _wait_until(lambda: fetch(port, "localhost", "/")[0] == 200, process, "gunicorn")
    return process


PARAMS = VCL.parent / "varnishd.params"


def start_varnish(port: int, backend_ports: list[int], workdir: Path) -> subprocess.Popen:
    """varnishd running the shipped VCL, its backend moved to the app servers on ``backend_ports``
    (several: the same backend definition once per port, requests shared round-robin)."""
    text = VCL.read_text()
    start = text.index("backend app {")
    end = text.index("\n}\n", start) + 3
    block = text[start:end]
    backends = "".join(
        block.replace("backend app {", f"backend app{n} {{", 1).replace('.port = "8001";', f'.port = "{p}";', 1)
        for n, p in enumerate(backend_ports)
    )
    pool = "".join(f"    app_pool.add_backend(app{n});\n" for n in range(len(backend_ports)))
    text = text[:start] + backends + text[end:]
    text = text.replace("import xkey;", "import xkey;\nimport directors;", 1)
    text = text.replace(
        "sub vcl_recv {",
        f"sub vcl_init {{\n    new app_pool = directors.round_robin();\n{pool}}}\n\n"
        "sub vcl_recv {\n    set req.backend_hint = app_pool.backend();",
        1,
    )
    vcl = workdir / "bench.vcl"
    vcl.write_text(text)
    command = [VARNISHD, "-F", "-n", str(workdir / "varnish"), "-a", f"127.0.0.1:{port}", "-f", str(vcl)]
    command += PARAMS.read_text().split()  # the shipped parameters, as deploy/Procfile passes them
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL)
    _wait_until(lambda: fetch(port, "localhost", "/")[0] == 200, process, "varnishd")
    return process


def varnish_counters(workdir: Path) -> dict[str, int]:
    """MAIN.* counters of the benchmark's varnishd (varnishstat -1)."""
    output = subprocess.run(
        ["varnishstat", "-n", str(workdir / "varnish"), "-1", "-f", "MAIN.cache_*"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {line.split()[0]: int(line.split()[1]) for line in output.splitlines() if line.strip()}


def start_nginx(port: int, root: Path, workdir: Path) -> subprocess.Popen:
    """nginx serving the files under ``root`` (the static baseline)."""
    conf = workdir / "nginx.conf"
    conf.write_text(
        f"""worker_processes 2;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    keepalive_requests 100000;
    types {{ text/html html; }}
    server {{ listen 127.0.0.1:{port}; root {root}; }}
}}
"""
    )
    process = subprocess.Popen([NGINX, "-c", str(conf), "-g", "daemon off;"], start_new_session=True)
    _wait_until(lambda: fetch(port, "localhost", "/page.html")[0] == 200, process, "nginx")
    return process


@dataclass(frozen=True)
class Load:
    rate: float
    p50: str
    p99: str
    errors: str


def wrk(
    port: int,
    host: str,
    path: str,
    *,
    seconds: int,
    connections: int,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
) -> Load:
    """requests/s and latency of ``path`` under wrk (``script``: a Lua script choosing the requests)."""
    command = [WRK, "--latency", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "-H", f"Host: {host}"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    if "Non-2xx" in output:
        raise RuntimeError(f"wrk saw error responses for {host}{path}:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)
    # Timeouts (no answer within wrk's 2 s) are reported, not fatal: a loaded machine has some.
    errors = re.search(r"Socket errors: (.*)", output)
    return Load(rate, p50, p99, errors.group(1) if errors else "")


def workdir(name: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    path.chmod(0o755)  # varnishd reads its VCL as its own unprivileged user
    return path
