"""Benchmark: serving the cluster through its front proxy, on the production topology.

Issue "serving". On the demo cluster grown to ``SERVING_BENCH_SITES`` sites it starts two
gunicorn app servers (``cms.settings.production``, persistent database connections), Varnish
with the shipped VCL (deploy/varnish/default.vcl) in front of both (round-robin), and nginx for the
static baseline, all on loopback, and prints:

1. **proxy vs static**: requests/s of a cached article through Varnish and of the very same
   bytes served by nginx as a static file, side by side (goal: proxy ≥ 50 % of static);
2. **hit rate** at the proxy over every site's home page, top-level columns and newest
   articles while an editor publishes one item every 2 seconds in one township (goal ≥ 95 %,
   from Varnish's own hit and miss counters);
3. **takedown**: time from the commit of a takedown of an item with 100 aliases until no
   affected URL — the aliases and the columns listing them — serves it through the proxy
   (goal ≤ 1 s);
4. **uncached**: render throughput of the article page under gunicorn when no cache answers
   (a session cookie passes both caches), the floor when everything is cold;
5. **coherency**: after one publish, both app servers and the proxy serve the new list.

Each figure with its p99 latency where wrk measures one.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench REDIS_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python bench/serving.py

Needs the Debian packages ``varnish``, ``varnish-modules``, ``nginx`` and ``wrk``, PostgreSQL
and Redis (the app servers and this process share the database and the cache). Settings
(environment): ``SERVING_BENCH_SITES`` (default 30), ``SERVING_BENCH_SECONDS`` (wrk runs,
default 10), ``SERVING_BENCH_CONNECTIONS`` (default 64), ``SERVING_BENCH_WORKERS`` ×
``SERVING_BENCH_THREADS`` per app server (default 2 × 8).
"""

from __future__ import annotations

import os
import secrets
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import harness
import processes

for tool, name in ((processes.WRK, "wrk"), (processes.VARNISHD, "varnish"), (processes.NGINX, "nginx")):
    if tool is None:
        sys.exit(f"bench/serving.py needs {name}: apt-get install -y wrk varnish varnish-modules nginx")
