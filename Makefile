# helix.users: every developer command. `make demo` and `make test` set themselves up.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements-dev.txt | cksum | cut -d' ' -f1)
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: venv demo test units sanity lint docs bench bench-quick matrix clean

venv: $(STAMP)

$(STAMP): requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $@

## The main job on the bundled simulator: starts it, runs playbooks/demo.yml, stops it.
demo: venv
	$(PY) tools/demo.py

## Every test: client and simulator tests, module and playbook tests, ansible-test sanity.
test: venv
	$(PY) -m pytest -n 2 tests
	$(MAKE) --no-print-directory sanity

units: venv
	$(PY) -m pytest -n 2 tests

sanity: venv
	$(PY) tools/run_ansible_test.py sanity --python 3.11

## The benchmark of issue 4: bulk helix_user against a uri loop and single-user tasks (about 20 minutes).
bench: venv
	$(PY) benchmarks/run.py --write

bench-quick: venv
	$(PY) benchmarks/run.py --quick

clean:
	rm -rf build tests/output .pytest_cache .hypothesis
