# Jiebang — `make demo` serves the demo city, `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.stamp

.PHONY: install demo test lint format messages clean

install: $(STAMP) node_modules/.stamp src/jiebang/static/vendor/.stamp compilemessages

$(STAMP): uv.lock pyproject.toml scripts/system-deps.sh
	bash scripts/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/pip install -q uv==0.13.9
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --quiet --python $(BIN)/python
	touch $@

node_modules/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

src/jiebang/static/vendor/.stamp: node_modules/.stamp scripts/vendor-assets.sh
	bash scripts/vendor-assets.sh
	touch $@

compilemessages: $(STAMP)
	@cd src/jiebang && ../../$(BIN)/jiebang compilemessages -v 0

demo: install
	$(BIN)/jiebang demo

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

messages: install
	cd src/jiebang && ../../$(BIN)/jiebang makemessages -l zh_Hans --no-obsolete --add-location file

# The suite runs on SQLite, then on PostgreSQL when TEST_DATABASE_URL is set (CI sets it).
# pytest's exit code 5 ("no tests collected") is a broken suite here, not a pass.
test: install lint
	bash scripts/run-tests.sh

clean:
	rm -rf $(VENV) node_modules src/jiebang/static/vendor var
