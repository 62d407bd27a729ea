# WarmWinter: `make demo` runs a demo county, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export WARMWINTER_VAR_DIR ?= $(CURDIR)/var

.PHONY: install demo test test-pg check-deploy messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# Demo: SQLite in var/, the demo county 520402 西秀区, web server + background worker.
demo: install
	@mkdir -p $(WARMWINTER_VAR_DIR)
	WARMWINTER_TLS=0 $(BIN)/warmwinter migrate --noinput -v0
	WARMWINTER_TLS=0 $(BIN)/warmwinter demo
	@echo ""
	@echo "WarmWinter is starting at http://127.0.0.1:8000  (Ctrl-C stops the server and the worker)"
	@WARMWINTER_TLS=0 bash -c 'trap "kill 0" EXIT INT TERM; $(BIN)/warmwinter worker & $(BIN)/warmwinter serve --bind 127.0.0.1:8000'

# Whole suite on SQLite (WARMWINTER_TEST_DATABASE_URL switches the database;
# WARMWINTER_BROWSER_TESTS=1 adds the Chromium tests).
test: install
	$(BIN)/pytest

check-deploy: install
	WARMWINTER_SECRET_KEY=$$($(BIN)/python -c "import secrets;print(secrets.token_urlsafe(50))") \
	WARMWINTER_DEBUG=0 WARMWINTER_ALLOWED_HOSTS=warmwinter.example.gov.cn \
	$(BIN)/warmwinter check --deploy --fail-level WARNING

messages: install
	cd warmwinter && ../$(BIN)/django-admin makemessages -l en --no-obsolete --no-location
	cd warmwinter && ../$(BIN)/django-admin compilemessages -l en

clean:
	rm -rf $(VENV) var build *.egg-info
