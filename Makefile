# helix.users: every developer command. `make demo` and `make test` set themselves up.
SHELL := /bin/bash
# The toolchain runs on Python 3.13 (3.12 will do; ansible-core 2.21 needs 3.12 or newer). pyenv's
# interpreters are found by path, since its python3.X shims fail on this kind of machine
# (tools/find_python.py; any python3 runs it). Override with make PYTHON=/path/to/python3.
PYTHON ?= $(shell python3 tools/find_python.py 3.13 3.12 2>/dev/null)
PYVER := $(if $(PYTHON),$(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])'))
VENV := .venv
PY := $(VENV)/bin/python
VENV_PYVER = $$($(PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
STAMP := $(VENV)/.installed-$(shell cat requirements-dev.txt | cksum | cut -d' ' -f1)-py$(PYVER)
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/build/collections
# The tools and benchmarks import tests/ (the simulator, test support) and the collection link; pytest reads pytest.ini.
TOOL := PYTHONPATH=$(CURDIR)/tests:$(CURDIR)/build/collections $(PY)

.PHONY: venv collection demo test units unit bench-inputs bench-failing bench-scale bench-tenants sanity lint docs importer bench bench-quick matrix ee-context clean

venv: $(STAMP)

$(STAMP): requirements-dev.txt
	@test -n "$(PYTHON)" || { echo "No Python 3.13 or 3.12 found: install one (pyenv install 3.13) or run make PYTHON=/path/to/python3" >&2; exit 1; }
	@if test -x $(PY) && test "$(VENV_PYVER)" != "$(PYVER)"; then echo "$(VENV) runs another Python than $(PYTHON): making it anew"; rm -rf $(VENV); fi
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	$(PY) tools/awx_collection.py --dest $(VENV)/awx-collections
	rm -f $(VENV)/.installed-* && touch $@

# build/collections/ansible_collections/helix/users -> this tree, so Ansible finds the collection
collection:
	@mkdir -p build/collections/ansible_collections/helix
	@test -L build/collections/ansible_collections/helix/users || ln -s $(CURDIR) build/collections/ansible_collections/helix/users

## The main job on the bundled simulator: starts it, runs playbooks/demo.yml twice, summarises, stops it.
demo: venv collection
	$(TOOL) tools/demo.py

## Every test: pytest (client, simulator, modules, roles, packaging, the audit report in headless Chromium),
## lint, docs, galaxy-importer, sanity.
test: venv collection chromium
	$(PY) -m pytest -n 2
	$(MAKE) --no-print-directory lint importer sanity

units: venv collection chromium
	$(PY) -m pytest -n 2

## Debian's chromium for the browser test of the audit report: installed (apt-get, as root) only when missing.
.PHONY: chromium
chromium: venv
	@$(PY) tools/ensure_chromium.py

## The pure unit tests alone: no server, no network, seconds.
unit: venv collection
	$(PY) -m pytest tests/unit

sanity: venv
	$(PY) tools/run_ansible_test.py sanity --python $(VENV_PYVER)

## ansible-lint (production profile), documentation lint, changelog lint, rendered docs up to date.
lint: venv collection
	# awx.awx (from make venv) beside the collection: extensions/awx's playbooks resolve its modules for real; the
	# mock_modules of .ansible-lint stay the fallback where it could not be installed
	ANSIBLE_COLLECTIONS_PATH=$(ANSIBLE_COLLECTIONS_PATH):$(CURDIR)/$(VENV)/awx-collections ansible-lint --nocolor -q
	antsibull-docs lint-collection-docs --plugin-docs .
	antsibull-changelog lint
	$(TOOL) tools/render_doc_fragment.py --check
	$(TOOL) tools/render_docs.py --check

## Regenerate docs/collection, the connection doc fragment and docs/bad-input.md.
docs: venv collection
	$(TOOL) tools/render_doc_fragment.py
	$(TOOL) tools/render_docs.py
	$(TOOL) tools/render_bad_input.py

importer: venv
	$(PY) tools/galaxy_importer.py

## ansible-test sanity on ansible-core 2.17, 2.18, 2.19 (Python 3.11), 2.20 (3.12) and 2.21 (3.13), each in its own virtualenv;
## on the oldest and the newest (2.17, 2.21) also pytest over tests/unit, tests/functional and tests/simulator_tests.
matrix: venv
	$(PY) tools/sanity_matrix.py

## An execution environment build in build/ee/: the definition of extensions/awx/, the collection as
## helix-users.tar.gz and the context with its Containerfile (then ansible-builder build or podman build).
ee-context: venv
	$(PY) tools/ee_context.py

## The benchmark: bulk helix_user against a uri loop and single-user tasks (about 30 minutes).
bench: venv collection
	$(TOOL) benchmarks/run.py --write
	$(TOOL) benchmarks/inputs.py --write
	$(TOOL) benchmarks/failing_tenant.py --write
	$(TOOL) benchmarks/scale.py --write
	$(TOOL) benchmarks/tenants.py --write

## 10,000, 30,000 and 100,000 users from a users_file, unchanged and 10 % changed, beside the ping floor (minutes).
bench-scale: venv collection
	$(TOOL) benchmarks/scale.py --write

## Three tenants in one provision run against each alone: the wall time against the slowest's and the sum (about 2 minutes).
bench-tenants: venv collection
	$(TOOL) benchmarks/tenants.py --write

## A tenant failing every write: how long 10,000 users take to stop (about a minute).
bench-failing: venv collection
	$(TOOL) benchmarks/failing_tenant.py --write

## The input paths alone (vars file, extra vars, users_file YAML/JSON/CSV at 1,000 and 10,000 users; about 6 minutes).
bench-inputs: venv collection
	$(TOOL) benchmarks/inputs.py --write

bench-quick: venv collection
	$(TOOL) benchmarks/run.py --quick

## The tenant suite (tests/integration/tenant/) against the tenant in tests/integration/integration_config.yml.
.PHONY: integration-tenant
integration-tenant: venv collection
	@test -f tests/integration/integration_config.yml || { echo "no tests/integration/integration_config.yml: copy tests/integration/integration_config.yml.template to it and fill it in" >&2; exit 1; }
	$(PY) -m pytest -m tenant -rs -v tests/integration/test_tenant_suite.py

clean:
	rm -rf build tests/output .pytest_cache .hypothesis
