#!/usr/bin/env python3
"""Writes a synthetic migration history for the codegen benchmarks.

For N tables it writes 2N sql-migrate files (`-- +migrate Up` / `-- +migrate Down`) into a
directory: N that create a table each, interleaved with N that alter a table created earlier
(ADD COLUMN, RENAME COLUMN, DROP COLUMN). With N = 1,000 that is 2,000 files and about 15,000
columns once folded, the size SPEC section 6 asks for. The output is deterministic (a fixed
seed), so every run of `make bench` times the same SQL.

Names are chosen to stay clear of Rust and PostgreSQL keywords (`m00042_orders`,
`amount_7`): the benchmark measures throughput, not keyword handling, which the codegen's own
fixtures cover. Every table gets a primary key, about half a foreign key to an earlier table
(so relation helpers are emitted), a quarter a CHECK (... IN ...) column (so enums are emitted),
and a comment.

For sqlc, which needs queries besides the schema, --sqlc-queries FILE writes the CRUD our
generator emits for every table (get, list, count, insert, update, delete), so the two tools can
be compared doing similar work, and --sqlc-small-queries FILE the same for the first table only
(sqlc then emits models for every table and functions for six queries).

Usage: synth.py --tables N --out DIR [--sqlc-queries FILE] [--sqlc-small-queries FILE]
(DIR is emptied of *.sql first)
"""

import argparse
import pathlib
import random
import sys

NOUNS = [
    "orders", "invoices", "accounts", "shipments", "tickets", "devices", "sessions",
    "payments", "reports", "events", "messages", "profiles", "contracts", "vendors",
    "licenses", "alerts", "batches", "channels", "coupons", "deploys",
]

# (SQL type, default or None); every type here maps to a Rust type in the generator and to a
# Go type in sqlc.
TYPES = [
    ("BIGINT", None),
    ("INTEGER", "0"),
    ("TEXT", None),
    ("VARCHAR(255)", None),
    ("BOOLEAN", "false"),
    ("TIMESTAMPTZ", "now()"),
    ("UUID", None),
    ("NUMERIC(12, 2)", None),
    ("JSONB", "'{}'"),
    ("DATE", None),
    ("DOUBLE PRECISION", None),
    ("SMALLINT", None),
]

WORDS = [
    "amount", "label", "note", "score", "weight", "region", "owner", "total", "quota",
    "ratio", "title", "summary", "payload", "checksum", "counter", "opened", "closed",
    "priority", "sku", "email", "phone", "city", "budget", "margin", "revision",
]

CREATE_COLUMNS = 11  # data columns in CREATE TABLE, besides id, created_at and a foreign key
ADDS_PER_ALTER = 3
DROPS_PER_ALTER = 2


class Table:
    """What the generator needs to remember about a table to write valid ALTERs."""

    def __init__(self, name):
        self.name = name
        self.columns = {}  # data column name -> SQL definition (type, null, default)
        self.next_column = 0
        self.fixed = 2  # id and created_at, which no ALTER touches (nor the FK and state)

    def new_column_name(self, rng):
        self.next_column += 1
        return f"{rng.choice(WORDS)}_{self.next_column}"


def column_definition(rng):
    sql_type, default = rng.choice(TYPES)
    nullable = rng.random() < 0.6
    definition = sql_type
    if not nullable:
        definition += " NOT NULL"
        if default is None:
            # A NOT NULL column added later needs a default on a non-empty table; give every
            # NOT NULL column one so ADD COLUMN is valid SQL as well as foldable.
            default = {
                "BIGINT": "0", "TEXT": "''", "VARCHAR(255)": "''", "UUID": "gen_random_uuid()",
                "NUMERIC(12, 2)": "0", "DATE": "CURRENT_DATE", "DOUBLE PRECISION": "0",
                "SMALLINT": "0",
            }[sql_type]
    if default is not None:
        definition += f" DEFAULT {default}"
    return definition


def create_migration(rng, index, tables):
    table = Table(f"m{index:05d}_{rng.choice(NOUNS)}")
    lines = [f"CREATE TABLE IF NOT EXISTS {table.name} (", "    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"]
    if tables and rng.random() < 0.5:
        parent = rng.choice(tables)
        lines.append(f"    {parent.name}_id BIGINT REFERENCES {parent.name} (id) ON DELETE CASCADE,")
        table.fixed += 1
    for _ in range(CREATE_COLUMNS):
        name = table.new_column_name(rng)
        definition = column_definition(rng)
        table.columns[name] = definition
        lines.append(f"    {name} {definition},")
    if rng.random() < 0.25:
        lines.append("    state VARCHAR(20) NOT NULL DEFAULT 'open',")
        lines.append(f"    CONSTRAINT {table.name}_state_check CHECK (state IN ('open', 'held', 'closed')),")
        table.fixed += 1
    lines.append("    created_at TIMESTAMPTZ NOT NULL DEFAULT now()")
    lines.append(");")
    first = next(iter(table.columns))
    up = "\n".join(lines) + "\n\n"
    up += f"CREATE INDEX IF NOT EXISTS idx_{table.name}_{first} ON {table.name} ({first});\n\n"
    up += f"COMMENT ON TABLE {table.name} IS 'Synthetic table {index}.';\n"
    down = f"DROP TABLE IF EXISTS {table.name};\n"
    tables.append(table)
    return f"create_{table.name}", up, down


