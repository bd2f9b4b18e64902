//! SQL types, as `format_type()` spells them, to Rust types.
//!
//! Every type a PostgreSQL 15 column can have maps to something:
//! - sqlx's own type where sqlx has one with the features the workspace enables (`uuid`,
//!   `chrono`, `json`, `rust_decimal`, `ipnetwork`): integers, floats, text, `bytea`, `numeric`,
//!   dates and times, `timetz` (`PgTimeTz`), `interval` (`PgInterval`), the six built-in ranges
//!   (`PgRange<T>`), `money` (`PgMoney`), `oid`, `"char"` (`i8`), `ltree`/`lquery`, `hstore`,
//!   `cube`, the geometric types, `json`/`jsonb`, `inet`/`cidr`;
//! - domains map to their base type (reads cast to it, so the row decodes as the base type);
//! - composite types map to the structs generated for them (`composites.rs`);
//! - enum types map to the generated enums;
//! - one-dimensional arrays of all of these to `Vec<T>`;
//! - everything else travels as text: reads select `col::text`, writes send `$n::<type>`, and
//!   the field is a `String` whose rustdoc says so (`tsvector`, `bit`, `macaddr`, `xml`,
//!   multiranges, arrays spelled with several dimensions, types an extension brought, enums
//!   whose labels the fold could not see, ...).

use proc_macro2::{TokenStream, TokenTree};
use quote::{format_ident, quote};

use crate::catalog::{Catalog, Column, Relation};
use crate::emit::names::Names;

/// How the generated struct may derive serde for a field of this type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Serde {
    /// The type implements `Serialize` and `Deserialize`.
    Derive,
    /// It does not, but has a `Default`: the field is `#[serde(skip)]`.
    SkipDefault,
    /// Neither: a struct holding it cannot derive serde.
    None,
}

/// The Rust side of a SQL type, and how values travel.
#[derive(Debug, Clone)]
pub struct RustType {
    /// The Rust type of a non-null value.
    pub tokens: TokenStream,
    /// The SQL type reads cast the column to (`text`, a domain's base type), when one is needed.
    pub read_as: Option<String>,
    /// The SQL type written values are cast to (`$1::tsvector`), when one is needed.
    pub write_as: Option<String>,
    /// Whether values are `Copy` (bound by value rather than borrowed).
    pub copy: bool,
    /// What serde can do with the type.
    pub serde: Serde,
    /// A sentence for the rustdoc, when the mapping needs one (text fallback, domain CHECKs).
    pub note: Option<String>,
    /// Set when the type fell back to text because the fold could not see it (a warning).
    pub unknown: bool,
}

impl RustType {
    fn native(tokens: TokenStream, copy: bool, serde: Serde) -> Self {
        Self {
            tokens,
            read_as: None,
            write_as: None,
            copy,
            serde,
            note: None,
            unknown: false,
        }
    }

    fn text(sql_type: &str, why: &str) -> Self {
        Self {
            tokens: quote! { ::std::string::String },
            read_as: Some("text".into()),
            // Sent as text and turned into the type by its input function, whatever type the
            // parameter is given.
            write_as: Some(format!("text::{sql_type}")),
            copy: false,
            serde: Serde::Derive,
            note: Some(format!(
                "Travels as text ({why}): read as `::text`, written as `::text::{sql_type}`, so the value is PostgreSQL's text form."
            )),
            unknown: false,
        }
    }

    /// Whether the value is a `String` (taken as `&str` or `impl Into<String>`).
    pub fn is_string(&self) -> bool {
        is_string(&self.tokens)
    }
}

/// The Rust type of a column (the generated enum for CHECK-limited columns).
pub fn column_rust_type(catalog: &Catalog, names: &Names, relation: &Relation, column: &Column) -> RustType {
    if let Some(rust) = names.type_override(relation, column)
        && let Ok(tokens) = rust.parse::<TokenStream>()
    {
        // The SQL still reads and writes the value as the default mapping does.
        let default = column_default_type(catalog, names, relation, column);
        return RustType {
            tokens,
            copy: false,
            serde: Serde::Derive,
            note: Some(format!("Rust type `{rust}` set by stagely-codegen.toml.")),
            unknown: false,
            ..default
        };
    }
    column_default_type(catalog, names, relation, column)
}