if not (os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")):
    sys.exit("bench/serving.py needs PostgreSQL and Redis: set DATABASE_URL and REDIS_URL")

PROXY_PORT = processes.free_port()
PROXY_URL = f"http://127.0.0.1:{PROXY_PORT}"
harness.setup("serving")

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402

from cms.content.models import ArticlePage, ColumnPage  # noqa: E402
from cms.syndication.takedown import take_down  # noqa: E402
from core.publishing import review_waived  # noqa: E402
from tests.conftest import publish_article  # noqa: E402

SITES = int(os.environ.get("SERVING_BENCH_SITES", "30"))
SECONDS = int(os.environ.get("SERVING_BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("SERVING_BENCH_CONNECTIONS", "64"))
WORKERS = int(os.environ.get("SERVING_BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("SERVING_BENCH_THREADS", "8"))
COPIES = 100
PUBLISH_EVERY = 2.0
GOALS = {"static": 0.5, "hit_rate": 0.95, "takedown": 1.0}


def publish(column: ColumnPage, title: str) -> ArticlePage:
    """A new item, live (the shared helper publishes and reads the page back), under a slug of its own."""
    return publish_article(column, title, slug=f"b{time.time_ns()}")


def url_of(page: Page) -> tuple[str, str]:
    _site_id, root_url, path = page.get_url_parts()
    return root_url.split("://", 1)[1].split(":")[0], path


def township_column() -> ColumnPage:
    home = Site.objects.get(hostname="shuiyang.localhost").root_page
    return ColumnPage.objects.child_of(home).get(slug="gzdt")


def mixed_urls() -> list[tuple[str, str]]:
    """Every site's home page, its menu columns and its three newest articles."""
    urls = []
    for site in Site.objects.select_related("root_page"):
        home = site.root_page
        urls.append((site.hostname, "/"))
        for column in ColumnPage.objects.child_of(home).live().in_menu():
            urls.append((site.hostname, url_of(column)[1]))
        newest = ArticlePage.objects.descendant_of(home).live().order_by("-publication_date")[:3]
        urls += [(site.hostname, url_of(article)[1]) for article in newest]
    return urls


def lua_rotation(urls: list[tuple[str, str]], workdir) -> object:
    """A wrk script sending the requests of ``urls`` in turn, each with its Host."""
    rows = ",\n".join(f'  wrk.format("GET", "{path}", {{Host = "{host}"}})' for host, path in urls)
    script = workdir / "rotation.lua"
    script.write_text(
        f"local requests = {{\n{rows}\n}}\nlocal n = 0\n"
        "request = function()\n  n = n % #requests + 1\n  return requests[n]\nend\n"
    )
    return script


def static_vs_proxy(app_port: int, workdir) -> bool:
    host, path = "localhost", url_of(ArticlePage.objects.filter(url_path__startswith="/localhost/").live().first())[1]
    for _ in range(3):  # cached at the proxy
        status, headers, body = processes.fetch(PROXY_PORT, host, path)
    assert status == 200 and headers.get("X-Cache") == "HIT", (status, headers.get("X-Cache"))
    root = workdir / "static"
    root.mkdir()
    (root / "page.html").write_bytes(body)
    nginx_port = processes.free_port()
    nginx = processes.start_nginx(nginx_port, root, workdir)
    try:
        proxy = processes.wrk(PROXY_PORT, host, path, seconds=SECONDS, connections=CONNECTIONS)
        static = processes.wrk(nginx_port, host, "/page.html", seconds=SECONDS, connections=CONNECTIONS)
    finally:
        processes.stop(nginx)
    ratio = proxy.rate / static.rate
    print(f"1. cached article ({len(body):,} bytes), wrk {SECONDS} s × {CONNECTIONS} connections")
    print(f"   through Varnish   {proxy.rate:9.0f} requests/s  p50 {proxy.p50}  p99 {proxy.p99} {proxy.errors}")
    print(f"   nginx static file {static.rate:9.0f} requests/s  p50 {static.p50}  p99 {static.p99} {static.errors}")
    ok = ratio >= GOALS["static"]
    print(f"   proxy at {ratio:.0%} of static (goal ≥ {GOALS['static']:.0%}): {'yes' if ok else 'NO'}")
    return ok


def hit_rate_while_publishing(workdir) -> bool:
    urls = mixed_urls()
    for host, path in urls:  # one pass: what may be cached is
        processes.fetch(PROXY_PORT, host, path)
    column, published, stop = township_column(), [], threading.Event()

    def editor() -> None:
        try:
            while not stop.wait(PUBLISH_EVERY):
                published.append(publish(column, f"压测期间发布的第{len(published) + 1}条信息"))
        finally:
            connection.close()

    before = processes.varnish_counters(workdir)
    thread = threading.Thread(target=editor)
    thread.start()
    try:
        load = processes.wrk(
            PROXY_PORT,
            "localhost",
            "/",
            seconds=max(SECONDS, 20),
            connections=CONNECTIONS,
            script=lua_rotation(urls, workdir),
        )
    finally:
        stop.set()
        thread.join()
    after = processes.varnish_counters(workdir)
    hits = after["MAIN.cache_hit"] - before["MAIN.cache_hit"]
    misses = after["MAIN.cache_miss"] - before["MAIN.cache_miss"]
    rate = hits / (hits + misses)
    ok = rate >= GOALS["hit_rate"]
    print(f"2. mixed load over {len(urls)} URLs of {Site.objects.count()} sites, {len(published)} publishes")
    print(f"   (one every {PUBLISH_EVERY:.0f} s in one township): {load.rate:.0f} requests/s, p99 {load.p99}")
    print(
        f"   hit rate {rate:.1%} ({hits:,} hits, {misses:,} misses) (goal ≥ {GOALS['hit_rate']:.0%}): "
        f"{'yes' if ok else 'NO'}"
    )
    return ok


def takedown_latency() -> bool:
    """Every affected URL requested at once, again and again from the commit on: the figure is when
    the last URL's first answer without the item was asked for (a proxy decides at arrival whether
    it answers from its copy), and when that answer had arrived (the page rendered anew)."""
    item = publish(township_column(), "压测用的将被撤下的信息")
    columns = list(ColumnPage.objects.live().exclude(pk=item.get_parent().pk).order_by("path")[:COPIES])
    with review_waived("压测：推送"):  # as an accepted push creates them (cms.syndication.push)
        aliases = [item.create_alias(parent=column, update_slug=f"copy{n}") for n, column in enumerate(columns)]
    affected = [url_of(page) for page in [item, *aliases]] + [url_of(column) for column in columns]
    with ThreadPoolExecutor(32) as pool:
        for _ in range(2):
            list(pool.map(lambda url: processes.fetch(PROXY_PORT, *url), affected))
    answers = {url: processes.fetch(PROXY_PORT, *url) for url in affected}
    states = {url: f"{status} {headers.get('X-Cache')}" for url, (status, headers, _) in answers.items()}
    cached = sum(state == "200 HIT" for state in states.values())
    uncached = [f"{host}{path} ({state})" for (host, path), state in states.items() if state != "200 HIT"]
    if uncached:
        print(f"   (not cached at the proxy, e.g. {', '.join(uncached[:3])})", file=sys.stderr)
        example = next(url for url, state in states.items() if state != "200 HIT")
        print(f"   (its headers: {processes.fetch(PROXY_PORT, *example)[1]})", file=sys.stderr)
    actor = get_user_model().objects.filter(is_superuser=True).first()
    first_clean: dict[tuple[str, str], tuple[float, float]] = {}
    stale_answers = []

    def poll(url, committed: float) -> None:
        while url not in first_clean and time.perf_counter() - committed < 30:
            asked = time.perf_counter() - committed
            status, _, body = processes.fetch(PROXY_PORT, *url)
            if status in (404, 410) or item.title.encode() not in body:
                first_clean[url] = (asked, time.perf_counter() - committed)
            else:
                stale_answers.append(url)

    start = time.perf_counter()
    take_down(Page.objects.get(pk=item.pk), "gone", "压测：撤下", actor)
    committed = time.perf_counter()
    with ThreadPoolExecutor(len(affected)) as pool:
        list(pool.map(lambda url: poll(url, committed), affected))
    asked = max(times[0] for times in first_clean.values()) if len(first_clean) == len(affected) else float("inf")
    answered = max(times[1] for times in first_clean.values()) if first_clean else float("inf")
    ok = asked <= GOALS["takedown"]
    print(f"3. takedown of an item with {len(aliases)} aliases: {len(affected)} URLs (the item, its aliases and")
    print(f"   the columns listing them), {cached} of them cached at the proxy before; the takedown's commit")
    print(f"   took {committed - start:.2f} s (its purge sent on commit); every URL without the item when asked")
    print(
        f"   {asked:.2f} s after the commit (goal ≤ {GOALS['takedown']:.0f} s): {'yes' if ok else 'NO'};"
        f" the last fresh answer arrived {answered:.2f} s after it"
    )
    print(f"   answers after the commit that still showed the item: {len(stale_answers)}")
    return ok


def uncached_render(app_port: int) -> None:
    host, path = "localhost", url_of(ArticlePage.objects.filter(url_path__startswith="/localhost/").live().first())[1]
    load = processes.wrk(
        app_port, host, path, seconds=SECONDS, connections=16, headers={"Cookie": "sessionid=bench-uncached"}
    )
    print(f"4. article rendered on every request (session cookie: no cache), gunicorn {WORKERS}×{THREADS}:")
    print(f"   {load.rate:.0f} requests/s  p50 {load.p50}  p99 {load.p99} {load.errors}")


def coherency(app_ports: list[int]) -> bool:
    column = township_column()
    host, path = url_of(column)
    for port in [*app_ports, PROXY_PORT]:
        processes.fetch(port, host, path)
    title = "两台应用服务器一致性检查"
    start = time.perf_counter()
    publish(column, title)
    seen = {port: title.encode() in processes.fetch(port, host, path)[2] for port in [*app_ports, PROXY_PORT]}
    elapsed = time.perf_counter() - start
    ok = all(seen.values())
    print(
        f"5. one publish, then the column from app server 1, app server 2 and the proxy: "
        f"{'fresh on all three' if ok else f'STALE: {seen}'} ({elapsed * 1000:.0f} ms including the publish)"
    )
    return ok


def run() -> int:
    harness.print_machine()
    harness.load_demo()
    harness.timed(f"grow the cluster to {SITES} sites", lambda: harness.grow_cluster(SITES))
    harness.timed("collect static files", lambda: call_command("collectstatic", interactive=False, verbosity=0))
    workdir = processes.workdir("serving")
    ports = [processes.free_port(), processes.free_port()]
    # One secret for both app servers, as a deployment behind one proxy has.
    os.environ.setdefault("BENCH_SECRET_KEY", secrets.token_urlsafe(50))
    env = {"FRONT_PROXY_URLS": PROXY_URL, "LOG_LEVEL": "ERROR"}  # not every 410 of the takedown
    started = []
    try:
        for port in ports:
            started.append(processes.start_gunicorn(port, workers=WORKERS, threads=THREADS, extra_env=env))
        started.append(processes.start_varnish(PROXY_PORT, ports, workdir))
        # This process publishes and takes down too, once the proxy is up (not while the demo
        # loads): its purges go to the benchmark's Varnish, as the app servers' do.
        settings.FRONT_PROXY_URLS = [PROXY_URL]
        settings.WAGTAILFRONTENDCACHE = {"front_proxy": {"BACKEND": "sites.front_proxy.WagtailPurgeBackend"}}
        print(
            f"topology: Varnish :{PROXY_PORT} → gunicorn :{ports[0]} and :{ports[1]} (each {WORKERS}×{THREADS} "
            "gthread, round-robin); PostgreSQL and Redis shared"
        )
        print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}\n")
        ok = static_vs_proxy(ports[0], workdir)
        ok = hit_rate_while_publishing(workdir) and ok
        ok = takedown_latency() and ok
        uncached_render(ports[0])
        ok = coherency(ports) and ok
    finally:
        for process in reversed(started):
            processes.stop(process)
    print(f"\nload average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(harness.run_in_throwaway_database(run, "servingbench"))
