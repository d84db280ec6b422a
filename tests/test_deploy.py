"""deploy/: the Procfile of `make serve` and the production layout agree with each other."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent


def procfile() -> dict[str, list[str]]:
    lines = (ROOT / "deploy" / "Procfile").read_text().splitlines()
    return {
        name: shlex.split(command)
        for name, command in (line.split(":", 1) for line in lines if line.strip() and not line.startswith("#"))
    }


def test_the_procfile_runs_the_four_processes_of_the_topology():
    processes = procfile()
    assert sorted(processes) == ["proxy", "scheduler", "web", "worker"]
    web = processes["web"]
    assert web[:2] == ["gunicorn", "cms.wsgi"]
    assert web[web.index("--bind") + 1] == "127.0.0.1:8001"
    assert (web[web.index("--workers") + 1], web[web.index("--threads") + 1]) == ("2", "8")
    assert web[web.index("--worker-class") + 1] == "gthread"
    # The management commands it names exist (db_worker: django-tasks-db; run_scheduler: ours).
    commands = get_commands()
    for name in ("worker", "scheduler"):
        assert processes[name][:2] == ["python", "manage.py"] and processes[name][2] in commands
    assert processes["proxy"][0] == "varnishd" and "-F" in processes["proxy"]


def test_the_proxy_forwards_to_the_address_gunicorn_binds():
    vcl = (ROOT / "deploy" / "varnish" / "default.vcl").read_text()
    backend = re.search(r"backend \w+ \{[^}]*?\.host = \"([^\"]+)\";\s*\.port = \"(\d+)\";", vcl)
    assert backend is not None and f"{backend[1]}:{backend[2]}" == "127.0.0.1:8001"
