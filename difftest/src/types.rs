//! Types as the generators see them: how a type is written, what kind of value it holds (its
//! [`Class`], which decides the expressions that can be built from it), and literals of it.
//!
//! Column types come from the catalog the fold built, spelled as `format_type()` prints them;
//! a user type (enum, domain, composite, range) is recognised by its name in that catalog.

use stagely_codegen::catalog::Catalog;

use crate::choices::Picks;

/// What can be done with a value: which operators, functions and literals apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// `smallint`, `integer`, `bigint`.
    Int,
    /// `numeric`, with or without a precision.
    Num,
    /// `real`, `double precision`.
    Float,
    /// `text`, `character varying(n)`, `character(n)`.
    Text,
    /// `boolean`.
    Bool,
    /// `date`.
    Date,
    /// `timestamp [with|without time zone]`.
    Stamp,
    /// `interval`.
    Interval,
    /// `jsonb`.
    Jsonb,
    /// `uuid`.
    Uuid,
    /// `bytea`.
    Bytea,
    /// A one-dimensional array of integers or of text.
    Array,
    /// A user's enum type.
    Enum,
    /// A user's composite type.
    Composite,
    /// A range type.
    Range,
    /// Anything else: only compared for equality, cast to text, tested for NULL.
    Other,
}

/// A type: its spelling (usable in SQL as written) and its class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlTy {
    /// As SQL writes it (`character varying(20)`, `s1.mood`, `integer[]`).
    pub sql: String,
    /// What it holds.
    pub class: Class,
}

impl SqlTy {
    /// A type of the given spelling, classified against `catalog`.
    pub fn of(sql: &str, catalog: &Catalog) -> Self {
        Self {
            sql: sql.to_string(),
            class: classify(sql, catalog),
        }
    }
}

/// The built-in column types histories choose from, with their classes.
pub const BUILTIN: &[(&str, Class)] = &[
    ("integer", Class::Int),
    ("bigint", Class::Int),
    ("smallint", Class::Int),
    ("text", Class::Text),
    ("varchar(20)", Class::Text),
    ("character(3)", Class::Text),
    ("numeric(10,2)", Class::Num),
    ("numeric", Class::Num),
    ("double precision", Class::Float),
    ("real", Class::Float),
    ("boolean", Class::Bool),
    ("date", Class::Date),
    ("timestamp", Class::Stamp),
    ("timestamptz", Class::Stamp),
    ("timestamp(3) with time zone", Class::Stamp),
    ("interval", Class::Interval),
    ("jsonb", Class::Jsonb),
    ("uuid", Class::Uuid),
    ("bytea", Class::Bytea),
    ("integer[]", Class::Array),
    ("text[]", Class::Array),
    ("int4range", Class::Range),
    ("tstzrange", Class::Range),
    ("inet", Class::Other),
    ("json", Class::Other),
    ("time", Class::Other),
    ("bit(4)", Class::Other),
    ("money", Class::Other),
    ("tsvector", Class::Other),
];

