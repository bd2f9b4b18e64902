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

/// One way the two catalogs disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// What it is about (`table public.teams`, `column public.teams.slug`).
    pub subject: String,
    /// How the migrations (static) and the database (live) disagree.
    pub message: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.subject, self.message)
    }
}

struct Differences(Vec<Difference>);

impl Differences {
    fn add(&mut self, subject: impl Into<String>, message: impl Into<String>) {
        self.0.push(Difference {
            subject: subject.into(),
            message: message.into(),
        });
    }

    /// Reports `what` when `expected` (static) and `live` differ.
    fn check<T: PartialEq + fmt::Debug>(&mut self, subject: &str, what: &str, expected: T, live: T) {
        if expected != live {
            self.add(
                subject,
                format!("{what} is {expected:?} in the migrations but {live:?} in the database"),
            );
        }
    }
}

/// Every difference between the catalog folded from the migrations (`expected`) and the one
/// read from the database (`live`).
pub fn compare(expected: &Catalog, live: &Catalog) -> Vec<Difference> {
    let mut d = Differences(Vec::new());
    for e in &expected.tables {
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
            d.add(
                format!("relation {}.{}", l.schema, l.name),
                "in the database but not in the migrations",
            );
        }
    }
    for e in &expected.enums {
        let subject = format!("enum {}.{}", e.schema, e.name);
        match live.enum_type(&e.schema, &e.name) {
            Some(l) => {
                d.check(&subject, "labels", &e.values, &l.values);
                d.check(&subject, "comment", &e.comment, &l.comment);
            }
            None => d.add(subject, "in the migrations but not in the database"),
        }
    }
    for l in &live.enums {
        if expected.enum_type(&l.schema, &l.name).is_none() {
            d.add(
                format!("enum {}.{}", l.schema, l.name),
                "in the database but not in the migrations",
            );
        }
    }
    for e in &expected.domains {
        let subject = format!("domain {}.{}", e.schema, e.name);
        match live
            .domains
            .iter()
            .find(|l| l.schema == e.schema && l.name == e.name)
        {
            Some(l) => {
                d.check(&subject, "base type", &e.data_type, &l.data_type);
                d.check(&subject, "nullability", e.nullable, l.nullable);
            }
            None => d.add(subject, "in the migrations but not in the database"),
        }
    }
    for l in &live.domains {
        if !expected
            .domains
            .iter()
            .any(|e| l.schema == e.schema && l.name == e.name)
        {
            d.add(
                format!("domain {}.{}", l.schema, l.name),
                "in the database but not in the migrations",
            );
        }
    }
    d.0
}

fn relation(d: &mut Differences, e: &Relation, l: &Relation) {
    let subject = format!("relation {}.{}", e.schema, e.name);
    d.check(&subject, "kind", e.kind, l.kind);
    d.check(&subject, "comment", &e.comment, &l.comment);
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
            )
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
fn named<T>(
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
