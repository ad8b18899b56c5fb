# Two commands do everything on a fresh machine: `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PASSWORD ?= rehab-demo-2025

.PHONY: run test install install-dev lock upgrade assets messages migrate demo lint typecheck format check-deploy clean

# Python packages come from the lock files, every file checked against its hash: requirements.txt (what runs
# in production, the Dockerfile's) and requirements-dev.txt (that plus the dev extras, the same versions).
# pyproject.toml keeps the ranges; `make lock` writes the pins. The project itself is not installed: it runs
# from this folder.
$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# After a change to pyproject.toml's dependencies: pins what was added, drops what was removed and keeps every
# other pin. `make upgrade` moves every pin to the newest release its range allows. Both resolve for every
# platform (--universal) from Python 3.11 up; the runtime lock takes its versions from the dev lock.
UV_COMPILE = $(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock" --quiet
lock: install-dev
	$(UV_COMPILE) --extra dev $(UPGRADE) --output-file requirements-dev.txt
	$(UV_COMPILE) --constraint requirements-dev.txt --output-file requirements.txt

upgrade:
	$(MAKE) lock UPGRADE=--upgrade

# Bootstrap comes from the npm registry into node_modules/ and is served from there (nothing vendored).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.package-lock.json

# Compiled catalogues (.mo) are build output, made from the committed .po files.
messages: $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

migrate: $(VENV)/.installed
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py load_demo --password "$(DEMO_PASSWORD)"

run: install assets messages demo
	@echo ""
	@echo "  Rehab Lapas is starting at http://$(HOST):$(PORT)/  (stop with Ctrl+C)"
	@echo "  Log in with any user above, password: $(DEMO_PASSWORD)"
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy with django-stubs over the services, the models' querysets and the instruments ([tool.mypy] in
# pyproject.toml); its cache is kept in .mypy_cache, so a second run checks only what changed.
typecheck: install-dev
	$(VENV)/bin/mypy

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# pytest-xdist spreads the suite over a worker per core and one more (each with its own test database and
# Redis database, tests/per_worker.py). `make test PYTEST_ARGS=` runs it in one process; README, "Test it".
PYTEST_ARGS ?= -n auto --dist worksteal

test: install-dev assets messages lint typecheck
	$(PY) -m pytest $(PYTEST_ARGS)

check-deploy: install
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=check-deploy-only-$$(date +%s)-not-a-real-key-0123456789abcdefghij \
	DJANGO_ALLOWED_HOSTS=rehab.example.org DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend \
	SITE_URL=https://rehab.example.org $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3
