# Two commands for a new machine with Python 3.11:
#   make run   — virtualenv, install, migrate SQLite, load demo data, serve on 127.0.0.1:$(PORT)
#   make test  — virtualenv, install, run the whole test suite (PostgreSQL when DATABASE_URL is set)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install lint messages demo clean bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

run: install
	DJANGO_DEBUG=true $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=true $(PY) manage.py load_demo
	DJANGO_DEBUG=true $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run

# After changing strings: collect them (needs GNU gettext), add the Chinese of new ones to
# creditreg/locale/zh_Hans.json, and write the .po and the compiled .mo; commit all three.
messages: install
	$(PY) manage.py makemessages --locale zh_Hans --ignore '.venv/*' --ignore 'staticfiles/*' --no-obsolete
	$(PY) creditreg/locale/translate.py

# The bench county (PostgreSQL and Redis as on CI) and one table: each operation, its time, and a limit
# measured in the same run on the same data (bench/table.py). 1M for the record:
#   make bench BENCH_SUBJECTS=1000000
BENCH_SUBJECTS ?= 100000
BENCH_RECORDS ?= 10
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/creditreg_bench
BENCH_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/0)
BENCH_ARGS ?=

bench: install
	$(PY) bench/table.py --subjects $(BENCH_SUBJECTS) --records-per-subject $(BENCH_RECORDS) \
		--database-url $(BENCH_DATABASE_URL) --redis-url $(BENCH_REDIS_URL) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
