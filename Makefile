# Stagely Core: the commands people use. `make` (or `make help`) lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

CARGO   ?= cargo
COMPOSE ?= docker compose
# nextest runs each test in its own process (and in parallel); plain cargo test is the fallback.
NEXTEST := $(shell $(CARGO) nextest --version >/dev/null 2>&1 && echo yes)
# The server `make corpus` verifies on (scratch databases are created and dropped there).
VERIFY_DATABASE_URL ?= $(if $(TEST_DATABASE_URL),$(TEST_DATABASE_URL),postgres://postgres@127.0.0.1:5432/postgres)
# Real migration histories of other projects, beside the checkout.
CORPUS_DIRS ?= $(wildcard ../shared/corpus/*/ ../shared/corpus2/*/ ../shared/corpus-pg/*/)
# The service's migrate commands, run through cargo so they always use the current code.
CORE    := $(CARGO) run --quiet -p stagely-core --
# The Compose database (docker-compose.yml), used by `make run` when Docker answers.
COMPOSE_DATABASE_URL := postgres://stagely:stagely@127.0.0.1:5432/stagely

.PHONY: help build run test lint fmt codegen codegen-check corpus corpus-check difftest pg-catalogs migrate-up migrate-down migrate-status up down bench clean workspace-hack

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  \033[36m%-15s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## Build every crate (debug)
	$(CARGO) build --workspace --all-targets

run: ## Serve in development: Compose's PostgreSQL and Redis when Docker answers, else the local PostgreSQL
	@if docker info >/dev/null 2>&1; then \
		$(COMPOSE) up --detach --wait || exit 1; \
		export DATABASE_URL="$${DATABASE_URL:-$(COMPOSE_DATABASE_URL)}"; \
	elif [ -z "$$DATABASE_URL" ]; then \
		echo "make run: no Docker engine; serving against the local PostgreSQL by libpq's defaults (PGHOST, PGPORT, PGUSER, or the socket)." >&2; \
	fi; \
	$(CORE) serve

test: ## Run all tests (needs a PostgreSQL: TEST_DATABASE_URL, else the local one, else Docker; see README)
ifeq ($(NEXTEST),yes)
	$(CARGO) nextest run --workspace --no-fail-fast
else
	$(CARGO) test --workspace --no-fail-fast
endif
	$(CARGO) test --workspace --doc

lint: ## Check formatting and run clippy with warnings as errors
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt: ## Format the code
	$(CARGO) fmt --all

codegen: ## Regenerate stagely-models from schema/migrations
	$(CARGO) run --quiet -p stagely-codegen -- generate

codegen-check: ## Fail with a diff when the generated code is stale
	$(CARGO) run --quiet -p stagely-codegen -- check

pg-catalogs: ## Regenerate codegen/data/pg_*.tsv (types, casts, operators, functions, system relations, ALTER forms, extension types) from the server (VERIFY_DATABASE_URL)
	bash codegen/data/regenerate.sh "$(VERIFY_DATABASE_URL)"

corpus: ## Verify every shared corpus folder on PostgreSQL: a line each (exact columns, warnings) and a pooled figure
	@test -n "$(CORPUS_DIRS)" || { echo "make corpus: no folders; set CORPUS_DIRS or put ../shared/corpus beside the checkout" >&2; exit 2; }
	$(CARGO) run --quiet -p stagely-codegen -- corpus --database-url "$(VERIFY_DATABASE_URL)" $(CORPUS_DIRS)

# make difftest: how many cases, of which seed (empty: from the clock), one CASE of it, a BUDGET in seconds.
N ?= 200
difftest: ## Random histories and queries judged by PostgreSQL: N=200 SEED= CASE= BUDGET= (VERIFY_DATABASE_URL)
	$(CARGO) run --quiet -p stagely-difftest --bin difftest -- --database-url "$(VERIFY_DATABASE_URL)" --cases $(N) $(if $(SEED),--seed $(SEED)) $(if $(CASE),--case $(CASE)) $(if $(BUDGET),--budget $(BUDGET))

corpus-check: ## Generate MIGRATIONS=DIR into a scratch crate, clippy it, round-trip a row through every table (TEST_DATABASE_URL)
	@test -n "$(MIGRATIONS)" || { echo "make corpus-check: name a folder: make corpus-check MIGRATIONS=DIR" >&2; exit 2; }
	@$(CARGO) build --quiet -p stagely-codegen
	@CARGO="$(CARGO)" "$${CARGO_TARGET_DIR:-target}/debug/stagely-codegen" corpus-check --database-url "$(VERIFY_DATABASE_URL)" --migrations "$(MIGRATIONS)"

migrate-up: ## Apply pending migrations (DATABASE_URL; in development the local default)
	$(CORE) migrate up

migrate-down: ## Revert the last migration (DATABASE_URL; in development the local default)
	$(CORE) migrate down

migrate-status: ## Show which migrations are applied (DATABASE_URL; in development the local default)
	$(CORE) migrate status

up: ## Start PostgreSQL 16 and Redis 7 with Docker Compose and wait until healthy
	@$(MAKE) --no-print-directory docker-check
	$(COMPOSE) up --detach --wait

down: ## Stop the Docker Compose services (data stays in the named volume)
	@$(MAKE) --no-print-directory docker-check
	$(COMPOSE) down

bench: ## Run the benchmarks against their yardsticks and rewrite BENCHMARKS.md (PostgreSQL on 127.0.0.1)
	bash bench/run.sh

workspace-hack: ## After changing dependencies: regenerate workspace-hack (needs cargo install cargo-hakari)
	$(CARGO) hakari generate
	$(CARGO) hakari manage-deps --yes

clean: ## Remove build output
	$(CARGO) clean

.PHONY: docker-check
docker-check:
	@docker info >/dev/null 2>&1 || { echo "Docker engine not reachable: start Docker, or use your own PostgreSQL and Redis (see README, Prerequisites)." >&2; exit 1; }
