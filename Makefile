# The two commands of the README:  make run  (demo cluster)  and  make test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000

.PHONY: run setup demo scheduler serve test lint bench screenshots clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt | $(PY)
	$(PIP) install --quiet -r requirements-test.txt
	touch $@ $(VENV)/.installed

## run: install, migrate, load the demo cluster and serve it on http://localhost:$(PORT)
run: demo
	DJANGO_SETTINGS_MODULE=cms.settings.dev $(PY) manage.py runserver 0.0.0.0:$(PORT)

setup: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=cms.settings.dev $(PY) manage.py migrate --no-input

demo: setup
	DJANGO_SETTINGS_MODULE=cms.settings.dev $(PY) manage.py load_demo --port $(PORT)

## scheduler: the scheduled jobs (定时发布/到期下线 every minute, the daily ones) next to `make run`
scheduler: setup
	DJANGO_SETTINGS_MODULE=cms.settings.dev $(PY) manage.py run_scheduler

# `make serve`: the production settings on this machine's PostgreSQL and Redis, over plain
# http. Every value can be overridden from the environment (docs/deployment.md).
SERVE_SECRET_DEFAULT := serve-on-this-machine-only-never-in-production-0123456789
SERVE_ENV = DJANGO_SETTINGS_MODULE=cms.settings.production \
	SECRET_KEY="$${SECRET_KEY:-$(SERVE_SECRET_DEFAULT)}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-localhost,.localhost,127.0.0.1}" \
	DATABASE_URL="$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cluster}" \
	REDIS_URL="$${REDIS_URL:-redis://127.0.0.1:6379/2}" \
	FRONT_PROXY_URLS="$${FRONT_PROXY_URLS:-http://127.0.0.1:$(PORT)}" \
	SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0 SERVE_MEDIA=1 SERVE_PORT=$(PORT) \
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH"

## serve: the production topology (Varnish :$(PORT) → gunicorn :8001, db_worker, run_scheduler) via honcho
serve: $(VENV)/.installed
	@command -v varnishd >/dev/null || { echo "varnishd not found: make serve needs Varnish in front (Debian: apt-get install -y varnish varnish-modules)"; exit 1; }
	@[ -n "$$SECRET_KEY" ] || echo "WARNING: SECRET_KEY is not set: using a fixed development key. Never expose this server."
	$(SERVE_ENV) $(PY) deploy/prepare.py
	$(SERVE_ENV) $(VENV)/bin/honcho -f deploy/Procfile -d $(CURDIR) start

# axe-core for the accessibility tests (npm); without npm those tests skip, except in CI.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the axe accessibility tests will be skipped"; fi

## test: install the test requirements, lint, and run the whole suite
test: $(VENV)/.installed-test node_modules/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@# The search backend contract runs on SQLite too when the suite runs on another database.
	@case "$$DATABASE_URL" in ""|sqlite*) ;; *) echo "search contract on SQLite:"; \
		env -u DATABASE_URL $(VENV)/bin/pytest -q tests/search/test_contract.py tests/search/test_freshness.py;; esac
	@# Two workers (pytest-xdist), each with its own test database, Redis database and media
	@# folder (cms/settings/test.py); batches keep pytest-django's order: transactional tests last.
	$(VENV)/bin/pytest -n 2 --dist load

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## bench: print the benchmark figures (see docs/benchmarks.md)
bench: $(VENV)/.installed-test
	$(PY) bench/provision.py
	$(PY) bench/catalogue.py
	$(PY) bench/pages.py
	$(PY) bench/accounts.py
	$(PY) bench/search.py
	$(PY) bench/checks.py
	$(PY) bench/syndication.py
	$(PY) bench/visits.py

## screenshots: PNGs of the public pages for the README (needs chromium and fonts-noto-cjk)
screenshots: $(VENV)/.installed-test
	$(PY) bench/screenshots.py

clean:
	rm -rf $(VENV) db.sqlite3 media media-test static_collected .pytest_cache .ruff_cache
