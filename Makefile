# PartyCloud — the single entry point. `make run` to use it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?= -n 2
ONLY ?=

.PHONY: run test test-citus bench-citus lint bench system-deps clean-data help

help:
	@echo "make run    — set everything up and serve http://localhost:8000 (console) and http://<code>.localhost:8000"
	@echo "make test   — set everything up and run the whole test suite"
	@echo "make lint   — ruff + mypy + the import layers (lint-imports)"
	@echo "make test-citus — the Citus suite on a local coordinator + two workers (needs PARTYCLOUD_CITUS_SOURCE)"
	@echo "make bench  — print every benchmark figure (make bench ONLY=<name> for one)"

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

run: $(STAMP)
	PYTHONPATH=platform $(PY) -m partycloud.devstack run

# Browser and PgBouncer tests need Debian's chromium and pgbouncer; installed when missing.
system-deps:
	@bash deploy/install-system-deps.sh

test: $(STAMP) system-deps
	PYTHONPATH=platform $(PY) -m partycloud.devstack test -- $(PYTEST_ARGS)

# The Citus suite (tests/citus) and the suites of what Citus changes (tenancy, members, audit,
# transfers, archives, provisioning, imports, search on PostgreSQL) and the whole role × route
# isolation suite on a coordinator and two workers on loopback, built from the source tarball in
# PARTYCLOUD_CITUS_SOURCE (deploy/citus/README.md). One pytest process: xdist would need a test
# database per process created on every node, for little gain on the three servers' cores.
# PgBouncer in transaction mode runs in front of the coordinator (tests/tenants/test_pgbouncer.py).
# Not part of `make test`. Left out: the audit migration's rollback (Citus refuses its
# multi-statement reverse SQL on a distributed table) and the catalog comparison of template and
# clone (the template's Citus-managed local tables list their shards' constraints in
# pg_constraint; tests/citus checks the clone instead),
# and the hanging-broker test of the publisher's queue (a mocked broker and threads, no database,
# so nothing Citus changes; `make test` runs it; beside three database servers on two cores its
# thread timing once failed).
CITUS_PYTEST_ARGS ?= -p no:xdist -q tests/citus tests/tenants tests/members tests/audit tests/transfers \
	tests/console/test_lifecycle.py tests/console/test_provisioning.py tests/search tests/isolation \
	--ignore=tests/search/browser \
	--deselect=tests/tenants/test_migrations.py::test_migrate_schemas_migrates_only_the_pending_schema \
	--deselect=tests/console/test_provisioning.py::test_provisioning_clones_the_template_with_tables_history_and_first_admin \
	--deselect=tests/tenants/test_queueing.py::test_a_hanging_broker_never_holds_the_caller_and_a_full_queue_drops_at_once
test-citus: $(STAMP)
	PYTHONPATH=platform $(PY) deploy/citus/cluster.py test -- $(CITUS_PYTEST_ARGS)

# Search on a three-node Elasticsearch cluster on loopback (deploy/elasticsearch/start-cluster.sh):
# a node SIGKILLed during indexing and search (tests/search/cluster). Not part of `make test`: three
# more JVMs (about 1.2 GB) and a minute and a half on this machine; TEST_ELASTICSEARCH=0 leaves the
# single node out.
.PHONY: test-search-cluster
test-search-cluster: $(STAMP)
	TEST_ES_CLUSTER=1 TEST_ELASTICSEARCH=0 PYTHONPATH=platform $(PY) -m partycloud.devstack test -- -p no:xdist -q tests/search/cluster

# The Citus figures (bench/citus.py) on the same local cluster, after the single-node figures they
# are compared with (deploy/citus/cluster.py SINGLE_NODE_FIGURES), in the same run.
bench-citus: $(STAMP)
	PYTHONPATH=platform $(PY) deploy/citus/cluster.py bench

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: $(STAMP)
	PYTHONPATH=platform $(PY) -m partycloud.devstack bench $(ONLY)

clean-data:
	@echo "This deletes .data/ (the embedded database, broker and files)."
	@read -p "Type 'yes' to continue: " answer && [ "$$answer" = yes ] && rm -rf .data
