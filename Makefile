# The two commands of the README:  make run  (demo cluster)  and  make test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000

.PHONY: run setup demo scheduler test lint bench screenshots clean

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

## scheduler: run publish_scheduled every minute (定时发布/到期下线) next to `make run`
scheduler: setup
	while true; do DJANGO_SETTINGS_MODULE=cms.settings.dev $(PY) manage.py publish_scheduled; sleep 60; done

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

## screenshots: PNGs of the public pages for the README (needs chromium and fonts-noto-cjk)
screenshots: $(VENV)/.installed-test
	$(PY) bench/screenshots.py

clean:
	rm -rf $(VENV) db.sqlite3 media media-test static_collected .pytest_cache .ruff_cache