fn column_default_type(catalog: &Catalog, names: &Names, relation: &Relation, column: &Column) -> RustType {
    match names.column_enum(relation, &column.name) {
        Some(name) => {
            let ident = format_ident!("{}", name);
            RustType::native(quote! { super::enums::#ident }, true, Serde::Derive)
        }
        None => rust_type(catalog, names, &column.data_type),
    }
}

/// The Rust type of a column's non-null values, as tokens.
pub fn column_type(
    catalog: &Catalog,
    names: &Names,
    relation: &Relation,
    column: &Column,
) -> Result<TokenStream, String> {
    Ok(column_rust_type(catalog, names, relation, column).tokens)
}

/// The non-null Rust type of a SQL type, or `None` when it travels as text.
pub fn base_type(catalog: &Catalog, names: &Names, sql_type: &str) -> Option<TokenStream> {
    let mapped = rust_type(catalog, names, sql_type);
    mapped.read_as.is_none().then_some(mapped.tokens)
}

/// Whether a mapped Rust type is `String` (taken as `&str` or `impl Into<String>`).
pub fn is_string(ty: &TokenStream) -> bool {
    // `::std::string::String`, token by token: `:` `:` and a word, three times.
    const PATH: [&str; 3] = ["std", "string", "String"];
    let mut words = 0;
    for (i, tree) in ty.clone().into_iter().enumerate() {
        match (i % 3, tree) {
            (0 | 1, TokenTree::Punct(punct)) if punct.as_char() == ':' => {}
            (2, TokenTree::Ident(word)) if words < PATH.len() && word == PATH[words] => words += 1,
            _ => return false,
        }
    }
    words == PATH.len()
}

/// The SQL type without its type modifiers (`numeric(10,4)` -> `numeric`,
/// `timestamp(3) with time zone` -> `timestamp with time zone`).
fn bare(sql_type: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in sql_type.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The domain `sql_type` names, if it names one.
pub fn domain<'a>(catalog: &'a Catalog, sql_type: &str) -> Option<&'a crate::catalog::Domain> {
    catalog
        .domains
        .iter()
        .find(|d| names_type(&d.schema, &d.name, sql_type))
}

/// `sql_type` with its domains unwrapped (a domain over a domain over `json` is `json`).
pub fn without_domains<'a>(catalog: &'a Catalog, sql_type: &'a str) -> &'a str {
    let mut current = sql_type;
    // Nesting is bounded as `rust_type_at` bounds it.
    for _ in 0..16 {
        match domain(catalog, current) {
            Some(d) => current = &d.data_type,
            None => break,
        }
    }
    current
}

/// Whether a catalog object `schema.name` is what `sql_type` names (`mood`, `other.mood`).
fn names_type(schema: &str, name: &str, sql_type: &str) -> bool {
    let sql_type = sql_type.replace('"', "");
    sql_type == name || sql_type == format!("{schema}.{name}")
}

/// The Rust side of a SQL type (see the module documentation for the rules).
pub fn rust_type(catalog: &Catalog, names: &Names, sql_type: &str) -> RustType {
    rust_type_at(catalog, names, sql_type, 0)
}

fn rust_type_at(catalog: &Catalog, names: &Names, sql_type: &str, depth: usize) -> RustType {
    if depth > 16 {
        return RustType::text(sql_type, "its definition nests too deeply");
    }
    if let Some(element) = sql_type.strip_suffix("[]") {
        if element.ends_with("[]") {
            return RustType::text(sql_type, "sqlx decodes one-dimensional arrays only");
        }
        let inner = rust_type_at(catalog, names, element, depth + 1);
        let tokens = &inner.tokens;
        return RustType {
            tokens: quote! { ::std::vec::Vec<#tokens> },
            read_as: inner.read_as.map(|t| format!("{t}[]")),
            write_as: inner.write_as.map(|t| match t.strip_prefix("text::") {
                Some(element) => format!("text[]::{element}[]"),
                None => format!("{t}[]"),
            }),
            copy: false,
            serde: inner.serde,
            note: inner.note,
            unknown: inner.unknown,
        };
    }
    if let Some(name) = names.type_enum(sql_type) {
        let ident = format_ident!("{}", name);
        return RustType::native(quote! { super::enums::#ident }, true, Serde::Derive);
    }
    if let Some(domain) = domain(catalog, sql_type) {
        let mut base = rust_type_at(catalog, names, &domain.data_type, depth + 1);
        // Rows report a domain column as the domain's type; cast to the base so sqlx decodes it.
        if base.read_as.is_none() {
            base.read_as = Some(domain.data_type.clone());
        }
        let checks: Vec<&str> = domain.checks.iter().map(|c| c.expression.as_str()).collect();
        let mut note = format!("Domain `{sql_type}` over `{}`", domain.data_type);
        if !checks.is_empty() {
            note.push_str(&format!(", CHECK `{}`", checks.join("` and `")));
        }
        note.push('.');
        if let Some(inner) = &base.note {
            note.push(' ');
            note.push_str(inner);
        }
        base.note = Some(note);
        return base;
    }
    if let Some(composite) = names.composite(sql_type) {
        let ident = format_ident!("{}", composite.name);
        return if composite.native {
            RustType::native(
                quote! { super::composites::#ident },
                false,
                if composite.serde {
                    Serde::Derive
                } else {
                    Serde::None
                },
            )
        } else {
            RustType::text(
                sql_type,
                "an attribute of the composite type has no binary Rust mapping",
            )
        };
    }
    if catalog
        .range_types
        .iter()
        .any(|r| names_type(&r.schema, &r.name, sql_type) || names_type(&r.schema, &r.multirange, sql_type))
    {
        return RustType::text(sql_type, "sqlx's PgRange decodes the built-in range types only");
    }
    if catalog
        .enums
        .iter()
        .any(|e| names_type(&e.schema, &e.name, sql_type))
    {
        return RustType::text(sql_type, "enum type without a generated Rust enum");
    }
    let bare = bare(sql_type);
    let bare = bare.strip_prefix("pg_catalog.").unwrap_or(&bare);
    // An extension's type in a schema of its own (`extensions.citext`): sqlx finds hstore,
    // ltree and friends by their bare name, which that schema may hide; such types travel as
    // text, except citext, which is text already.
    if let Some((_, name)) = bare.split_once('.') {
        return if name == "citext" {
            RustType {
                read_as: Some("text".into()),
                ..RustType::native(quote! { ::std::string::String }, false, Serde::Derive)
            }
        } else {
            fallback(sql_type, bare)
        };
    }
    builtin(sql_type, bare)
}

/// The built-in types, by their bare spelling.
fn builtin(sql_type: &str, bare: &str) -> RustType {
    use Serde::{Derive, None as NoSerde, SkipDefault};
    let pg = |name: &str| {
        let ident = format_ident!("{}", name);
        quote! { ::sqlx::postgres::types::#ident }
    };
    let range = |inner: TokenStream| {
        RustType::native(quote! { ::sqlx::postgres::types::PgRange<#inner> }, true, NoSerde)
    };
    let (tokens, copy, serde) = match bare {
        "uuid" => (quote! { ::uuid::Uuid }, true, Derive),
        "text" | "character varying" | "character" | "name" | "citext" | "bpchar" => {
            (quote! { ::std::string::String }, false, Derive)
        }
        "\"char\"" => (quote! { i8 }, true, Derive),
        "smallint" => (quote! { i16 }, true, Derive),
        "integer" => (quote! { i32 }, true, Derive),
        "bigint" => (quote! { i64 }, true, Derive),
        "boolean" => (quote! { bool }, true, Derive),
        "real" => (quote! { f32 }, true, Derive),
        "double precision" => (quote! { f64 }, true, Derive),
        "numeric" => (quote! { ::rust_decimal::Decimal }, true, Derive),
        "timestamp with time zone" => (quote! { ::chrono::DateTime<::chrono::Utc> }, true, Derive),
        "timestamp without time zone" => (quote! { ::chrono::NaiveDateTime }, true, Derive),
        "date" => (quote! { ::chrono::NaiveDate }, true, Derive),
        "time without time zone" => (quote! { ::chrono::NaiveTime }, true, Derive),
        "time with time zone" => (pg("PgTimeTz"), true, NoSerde),
        "json" | "jsonb" => (quote! { ::serde_json::Value }, false, Derive),
        "inet" | "cidr" => (quote! { ::ipnetwork::IpNetwork }, true, Derive),
        "bytea" => (quote! { ::std::vec::Vec<u8> }, false, Derive),
        "money" => (pg("PgMoney"), true, SkipDefault),
        "oid" => (pg("Oid"), true, Derive),
        "ltree" => (pg("PgLTree"), false, SkipDefault),
        "lquery" => (pg("PgLQuery"), false, SkipDefault),
        "hstore" => (pg("PgHstore"), false, SkipDefault),
        "cube" => (pg("PgCube"), false, NoSerde),
        "point" => (pg("PgPoint"), false, NoSerde),
        "line" => (pg("PgLine"), false, NoSerde),
        "lseg" => (pg("PgLSeg"), false, NoSerde),
        "box" => (pg("PgBox"), false, NoSerde),
        "path" => (pg("PgPath"), false, NoSerde),
        "polygon" => (pg("PgPolygon"), false, NoSerde),
        "circle" => (pg("PgCircle"), false, NoSerde),
        "int4range" => return range(quote! { i32 }),
        "int8range" => return range(quote! { i64 }),
        "numrange" => return range(quote! { ::rust_decimal::Decimal }),
        "tsrange" => return range(quote! { ::chrono::NaiveDateTime }),
        "tstzrange" => return range(quote! { ::chrono::DateTime<::chrono::Utc> }),
        "daterange" => return range(quote! { ::chrono::NaiveDate }),
        _ if bare.starts_with("interval") => (pg("PgInterval"), true, SkipDefault),
        _ => return fallback(sql_type, bare),
    };
    RustType::native(tokens, copy, serde)
}

/// Types with no sqlx mapping under the workspace's features: text, with a reason.
fn fallback(sql_type: &str, bare: &str) -> RustType {
    let why = match bare {
        "tsvector" | "tsquery" => "sqlx has no full-text search type",
        "bit" | "bit varying" => "sqlx maps bit strings only with its `bit-vec` feature, which is off",
        "macaddr" | "macaddr8" => "sqlx maps MAC addresses only with its `mac_address` feature, which is off",
        "xml" => "sqlx has no XML type",
        "jsonpath" | "pg_lsn" | "pg_snapshot" | "txid_snapshot" | "tid" | "xid" | "xid8" | "cid" => {
            "sqlx has no type for it"
        }
        _ if bare.ends_with("multirange") => "sqlx has no multirange type",
        _ if bare.starts_with("reg") => "sqlx has no type for object identifiers by name",
        _ => {
            let why = if crate::catalog::types::builtin_by_format(bare).is_some() {
                "PostgreSQL's own type, which sqlx has no mapping for"
            } else {
                "the migrations do not define this type (an extension's type, or one made where the fold could not see)"
            };
            let mut unknown = RustType::text(sql_type, why);
            unknown.unknown = true;
            return unknown;
        }
    };
    RustType::text(sql_type, why)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_string_knows_the_string_path_only() {
        assert!(is_string(&quote! { ::std::string::String }));
        for other in [
            quote! { String },
            quote! { ::std::string::Strings },
            quote! { ::std::string::String::new },
            quote! { ::std::option::Option<::std::string::String> },
            quote! {},
        ] {
            assert!(!is_string(&other), "{other}");
        }
    }

    fn rust(sql: &str) -> Option<String> {
        base_type(&Catalog::default(), &Names::default(), sql).map(|t| t.to_string().replace(' ', ""))
    }

    #[test]
    fn maps_the_spec_types() {
        let cases = [
            ("uuid", "::uuid::Uuid"),
            ("character varying(100)", "::std::string::String"),
            ("character(2)", "::std::string::String"),
            ("text", "::std::string::String"),
            ("smallint", "i16"),
            ("integer", "i32"),
            ("bigint", "i64"),
            ("boolean", "bool"),
            ("real", "f32"),
            ("double precision", "f64"),
            ("numeric(10,4)", "::rust_decimal::Decimal"),
            ("timestamp with time zone", "::chrono::DateTime<::chrono::Utc>"),
            ("timestamp(3) with time zone", "::chrono::DateTime<::chrono::Utc>"),
            ("timestamp without time zone", "::chrono::NaiveDateTime"),
            ("date", "::chrono::NaiveDate"),
            ("time without time zone", "::chrono::NaiveTime"),
            ("interval", "::sqlx::postgres::types::PgInterval"),
            ("interval day to second(3)", "::sqlx::postgres::types::PgInterval"),
            ("jsonb", "::serde_json::Value"),
            ("inet", "::ipnetwork::IpNetwork"),
            ("bytea", "::std::vec::Vec<u8>"),
            ("text[]", "::std::vec::Vec<::std::string::String>"),
            ("time with time zone", "::sqlx::postgres::types::PgTimeTz"),
            ("time(3) with time zone", "::sqlx::postgres::types::PgTimeTz"),
            ("money", "::sqlx::postgres::types::PgMoney"),
            ("oid", "::sqlx::postgres::types::Oid"),
            ("\"char\"", "i8"),
            ("ltree", "::sqlx::postgres::types::PgLTree"),
            ("lquery", "::sqlx::postgres::types::PgLQuery"),
            ("hstore", "::sqlx::postgres::types::PgHstore"),
            ("citext", "::std::string::String"),
            ("point", "::sqlx::postgres::types::PgPoint"),
            ("polygon", "::sqlx::postgres::types::PgPolygon"),
            ("circle", "::sqlx::postgres::types::PgCircle"),
            ("int4range", "::sqlx::postgres::types::PgRange<i32>"),
            (
                "tstzrange",
                "::sqlx::postgres::types::PgRange<::chrono::DateTime<::chrono::Utc>>",
            ),
            (
                "daterange[]",
                "::std::vec::Vec<::sqlx::postgres::types::PgRange<::chrono::NaiveDate>>",
            ),
        ];
        for (sql, expected) in cases {
            assert_eq!(rust(sql).as_deref(), Some(expected), "{sql}");
        }
    }

    #[test]
    fn sends_the_rest_as_text_with_casts() {
        let catalog = Catalog::default();
        let names = Names::default();
        for (sql, read, write) in [
            ("tsvector", "text", "text::tsvector"),
            ("bit(1)", "text", "text::bit(1)"),
            ("bit varying(8)", "text", "text::bit varying(8)"),
            ("macaddr", "text", "text::macaddr"),
            ("xml", "text", "text::xml"),
            ("int4multirange", "text", "text::int4multirange"),
            ("tsvector[]", "text[]", "text[]::tsvector[]"),
            ("integer[][]", "text", "text::integer[][]"),
            ("geometry", "text", "text::geometry"),
        ] {
            let t = rust_type(&catalog, &names, sql);
            assert!(t.is_string() || sql.ends_with("[]"), "{sql}");
            assert_eq!(t.read_as.as_deref(), Some(read), "{sql}");
            assert_eq!(t.write_as.as_deref(), Some(write), "{sql}");
            assert!(
                t.note.as_deref().unwrap_or("").contains("Travels as text"),
                "{sql}"
            );
        }
        assert!(rust_type(&catalog, &names, "geometry").unknown);
        assert!(!rust_type(&catalog, &names, "tsvector").unknown);
    }
}
