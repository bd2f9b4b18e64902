//! Data access for each table: insert, insert_many (and insert_many_count, copy_many), find,
//! find_by_<unique key>, list, count,
//! update, delete, and for soft-deleting tables (a nullable `deleted_at`) restore, hard_delete
//! and find_with_deleted.
//!
//! Every function is generic over `sqlx::PgExecutor` (pool, connection or transaction), makes
//! one round trip, and runs a statement fixed at generation time with bound parameters only.

use crate::catalog::Relation;
use crate::emit::context::{Field, RelationContext, is_insertable, is_required, select_list_of, unique_keys};
use crate::emit::sql::{
    DELETED_AT, insert_value, is_soft_deleting, live_filter, order_by, quote_ident, relation_ref,
};
use crate::emit::text::{Code, string_literal};

/// How a function takes a key value: `&str` for text, a reference for heap types, else by value.
pub fn param_type(field: &Field<'_>) -> String {
    if field.is_string() {
        "&str".to_string()
    } else if !field.is_copy() {
        format!("&{}", field.base_text)
    } else {
        field.base_text.clone()
    }
}

/// `"a" = $1 AND "b" = $2::tsvector`, numbering from `first`, with the casts the fields' values
/// need.
pub fn key_where(fields: &[&Field<'_>], first: usize) -> String {
    fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut param = f.param(&format!("${}", first + i));
            // Text compares with `character(n)` as text, without the padding; compare as
            // `character` so a key reads back with or without it.
            if f.mapping.write_as.is_none() && f.is_string() && f.column.data_type.starts_with("character(") {
                param.push_str("::bpchar");
            }
            format!("{} = {param}", quote_ident(&f.column.name))
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The statements of one relation, collected as the functions are emitted and written out as
/// the constants of its `sql` module (so tests and reviewers can read and EXPLAIN them).
#[derive(Default)]
pub struct Statements(Vec<(String, String)>);

impl Statements {
    /// Records `sql` as the constant `sql::<NAME>` and returns the path to it.
    fn add(&mut self, name: &str, sql: String) -> String {
        let path = format!("sql::{name}");
        self.0.push((name.to_string(), sql));
        path
    }

    /// The `sql` module holding every recorded statement.
    fn module(&self, code: &mut Code, relation: &Relation) {
        code.doc(&format!(
            "The SQL the functions of `{}` run, fixed at generation time.",
            relation.name
        ));
        code.open("pub mod sql {");
        for (name, sql) in &self.0 {
            code.doc(&format!("The statement of `{}`.", name.to_lowercase()));
            code.line(&format!("pub const {name}: &str = {};", string_literal(sql)));
        }
        code.close("}");
    }
}

/// The start of a generated data-access function: its rustdoc (`what` it does, and a link to
/// the statement it runs, at `path` in the `sql` module), its signature generic over the
/// executor, and the opening of its body.
fn function(code: &mut Code, what: &str, path: &str, head: &str, params: &[String], returns: &str) {
    code.doc(&format!("{what}.\n\nRuns [`{path}`]."));
    code.executor_fn(head, params, returns);
}

/// `.bind(arg)` for each argument.
fn binds<S: AsRef<str>>(args: impl IntoIterator<Item = S>) -> Vec<String> {
    args.into_iter()
        .map(|a| format!(".bind({})", a.as_ref()))
        .collect()
}

/// `binds`, then `tail`'s calls: a query's chain after its head.
fn calls(binds: Vec<String>, tail: &[&str]) -> Vec<String> {
    let mut calls = binds;
    calls.extend(tail.iter().map(|c| c.to_string()));
    calls
}

/// The generated data-access functions of a relation (an `impl` block and its `sql` module).
pub fn access_impl(code: &mut Code, ctx: &RelationContext<'_>, fields: &[Field<'_>]) {
    let relation = ctx.relation;
    let row = &ctx.names.relation(relation).row;
    let mut statements = Statements::default();
    code.open(&format!("impl {row} {{"));
    if relation.is_table() {
        insert_fn(code, ctx, fields, &mut statements);
        insert_many_fn(code, ctx, fields, &mut statements);
        key_functions(code, ctx, fields, &mut statements);
    }
    reads(code, relation, fields, &mut statements);
    code.close("}");
    statements.module(code, relation);
}

/// `list` and `count` (and `refresh` for a materialized view).
fn reads(code: &mut Code, relation: &Relation, fields: &[Field<'_>], statements: &mut Statements) {
    let from = relation_ref(relation);
    let columns = select_list_of(fields, None);
    let live = live_filter(relation, None);
    let order = order_by(relation, None);
    let only_live = live.replacen(" AND", " WHERE", 1);

    let sql = format!("SELECT {columns} FROM {from}{only_live}{order} LIMIT $1 OFFSET $2");
    let path = statements.add("LIST", sql);
    function(
        code,
        "Rows in primary-key order, `limit` at a time from `offset`",
        &path,
        "pub async fn list<'e, E>(",
        &["db: E".into(), "limit: i64".into(), "offset: i64".into()],
        "Result<Vec<Self>, Error>",
    );
    code.chain(
        &format!("::sqlx::query_as({path})"),
        &[
            ".bind(limit)",
            ".bind(offset)",
            ".fetch_all(db)",
            ".await",
            ".map_err(Error::from)",
        ],
        "",
    );
    code.close("}");

    let sql = format!("SELECT count(*) FROM {from}{only_live}");
    let path = statements.add("COUNT", sql);
    function(
        code,
        "Number of rows",
        &path,
        "pub async fn count<'e, E>(",
        &["db: E".into()],
        "Result<i64, Error>",
    );
    code.chain(
        &format!("::sqlx::query_scalar({path})"),
        &[".fetch_one(db)", ".await", ".map_err(Error::from)"],
        "",
    );
    code.close("}");

    if relation.kind == crate::catalog::RelationKind::MaterializedView {
        let sql = format!("REFRESH MATERIALIZED VIEW {from}");
        let path = statements.add("REFRESH", sql);
        function(
            code,
            "Recomputes the materialized view's rows from its query",
            &path,
            "pub async fn refresh<'e, E>(",
            &["db: E".into()],
            "Result<(), Error>",
        );
        code.chain(
            &format!("::sqlx::query({path})"),
            &[".execute(db)", ".await", ".map_err(Error::from)?"],
            ";",
        );
        code.line("Ok(())");
        code.close("}");
    }
}

/// Whether the table gets `insert_many`: UNNEST flattens nested arrays and expands composite
/// values into their attributes, so array and composite columns cannot travel that way; such
/// tables (and tables with nothing to insert) insert row by row.
pub fn has_insert_many(fields: &[Field<'_>]) -> bool {
    let targets = insertable(fields);
    !targets.is_empty()
        && !targets
            .iter()
            .any(|f| f.column.data_type.ends_with("[]") || f.base_text.starts_with("super::composites::"))
}

/// Whether the table gets `update`: a primary key and a column outside it that may be set.
pub fn has_update(relation: &Relation, fields: &[Field<'_>]) -> bool {
    !relation.primary_key.is_empty()
        && relation
            .primary_key
            .iter()
            .all(|k| fields.iter().any(|f| &f.column.name == k))
        && fields
            .iter()
            .any(|f| is_insertable(f.column) && !relation.primary_key.contains(&f.column.name))
}

fn insertable<'a>(fields: &'a [Field<'a>]) -> Vec<&'a Field<'a>> {
    fields.iter().filter(|f| is_insertable(f.column)).collect()
}

fn insert_fn(code: &mut Code, ctx: &RelationContext<'_>, fields: &[Field<'_>], statements: &mut Statements) {
    let relation = ctx.relation;
    let insert = &ctx.names.relation(relation).insert;
    let targets = insertable(fields);
    let returning = select_list_of(fields, None);
    let sql = if targets.is_empty() {
        format!(
            "INSERT INTO {} DEFAULT VALUES RETURNING {returning}",
            relation_ref(relation)
        )
    } else {
        let names: Vec<String> = targets.iter().map(|f| quote_ident(&f.column.name)).collect();
        let values: Vec<String> = targets
            .iter()
            .enumerate()
            .map(|(i, f)| insert_value(f.column, &f.param(&format!("${}", i + 1)), !is_required(f.column)))
            .collect();
        format!(
            "INSERT INTO {} ({}) VALUES ({}) RETURNING {returning}",
            relation_ref(relation),
            names.join(", "),
            values.join(", ")
        )
    };
    // A table without insertable columns takes its insert struct only for symmetry.
    let new = if targets.is_empty() { "_new" } else { "new" };
    let path = statements.add("INSERT", sql);
    function(
        code,
        "Inserts a row and returns it as stored (defaults and triggers applied); `None` fields get the database default",
        &path,
        "pub async fn insert<'e, E>(",
        &["db: E".into(), format!("{new}: &{insert}")],
        "Result<Self, Error>",
    );
    code.chain(
        &format!("::sqlx::query_as({path})"),
        &calls(
            binds(targets.iter().map(|f| f.bind_text("new"))),
            &[".fetch_one(db)", ".await", ".map_err(Error::from)"],
        ),
        "",
    );
    code.close("}");
}

fn insert_many_fn(
    code: &mut Code,
    ctx: &RelationContext<'_>,
    fields: &[Field<'_>],
    statements: &mut Statements,
) {
    let relation = ctx.relation;
    let insert = &ctx.names.relation(relation).insert;
    let targets = insertable(fields);
    if !has_insert_many(fields) {
        return;
    }
    let names: Vec<String> = targets.iter().map(|f| quote_ident(&f.column.name)).collect();
    let params: Vec<String> = (1..=targets.len()).map(|i| format!("${i}")).collect();
    let values: Vec<String> = targets
        .iter()
        .map(|f| {
            insert_value(
                f.column,
                &f.param(&format!("u.{}", quote_ident(&f.column.name))),
                !is_required(f.column),
            )
        })
        .collect();
    let insert_sql = format!(
        "INSERT INTO {} ({names}) SELECT {values} FROM UNNEST({params}) WITH ORDINALITY AS u({names}, __ordinality) ORDER BY u.__ordinality",
        relation_ref(relation),
        names = names.join(", "),
        values = values.join(", "),
        params = params.join(", "),
    );
    let sql = format!("{insert_sql} RETURNING {}", select_list_of(fields, None));
    let rows = vec!["db: E".to_string(), format!("rows: &[{insert}]")];
    let path = statements.add("INSERT_MANY", sql);
    function(
        code,
        "Inserts many rows in one statement (each column sent as one array) and returns them in the order given",
        &path,
        "pub async fn insert_many<'e, E>(",
        &rows,
        "Result<Vec<Self>, Error>",
    );
    code.lines(
        r"
if rows.is_empty() {
    return Ok(Vec::new());
}
let arguments = Self::insert_many_arguments(rows).map_err(super::runtime::encoding)?;
",
    );
    code.chain(
        &format!("::sqlx::query_as_with({path}, arguments)"),
        &[".fetch_all(db)", ".await", ".map_err(Error::from)"],
        "",
    );
    code.close("}");

    let path = statements.add("INSERT_MANY_COUNT", insert_sql);
    function(
        code,
        "Inserts many rows as [`Self::insert_many`] does and returns how many were stored, sending no rows back",
        &path,
        "pub async fn insert_many_count<'e, E>(",
        &rows,
        "Result<u64, Error>",
    );
    code.lines(
        r"
if rows.is_empty() {
    return Ok(0);
}
let arguments = Self::insert_many_arguments(rows).map_err(super::runtime::encoding)?;
",
    );
    code.chain(
        &format!("let done = ::sqlx::query_with({path}, arguments)"),
        &[".execute(db)", ".await?"],
        ";",
    );
    code.line("Ok(done.rows_affected())");
    code.close("}");

    code.doc("The parameters of `insert_many`: each column of `rows` as one array.");
    code.open(&format!(
        "fn insert_many_arguments(rows: &[{insert}]) -> Result<::sqlx::postgres::PgArguments, ::sqlx::error::BoxDynError> {{"
    ));
    code.line("use ::sqlx::Arguments as _;");
    code.line("let mut arguments = ::sqlx::postgres::PgArguments::default();");
    for f in &targets {
        code.line(&format!(
            "arguments.add(rows.iter().map(|row| &row.{}).collect::<Vec<_>>())?;",
            f.ident
        ));
    }
    code.line("Ok(arguments)");
    code.close("}");
    if copy_applies(ctx, fields) {
        copy_many_fn(code, ctx, &targets);
    }
}

/// Whether the table gets `copy_many`: binary COPY takes each value in exactly the column's
/// binary format, so every inserted column must be sent as its own type. Left out: arrays
/// (an element type must match exactly) and composites (as for `insert_many`), values sent
/// with a cast (text fallbacks), `json` (sqlx writes jsonb's format), and configured type
/// overrides (their encoding is not known here).
pub fn copy_applies(ctx: &RelationContext<'_>, fields: &[Field<'_>]) -> bool {
    has_insert_many(fields)
        && insertable(fields).iter().all(|f| {
            f.mapping.write_as.is_none()
                && ctx.names.type_override(ctx.relation, f.column).is_none()
                && crate::emit::types::without_domains(ctx.catalog, &f.column.data_type) != "json"
        })
}

fn copy_many_fn(code: &mut Code, ctx: &RelationContext<'_>, targets: &[&Field<'_>]) {
    let relation = ctx.relation;
    let insert = &ctx.names.relation(relation).insert;
    let table = relation_ref(relation);
    let names: Vec<String> = targets.iter().map(|f| quote_ident(&f.column.name)).collect();
    let sql = format!("COPY {table} ({}) FROM STDIN (FORMAT binary)", names.join(", "));
    code.doc_sql(
        "Loads many rows with binary `COPY` (the fastest way in) and returns how many were stored; `None` fields get the database default (rows are grouped by which defaulted columns they set, one COPY per group: run it in a transaction to make several groups all-or-nothing)",
        &sql,
    );
    code.list_open(
        "pub async fn copy_many(",
        &[
            "conn: &mut ::sqlx::PgConnection".to_string(),
            format!("rows: &[{insert}]"),
        ],
        ") -> Result<u64, Error> {",
    );
    let names: Vec<String> = names.iter().map(|n| string_literal(n)).collect();
    code.open("super::runtime::copy_in(");
    code.line("conn,");
    code.line(&format!("{},", string_literal(&table)));
    code.list("&[", &names, ",", "],");
    code.line("rows,");
    code.open("|row, out| {");
    for f in targets {
        let call = if f.column.default.is_some() {
            "defaulted"
        } else {
            "field"
        };
        code.line(&format!("out.{call}(&row.{})?;", f.ident));
    }
    code.line("Ok(())");
    code.close("},");
    code.close(")");
    code.line(".await");
    code.close("}");
}

/// Functions that need a key: find, find_by_*, update, delete (and the soft-delete ones).
fn key_functions(
    code: &mut Code,
    ctx: &RelationContext<'_>,
    fields: &[Field<'_>],
    statements: &mut Statements,
) {
    let relation = ctx.relation;
    let table = string_literal(&relation.name);
    let from = relation_ref(relation);
    let columns = select_list_of(fields, None);
    let live = live_filter(relation, None);
    let field_of = |name: &str| fields.iter().find(|f| f.column.name == name);
    let key_params = |key: &[&Field<'_>]| -> Vec<String> {
        std::iter::once("db: E".to_string())
            .chain(key.iter().map(|f| format!("{}: {}", f.ident, param_type(f))))
            .collect()
    };
    let key_binds = |key: &[&Field<'_>]| binds(key.iter().map(|f| f.name()));

    for key in unique_keys(relation) {
        let Some(key_fields) = key.iter().map(|c| field_of(c)).collect::<Option<Vec<_>>>() else {
            continue;
        };
        let name = ctx.names.find_by(relation, &key);
        let sql = format!(
            "SELECT {columns} FROM {from} WHERE {}{live}",
            key_where(&key_fields, 1)
        );
        let what = if key == relation.primary_key {
            "The row with this primary key".to_string()
        } else {
            format!("The row with this {}", key.join(" and "))
        };
        let what = if live.is_empty() {
            what
        } else {
            format!("{what}, unless soft-deleted")
        };
        let path = statements.add(&name.trim_start_matches("r#").to_uppercase(), sql);
        function(
            code,
            &what,
            &path,
            &format!("pub async fn {name}<'e, E>("),
            &key_params(&key_fields),
            "Result<Option<Self>, Error>",
        );
        code.chain(
            &format!("::sqlx::query_as({path})"),
            &calls(
                key_binds(&key_fields),
                &[".fetch_optional(db)", ".await", ".map_err(Error::from)"],
            ),
            "",
        );
        code.close("}");
    }

    let Some(pk) = relation
        .primary_key
        .iter()
        .map(|c| field_of(c))
        .collect::<Option<Vec<_>>>()
    else {
        return;
    };
    if pk.is_empty() {
        return;
    }
    let pk_names: Vec<&str> = pk.iter().map(|f| f.column.name.as_str()).collect();

    // update: every column but the key, identity and generated ones, from `self`.
    let settable: Vec<&Field<'_>> = fields
        .iter()
        .filter(|f| is_insertable(f.column) && !pk_names.contains(&f.column.name.as_str()))
        .collect();
    if !settable.is_empty() {
        let sets: Vec<String> = settable
            .iter()
            .enumerate()
            .map(|(i, f)| {
                format!(
                    "{} = {}",
                    quote_ident(&f.column.name),
                    f.param(&format!("${}", pk.len() + i + 1))
                )
            })
            .collect();
        let sql = format!(
            "UPDATE {from} SET {} WHERE {} RETURNING {columns}",
            sets.join(", "),
            key_where(&pk, 1)
        );
        let path = statements.add("UPDATE", sql);
        function(
            code,
            "Writes every column of `self` to its row and returns the row as stored (so trigger-maintained columns such as `updated_at` are current); `Error::NotFound` when the row is gone",
            &path,
            "pub async fn update<'e, E>(",
            &["&self".into(), "db: E".into()],
            "Result<Self, Error>",
        );
        code.chain(
            &format!("::sqlx::query_as({path})"),
            &calls(
                binds(pk.iter().chain(&settable).map(|f| f.bind_text("self"))),
                &[
                    ".fetch_optional(db)",
                    ".await",
                    ".map_err(Error::from)?",
                    &format!(".ok_or(Error::NotFound {{ table: {table} }})"),
                ],
            ),
            "",
        );
        code.close("}");
    }

    let key_where = key_where(&pk, 1);
    let mut execute = |code: &mut Code, name: &str, what: &str, sql: String| {
        let path = statements.add(&name.to_uppercase(), sql);
        function(
            code,
            what,
            &path,
            &format!("pub async fn {name}<'e, E>("),
            &key_params(&pk),
            "Result<(), Error>",
        );
        code.chain(
            &format!("let done = ::sqlx::query({path})"),
            &calls(key_binds(&pk), &[".execute(db)", ".await?"]),
            ";",
        );
        code.line(&format!("super::runtime::affected(done, {table})"));
        code.close("}");
    };
    let deleted_at = quote_ident(DELETED_AT);
    if is_soft_deleting(relation) {
        execute(
            code,
            "delete",
            "Soft-deletes the row: sets `deleted_at`, after which reads skip it; `Error::NotFound` when there is no live row",
            format!("UPDATE {from} SET {deleted_at} = now() WHERE {key_where} AND {deleted_at} IS NULL"),
        );
        execute(
            code,
            "restore",
            "Undoes a soft delete; `Error::NotFound` when there is no soft-deleted row",
            format!("UPDATE {from} SET {deleted_at} = NULL WHERE {key_where} AND {deleted_at} IS NOT NULL"),
        );
        execute(
            code,
            "hard_delete",
            "Deletes the row for good, soft-deleted or not; `Error::NotFound` when there is none",
            format!("DELETE FROM {from} WHERE {key_where}"),
        );
        let sql = format!("SELECT {columns} FROM {from} WHERE {key_where}");
        let path = statements.add("FIND_WITH_DELETED", sql);
        function(
            code,
            "The row with this primary key, soft-deleted or not",
            &path,
            "pub async fn find_with_deleted<'e, E>(",
            &key_params(&pk),
            "Result<Option<Self>, Error>",
        );
        code.chain(
            &format!("::sqlx::query_as({path})"),
            &calls(
                key_binds(&pk),
                &[".fetch_optional(db)", ".await", ".map_err(Error::from)"],
            ),
            "",
        );
        code.close("}");
    } else {
        execute(
            code,
            "delete",
            "Deletes the row; `Error::NotFound` when there is none",
            format!("DELETE FROM {from} WHERE {key_where}"),
        );
    }
}
