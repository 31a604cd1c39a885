# Partner Benefits — everyday commands. `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Tests run with debug off, like production; this key is for tests only.
TEST_ENV := DJANGO_SECRET_KEY=tests-only-not-secret DJANGO_DEBUG=0

.PHONY: run test lint format messages translations install lock screenshots bench clean

# Everything is installed from the hashed locks (requirements*.txt), never resolved afresh. pip is
# pinned first because older ones lack --build-constraint (see build-constraints.txt).
PIP_INSTALL := $(BIN)/pip install --quiet --require-hashes --build-constraint build-constraints.txt

$(BIN)/.installed: requirements.txt requirements-dev.txt build-constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet pip==26.3
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

# Compiled with Babel (a dependency), so gettext need not be installed to run the portal.
translations: install
	$(BIN)/pybabel compile --domain django --directory locale --statistics
	$(BIN)/pybabel compile --domain django --directory locale_allauth --statistics

run: translations
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo "Partner Benefits: http://127.0.0.1:$(PORT)/  (Ctrl+C to stop)"
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/mypy .

# Re-resolve the locks after changing a pin in requirements*.in (needs the package index).
PIP_COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-header --pip-args=--build-constraint=build-constraints.txt
lock: install
	$(PIP_COMPILE) -o requirements.txt requirements.in
	$(PIP_COMPILE) -o requirements-dev.txt requirements-dev.in
	$(PIP_COMPILE) -o requirements-bench.txt requirements-bench.in

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: translations lint
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

$(BIN)/.bench-installed: $(BIN)/.installed requirements-bench.txt
	$(PIP_INSTALL) -r requirements-bench.txt
	touch $@

# Throughput and latency on a large PostgreSQL database, served as production serves it
# (docs/benchmark.md).
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/14
bench: translations $(BIN)/.bench-installed
	REDIS_URL=$(BENCH_REDIS_URL) $(BIN)/python -m bench.run

# Pictures of the main screens for the README (needs Chromium).
screenshots: translations
	SCREENSHOTS_DIR=docs/screenshots $(TEST_ENV) $(BIN)/pytest tests/e2e/test_screenshots.py -q

# Refresh the message catalogues after changing user-facing strings (needs gettext).
messages: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages --locale fr --no-obsolete \
		--add-location file --ignore .venv --ignore tests --ignore staticfiles

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache .hypothesis