def alter_migration(rng, tables):
    table = rng.choice(tables)
    up, down = [], []
    added = []
    for _ in range(ADDS_PER_ALTER):
        name = table.new_column_name(rng)
        definition = column_definition(rng)
        up.append(f"ALTER TABLE {table.name} ADD COLUMN IF NOT EXISTS {name} {definition};")
        added.append((name, definition))
    # Rename and drop only columns that existed before this migration, so Down can undo the
    # steps in reverse order.
    existing = list(table.columns)
    rng.shuffle(existing)
    renamed_from = existing.pop()
    renamed_to = table.new_column_name(rng)
    up.append(f"ALTER TABLE {table.name} RENAME COLUMN {renamed_from} TO {renamed_to};")
    dropped = [(name, table.columns[name]) for name in existing[:DROPS_PER_ALTER]]
    for name, _ in dropped:
        up.append(f"ALTER TABLE {table.name} DROP COLUMN IF EXISTS {name};")

    for name, definition in reversed(dropped):
        down.append(f"ALTER TABLE {table.name} ADD COLUMN IF NOT EXISTS {name} {definition};")
    down.append(f"ALTER TABLE {table.name} RENAME COLUMN {renamed_to} TO {renamed_from};")
    for name, _ in reversed(added):
        down.append(f"ALTER TABLE {table.name} DROP COLUMN IF EXISTS {name};")

    table.columns[renamed_to] = table.columns.pop(renamed_from)
    for name, _ in dropped:
        del table.columns[name]
    for name, definition in added:
        table.columns[name] = definition
    return f"alter_{table.name}", "\n".join(up) + "\n", "\n".join(down) + "\n"


def sqlc_queries(tables):
    """sqlc's annotated queries: per table, the CRUD our generator emits for it."""
    out = []
    for t in tables:
        go = "".join(part.capitalize() for part in t.name.split("_"))
        cols = list(t.columns)
        params = ", ".join(f"${i + 1}" for i in range(len(cols)))
        sets = ", ".join(f"{c} = ${i + 2}" for i, c in enumerate(cols))
        out.append(f"-- name: Get{go} :one\nSELECT * FROM {t.name} WHERE id = $1;\n")
        out.append(f"-- name: List{go} :many\nSELECT * FROM {t.name} ORDER BY id LIMIT $1 OFFSET $2;\n")
        out.append(f"-- name: Count{go} :one\nSELECT count(*) FROM {t.name};\n")
        out.append(
            f"-- name: Insert{go} :one\nINSERT INTO {t.name} ({', '.join(cols)}) VALUES ({params}) RETURNING *;\n"
        )
        out.append(f"-- name: Update{go} :one\nUPDATE {t.name} SET {sets} WHERE id = $1 RETURNING *;\n")
        out.append(f"-- name: Delete{go} :exec\nDELETE FROM {t.name} WHERE id = $1;\n")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, required=True, help="how many tables to create")
    parser.add_argument("--out", type=pathlib.Path, required=True, help="directory to write")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sqlc-queries", type=pathlib.Path, help="also write sqlc CRUD queries here")
    parser.add_argument("--sqlc-small-queries", type=pathlib.Path, help="sqlc CRUD of the first table")
    args = parser.parse_args()
    if args.tables < 1:
        sys.exit("synth.py: --tables must be at least 1")

    rng = random.Random(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.sql"):
        old.unlink()
    width = max(4, len(str(2 * args.tables)))
    tables = []
    number = 0
    for index in range(1, args.tables + 1):
        # Each create is followed by an alter of some table created so far, so the history
        # interleaves the two the way a real project's does.
        for make in (lambda: create_migration(rng, index, tables), lambda: alter_migration(rng, tables)):
            name, up, down = make()
            number += 1
            path = args.out / f"{number:0{width}d}_{name}.sql"
            path.write_text(f"-- +migrate Up\n{up}\n-- +migrate Down\n{down}")

    if args.sqlc_queries:
        args.sqlc_queries.write_text(sqlc_queries(tables))
    if args.sqlc_small_queries:
        args.sqlc_small_queries.write_text(sqlc_queries(tables[:1]))
    columns = sum(len(t.columns) + t.fixed for t in tables)
    print(f"synth.py: {number} files, {len(tables)} tables, {columns} columns -> {args.out}")


if __name__ == "__main__":
    main()
