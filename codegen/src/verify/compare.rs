//! Compares the static catalog with the live one.
//!
//! Exact: relations and their kinds, column names and order, types, nullability (tables only:
//! PostgreSQL does not record whether a view column can be NULL), identity, primary, unique
//! and foreign keys (columns, referenced table and columns, ON DELETE), index names, columns
//! and uniqueness, enum labels and their order, domains, comments.
//!
//! Normalised: defaults, CHECK conditions, generation expressions, index expressions and
//! predicates. PostgreSQL re-spells an expression when it stores it (`'free'` becomes
//! `'free'::character varying`, `IN (...)` becomes `= ANY (ARRAY[...])`, parentheses are
//! added), so both sides are parsed and compared in [`Expr::canonical`] form: casts,
//! parentheses and quoting ignored, literals by their text, one spelling for `IN`, `BETWEEN`
//! and `LIKE`. A string default on a date/time column that PostgreSQL evaluates when the
//! migration runs (`DEFAULT 'now'`) is compared by presence only.

use std::fmt;

use crate::catalog::model::{Catalog, Column, Relation, RelationKind};
use crate::parse::parse_expression;
use crate::sql::expr::Expr;

mod types;

/// One way the two catalogs disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// What it is about (`table public.teams`, `column public.teams.slug`).
    pub subject: String,
    /// How the migrations (static) and the database (live) disagree.
    pub message: String,
    /// When the object is uncertain in the static catalog (a statement the fold could not
    /// read or apply may have changed it): that statement. Such differences are expected.
    pub uncertain: Option<String>,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.subject, self.message)?;
        if let Some(cause) = &self.uncertain {
            write!(f, " (uncertain since {cause})")?;
        }
        Ok(())
    }
}

/// The differences found so far, and what the static catalog is unsure of.
pub(super) struct Differences<'a> {
    pub(super) list: Vec<Difference>,
    /// The static catalog, whose uncertain objects mark their differences.
    expected: &'a Catalog,
    /// The cause of doubt about the object being compared.
    cause: Option<&'a str>,
}

impl<'a> Differences<'a> {
    pub(super) fn new(expected: &'a Catalog) -> Self {
        Self {
            list: Vec::new(),
            expected,
            cause: None,
        }
    }

    /// From here on, differences are about the object `schema.name`.
    pub(super) fn about(&mut self, schema: &str, name: &str) {
        self.cause = self.expected.uncertainty(schema, name);
    }

    pub(super) fn add(&mut self, subject: impl Into<String>, message: impl Into<String>) {
        self.list.push(Difference {
            subject: subject.into(),
            message: message.into(),
            uncertain: self.cause.map(str::to_string),
        });
    }

    /// Reports `what` when `expected` (static) and `live` differ.
    pub(super) fn check<T: PartialEq + fmt::Debug>(
        &mut self,
        subject: &str,
        what: &str,
        expected: T,
        live: T,
    ) {
        if expected != live {
            self.add(
                subject,
                format!("{what} is {expected:?} in the migrations but {live:?} in the database"),
            );
        }
    }
}

/// How many of the live catalog's columns (of tables and views) the static catalog has
/// exactly: same relation, name, type, nullability, default, identity, generation and
/// comment. The measure `make corpus` pools.
pub fn exact_columns(expected: &Catalog, live: &Catalog) -> (usize, usize) {
    let mut exact = 0;
    let mut total = 0;
    for l in &live.tables {
        for lc in &l.columns {
            total += 1;
            let Some(e) = expected.relation(&l.schema, &l.name) else {
                continue;
            };
            let Some(ec) = e.column(&lc.name) else {
                continue;
            };
            let mut d = Differences::new(expected);
            column(&mut d, e, ec, lc);
            if d.list.is_empty() {
                exact += 1;
            }
        }
    }
    (exact, total)
}

/// Every difference between the catalog folded from the migrations (`expected`) and the one
/// read from the database (`live`).
pub fn compare(expected: &Catalog, live: &Catalog) -> Vec<Difference> {
    let mut d = Differences::new(expected);
    for e in &expected.tables {
        d.about(&e.schema, &e.name);
        match live.relation(&e.schema, &e.name) {
            Some(l) => relation(&mut d, e, l),
            None => d.add(
                format!("relation {}.{}", e.schema, e.name),
                "in the migrations but not in the database",
            ),
        }
    }
    for l in &live.tables {
        if expected.relation(&l.schema, &l.name).is_none() {
            d.about(&l.schema, &l.name);
            d.add(
                format!("relation {}.{}", l.schema, l.name),
                "in the database but not in the migrations",
            );
        }
    }
    types::compare_types(&mut d, expected, live);
    d.list
}

