# Two entry points: `make run` serves the site on SQLite with the roadmap
# loaded; `make test` runs lint and every test. Both set themselves up.
# `make bench` measures the site under load (manage.py bench); it is not part
# of `make test` because timings are noisy.
# The roadmap is loaded into an empty database only (load_roadmap), so running
# `make run` again never undoes what staff edited in the admin.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ADDR ?= 127.0.0.1:8000
# e.g. make bench BENCH_ARGS="--rounds 5 --seconds 10 --output results.json"
BENCH_ARGS ?=
# apt-get needs root: through sudo when make runs as anyone else.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: install run test lint db bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --editable '.[dev]'
	touch $@

install: $(VENV)/.installed

db: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py load_roadmap

run: db
	$(BIN)/python manage.py runserver $(ADDR)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# gunicorn under production settings, loaded by wrk from Debian's packages
# (installed here when missing, as .ci/run installs Chromium).
bench: install
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "wrk not found: installing Debian's package"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python manage.py bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