/// The class of a type spelled as `format_type()` (or a history) writes it.
pub fn classify(sql: &str, catalog: &Catalog) -> Class {
    let lower = sql.trim().to_ascii_lowercase();
    if let Some(element) = lower.strip_suffix("[]") {
        return match classify(element, catalog) {
            Class::Int | Class::Text => Class::Array,
            _ => Class::Other,
        };
    }
    let bare = lower.split('(').next().unwrap_or(&lower).trim();
    let builtin = match bare {
        "smallint" | "integer" | "bigint" | "int" | "int2" | "int4" | "int8" | "serial" | "bigserial"
        | "smallserial" => Some(Class::Int),
        "numeric" | "decimal" => Some(Class::Num),
        "real" | "double precision" | "float4" | "float8" => Some(Class::Float),
        "text" | "character varying" | "varchar" | "character" | "char" => Some(Class::Text),
        "boolean" | "bool" => Some(Class::Bool),
        "date" => Some(Class::Date),
        "timestamp" | "timestamptz" | "timestamp without time zone" | "timestamp with time zone" => {
            Some(Class::Stamp)
        }
        "interval" => Some(Class::Interval),
        "jsonb" => Some(Class::Jsonb),
        "uuid" => Some(Class::Uuid),
        "bytea" => Some(Class::Bytea),
        "int4range" | "int8range" | "numrange" | "daterange" | "tsrange" | "tstzrange" => Some(Class::Range),
        _ => None,
    };
    // `timestamp(3) with time zone`: the modifier sits inside the name.
    if lower.starts_with("timestamp") {
        return Class::Stamp;
    }
    if let Some(class) = builtin {
        return class;
    }
    let (schema, name) = split_name(sql);
    let same = |s: &str, n: &str| n == name && schema.as_deref().is_none_or(|want| want == s);
    if catalog.enums.iter().any(|e| same(&e.schema, &e.name)) {
        return Class::Enum;
    }
    if catalog.composite_types.iter().any(|c| same(&c.schema, &c.name)) {
        return Class::Composite;
    }
    if catalog.range_types.iter().any(|r| same(&r.schema, &r.name)) {
        return Class::Range;
    }
    if let Some(domain) = catalog.domains.iter().find(|d| same(&d.schema, &d.name)) {
        return classify(&domain.data_type, catalog);
    }
    Class::Other
}

/// `s1.mood` -> (`Some("s1")`, `mood`), unquoting each part; `mood` -> (`None`, `mood`).
pub fn split_name(sql: &str) -> (Option<String>, String) {
    let unquote = |s: &str| match s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => s.to_string(),
    };
    match sql.rsplit_once('.') {
        Some((schema, name)) if !sql.contains('(') => (Some(unquote(schema)), unquote(name)),
        _ => (None, unquote(sql)),
    }
}

/// A literal of `class` in its canonical type (`integer`, `text`, `numeric`, ...).
pub fn literal(class: Class, p: &mut Picks<'_>) -> String {
    match class {
        Class::Int => ["1", "0", "-7", "42", "100000"][p.below(5)].into(),
        Class::Num => ["1.5", "0.25", "-3.75", "100"][p.below(4)].to_string() + "::numeric",
        Class::Float => ["1.5", "-0.5", "2e3"][p.below(3)].to_string() + "::float8",
        Class::Text => ["'a'", "'hello'", "''", "'x y'"][p.below(4)].to_string() + "::text",
        Class::Bool => ["true", "false"][p.below(2)].into(),
        Class::Date => "DATE '2024-02-29'".into(),
        Class::Stamp => ["TIMESTAMPTZ '2024-01-02 03:04:05+00'", "now()"][p.below(2)].into(),
        Class::Interval => ["INTERVAL '1 day'", "INTERVAL '2 hours'"][p.below(2)].into(),
        Class::Jsonb => [
            r#"'{"k": 1, "a": [1, 2]}'::jsonb"#,
            "'[]'::jsonb",
            "'null'::jsonb",
        ][p.below(3)]
        .into(),
        Class::Uuid => "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid".into(),
        Class::Bytea => r"'\x0102'::bytea".into(),
        Class::Array => ["ARRAY[1, 2]", "ARRAY['a', 'b']"][p.below(2)].into(),
        Class::Range => "int4range(1, 10)".into(),
        Class::Enum | Class::Composite | Class::Other => "1".into(),
    }
}