fn relation(d: &mut Differences, e: &Relation, l: &Relation) {
    let subject = format!("relation {}.{}", e.schema, e.name);
    d.check(&subject, "kind", e.kind, l.kind);
    d.check(&subject, "comment", &e.comment, &l.comment);
    d.check(&subject, "parents (INHERITS)", &e.inherits, &l.inherits);
    d.check(
        &subject,
        "partitioned table it belongs to",
        &e.partition_of,
        &l.partition_of,
    );
    d.check(
        &subject,
        "partition key",
        e.partition_by.as_deref().map(normalize_key_list),
        l.partition_by.as_deref().map(normalize_key_list),
    );
    let names = |r: &Relation| r.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    let (expected_names, live_names) = (names(e), names(l));
    for c in &e.columns {
        match l.column(&c.name) {
            Some(lc) => column(d, e, c, lc),
            None => d.add(
                format!("column {}.{}.{}", e.schema, e.name, c.name),
                "in the migrations but not in the database",
            ),
        }
    }
    for c in &l.columns {
        if e.column(&c.name).is_none() {
            d.add(
                format!("column {}.{}.{}", l.schema, l.name, c.name),
                "in the database but not in the migrations",
            );
        }
    }
    let mut shared_expected = expected_names.clone();
    shared_expected.retain(|n| live_names.contains(n));
    let mut shared_live = live_names.clone();
    shared_live.retain(|n| expected_names.contains(n));
    if shared_expected != shared_live {
        d.add(
            &subject,
            format!(
                "column order is ({}) in the migrations but ({}) in the database",
                expected_names.join(", "),
                live_names.join(", ")
            ),
        );
    }
    d.check(&subject, "primary key", &e.primary_key, &l.primary_key);
    if !e.primary_key.is_empty() {
        d.check(
            &subject,
            "primary key name",
            &e.primary_key_name,
            &l.primary_key_name,
        );
    }
    named(
        d,
        &subject,
        "unique constraint",
        &e.unique,
        &l.unique,
        |u| &u.name,
        |d, s, a, b| d.check(s, "columns", &a.columns, &b.columns),
    );
    named(
        d,
        &subject,
        "foreign key",
        &e.foreign_keys,
        &l.foreign_keys,
        |f| &f.name,
        |d, s, a, b| {
            d.check(s, "columns", &a.columns, &b.columns);
            d.check(
                s,
                "referenced table",
                (&a.references.schema, &a.references.table),
                (&b.references.schema, &b.references.table),
            );
            d.check(
                s,
                "referenced columns",
                &a.references.columns,
                &b.references.columns,
            );
            d.check(s, "ON DELETE", &a.on_delete, &b.on_delete);
            d.check(s, "ON UPDATE", &a.on_update, &b.on_update);
        },
    );
    named(
        d,
        &subject,
        "check",
        &e.checks,
        &l.checks,
        |c| &c.name,
        |d, s, a, b| {
            d.check(
                s,
                "condition",
                normalize_expr(&a.expression),
                normalize_expr(&b.expression),
            );
            d.check(s, "NO INHERIT", a.no_inherit, b.no_inherit);
        },
    );
    named(
        d,
        &subject,
        "index",
        &e.indexes,
        &l.indexes,
        |i| &i.name,
        |d, s, a, b| {
            d.check(s, "uniqueness", a.unique, b.unique);
            let keys = |i: &crate::catalog::model::Index| {
                i.columns.iter().map(|k| normalize_key(k)).collect::<Vec<_>>()
            };
            d.check(s, "columns", keys(a), keys(b));
            d.check(
                s,
                "predicate",
                a.predicate.as_deref().map(normalize_expr),
                b.predicate.as_deref().map(normalize_expr),
            );
        },
    );
}

/// Compares two lists of named things: missing, extra, and `each` on the pairs.
pub(super) fn named<T>(
    d: &mut Differences,
    relation: &str,
    what: &str,
    expected: &[T],
    live: &[T],
    name: impl Fn(&T) -> &String,
    each: impl Fn(&mut Differences, &str, &T, &T),
) {
    for e in expected {
        let subject = format!("{relation} {what} {}", name(e));
        match live.iter().find(|l| name(l) == name(e)) {
            Some(l) => each(d, &subject, e, l),
            None => d.add(subject, "in the migrations but not in the database"),
        }
    }
    for l in live {
        if !expected.iter().any(|e| name(e) == name(l)) {
            d.add(
                format!("{relation} {what} {}", name(l)),
                "in the database but not in the migrations",
            );
        }
    }
}

