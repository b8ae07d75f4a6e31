# rmdesk: `make demo` runs the desk on SQLite with a seeded demo bank; `make test` runs every test.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
PYTHON ?= python3
UV := $(PYTHON) -m uv
RUN := $(UV) run --frozen
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test env messages bench-seed bench-book bench-models bench-acceptance bench-rating bench-marketing lint-imports

env: .venv/.synced
.venv/.synced: pyproject.toml uv.lock
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	$(UV) sync --frozen
	@touch $@

messages: env
	$(RUN) rmdesk compilemessages --ignore=.venv --verbosity 0

demo: env messages
	$(RUN) rmdesk migrate --verbosity 0
	$(RUN) rmdesk demo --host $(HOST) --port $(PORT)

test: env messages
	$(RUN) lint-imports
	$(RUN) pytest

lint-imports: env
	$(RUN) lint-imports

# Benchmarks: county-scale work is measured here, never asserted in tests (docs/benchmarks.md).
bench-seed: env
	$(RUN) python benchmarks/bench_seed.py

bench-book: env messages
	$(RUN) python benchmarks/bench_book.py

bench-models: env
	$(RUN) python benchmarks/bench_models.py

bench-rating: env
	$(RUN) python benchmarks/bench_rating.py

bench-acceptance: env
	$(RUN) python benchmarks/bench_acceptance.py

bench-marketing: env
	$(RUN) python benchmarks/bench_marketing.py