/// A value of the type `ty` exactly: its literal, cast to `ty` where the literal's own type
/// would differ. Enum labels and composite fields are looked up in `catalog`.
pub fn value_of(ty: &SqlTy, catalog: &Catalog, p: &mut Picks<'_>) -> String {
    let cast = |text: &str| format!("CAST({text} AS {})", ty.sql);
    let lower = ty.sql.to_ascii_lowercase();
    match ty.class {
        Class::Enum => {
            let (schema, name) = split_name(&ty.sql);
            let labels = catalog
                .enums
                .iter()
                .find(|e| e.name == name && schema.as_deref().is_none_or(|s| s == e.schema))
                .map(|e| e.values.clone())
                .unwrap_or_default();
            let label = p.pick(&labels).cloned().unwrap_or_else(|| "x".into());
            cast(&quote_literal(&label))
        }
        Class::Composite => {
            let (schema, name) = split_name(&ty.sql);
            let fields: Vec<String> = catalog
                .composite_types
                .iter()
                .find(|c| c.name == name && schema.as_deref().is_none_or(|s| s == c.schema))
                .map(|c| {
                    c.attributes
                        .iter()
                        .map(|a| SqlTy::of(&a.data_type, catalog))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
                .iter()
                .map(|a| match a.class {
                    Class::Composite => "NULL".to_string(),
                    _ => value_of(a, catalog, p),
                })
                .collect();
            cast(&format!("ROW({})", fields.join(", ")))
        }
        Class::Array if lower.starts_with("text") || lower.starts_with("character") => {
            cast("ARRAY['a', 'b c']")
        }
        Class::Array => cast(["ARRAY[1, 2, 3]", "ARRAY[]::integer[]"][p.below(2)]),
        Class::Range => {
            let (_, name) = split_name(&ty.sql);
            match name.as_str() {
                "tstzrange" | "tsrange" => cast("'[2024-01-01, 2024-02-01)'"),
                "daterange" => cast("'[2024-01-01, 2024-02-01)'"),
                "numrange" => cast("'[1.5, 2.5)'"),
                _ => cast(["'[1, 10)'", "'empty'"][p.below(2)]),
            }
        }
        Class::Other => {
            let (_, name) = split_name(&ty.sql);
            let text = match name.split('(').next().unwrap_or("") {
                "inet" => "'10.0.0.1'",
                "json" => r#"'{"k": 2}'"#,
                "bit" => "'1010'",
                "money" => "'12.50'",
                "tsvector" => "'a fat cat'",
                s if s.starts_with("time") => "'12:34:56'",
                _ => "NULL",
            };
            cast(text)
        }
        Class::Text if lower.starts_with("character(") => cast("'abc'"),
        class => cast(&literal(class, p)),
    }
}

/// `text` as a SQL string literal.
pub fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// `name` as a SQL identifier: bare when PostgreSQL would keep it as written, else quoted.
pub fn quote_ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain && !RESERVED.contains(&name) {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// Words a bare identifier may not be (the reserved keywords the generators could meet).
const RESERVED: &[&str] = &[
    "all",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "constraint",
    "create",
    "default",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "false",
    "for",
    "foreign",
    "from",
    "grant",
    "group",
    "having",
    "in",
    "into",
    "key",
    "limit",
    "not",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "primary",
    "references",
    "select",
    "table",
    "then",
    "to",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "value",
    "when",
    "where",
    "window",
    "with",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_spellings_classify() {
        let catalog = Catalog::default();
        for (sql, class) in BUILTIN {
            assert_eq!(classify(sql, &catalog), *class, "{sql}");
        }
        assert_eq!(classify("character varying(20)", &catalog), Class::Text);
        assert_eq!(classify("timestamp(3) without time zone", &catalog), Class::Stamp);
        assert_eq!(classify("numeric(10,2)[]", &catalog), Class::Other);
    }

    #[test]
    fn identifiers_are_quoted_when_they_must_be() {
        assert_eq!(quote_ident("t1"), "t1");
        assert_eq!(quote_ident("Mixed"), "\"Mixed\"");
        assert_eq!(quote_ident("user"), "\"user\"");
        assert_eq!(split_name("s1.mood"), (Some("s1".into()), "mood".into()));
        assert_eq!(
            split_name("\"A b\".\"x\"\"y\""),
            (Some("A b".into()), "x\"y".into())
        );
    }
}