fn column(d: &mut Differences, relation: &Relation, e: &Column, l: &Column) {
    let subject = format!("column {}.{}.{}", relation.schema, relation.name, e.name);
    d.check(&subject, "type", &e.data_type, &l.data_type);
    if relation.kind == RelationKind::Table {
        d.check(&subject, "nullability", nullability(e), nullability(l));
    }
    d.check(&subject, "identity", e.identity, l.identity);
    d.check(
        &subject,
        "generation expression",
        e.generated.as_deref().map(normalize_expr),
        l.generated.as_deref().map(normalize_expr),
    );
    d.check(&subject, "comment", &e.comment, &l.comment);
    if frozen_time_default(e) {
        d.check(
            &subject,
            "presence of a default",
            e.default.is_some(),
            l.default.is_some(),
        );
    } else {
        d.check(
            &subject,
            "default",
            e.default.as_deref().map(normalize_expr),
            l.default.as_deref().map(normalize_expr),
        );
    }
}

fn nullability(c: &Column) -> &'static str {
    if c.nullable { "NULL" } else { "NOT NULL" }
}

/// `DEFAULT 'now'` (or `'today'`, ...) on a date/time column: PostgreSQL stores the moment the
/// migration ran, which no static reading can know.
fn frozen_time_default(c: &Column) -> bool {
    let is_time = c.data_type.starts_with("timestamp")
        || c.data_type.starts_with("date")
        || c.data_type.starts_with("time");
    let Some(default) = &c.default else {
        return false;
    };
    match parse_expression(default) {
        Ok(e) => match e.uncast() {
            Expr::String(s) => {
                let s = s.trim().trim_end_matches("()").to_ascii_lowercase();
                is_time && matches!(s.as_str(), "now" | "today" | "tomorrow" | "yesterday")
            }
            _ => false,
        },
        Err(_) => false,
    }
}

/// An expression in comparison form; text that does not parse is compared with its
/// whitespace collapsed.
pub fn normalize_expr(text: &str) -> String {
    match parse_expression(text) {
        Ok(e) => e.canonical(),
        Err(_) => text.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

/// A partition key (`RANGE (created_at)`, `LIST (lower(name))`) in comparison form.
fn normalize_key_list(text: &str) -> String {
    match text.split_once('(') {
        Some((strategy, keys)) => {
            let keys = keys.strip_suffix(')').unwrap_or(keys);
            format!(
                "{} ({})",
                strategy.trim().to_ascii_uppercase(),
                normalize_key(keys)
            )
        }
        None => text.to_string(),
    }
}

/// An index key (`created_at DESC`, `"timestamp"`, `lower((email)::text)`) in comparison form.
pub fn normalize_key(key: &str) -> String {
    let mut rest = key.trim();
    let mut suffix = String::new();
    for word in [" NULLS FIRST", " NULLS LAST", " DESC", " ASC"] {
        if let Some(stripped) = rest.strip_suffix(word) {
            rest = stripped.trim_end();
            suffix = format!("{word}{suffix}");
        }
    }
    let suffix = suffix.replace(" ASC", "");
    let plain = rest
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    let body = if let Some(quoted) = rest.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        quoted.replace("\"\"", "\"")
    } else if plain {
        rest.to_ascii_lowercase()
    } else {
        normalize_expr(rest)
    };
    format!("{body}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_what_postgresql_re_spells() {
        assert_eq!(
            normalize_expr("billing_plan IN ('free', 'pro')"),
            normalize_expr(
                "((billing_plan)::text = ANY ((ARRAY['free'::character varying, 'pro'::character varying])::text[]))"
            )
        );
        assert_eq!(
            normalize_expr("'free'"),
            normalize_expr("'free'::character varying")
        );
        assert_eq!(normalize_expr("-1"), normalize_expr("'-1'::integer"));
        assert_eq!(
            normalize_expr("t BETWEEN 1 AND 5"),
            normalize_expr("((t >= 1) AND (t <= 5))")
        );
        assert_ne!(normalize_expr("now()"), normalize_expr("CURRENT_TIMESTAMP"));
    }

    #[test]
    fn normalises_index_keys() {
        assert_eq!(
            normalize_key("timestamp DESC"),
            normalize_key("\"timestamp\" DESC")
        );
        assert_eq!(
            normalize_key("lower(email)"),
            normalize_key("lower((email)::text)")
        );
        assert_ne!(normalize_key("a"), normalize_key("a DESC"));
    }
}
