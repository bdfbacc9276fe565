# Tasks a maintainer runs. Everything uses the project's venv (make venv creates it from the lock).
PY := .venv/bin/python

.PHONY: venv test slow lint fmt typecheck bench check

venv:            ## the venv from requirements.lock, spinscope editable
	python3 -m venv .venv && .venv/bin/pip install -q -r requirements.lock && .venv/bin/pip install -q --no-deps -e .

test:            ## the default test run (what CI runs), a few minutes
	$(PY) -m pytest

slow:            ## the long suites: scenario scale, RTP quality, benchmarks-as-tests
	$(PY) -m pytest -m slow

lint:            ## ruff lint and format check
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

fmt:             ## format and fix what ruff can
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

typecheck:       ## mypy on spinscope/ and ingest/ (tools/typecheck lays out the installed shape)
	tools/typecheck

bench:           ## every benchmark (stores.py and otlp_encode.py are their helpers); each prints its figure and its ratio to a reference
	for b in bench/*.py; do case $$b in bench/stores.py|bench/otlp_encode.py) continue;; esac; $(PY) $$b || exit 1; done

check: lint typecheck test
