//! A non-NULL sample value for every column type, as a Rust expression, chosen so PostgreSQL
//! stores and returns it unchanged (canonical text forms, values every type modifier admits).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::catalog::Catalog;
use crate::emit::names::Names;
use crate::emit::types::{RustType, rust_type};

/// Where the generated crate's modules are, seen from the harness (`corpus_models::generated`).
pub struct Paths {
    /// The path that replaces `super` in the generated types (`::corpus_models::generated`).
    pub generated: TokenStream,
}

/// A Rust expression of type `mapping.tokens` for a column of `sql_type`, or `None` when no
/// value can be made (an enum without labels).
pub fn sample(
    catalog: &Catalog,
    names: &Names,
    paths: &Paths,
    sql_type: &str,
    mapping: &RustType,
) -> Option<TokenStream> {
    sample_at(catalog, names, paths, sql_type, mapping, 0)
}

fn sample_at(
    catalog: &Catalog,
    names: &Names,
    paths: &Paths,
    sql_type: &str,
    mapping: &RustType,
    depth: usize,
) -> Option<TokenStream> {
    if depth > 8 {
        return None;
    }
    let rust = mapping.tokens.to_string().replace(' ', "");
    if mapping.read_as.as_deref().is_some_and(|t| t.starts_with("text")) {
        return text_sample(catalog, sql_type, mapping);
    }
    if let Some(element) = sql_type.strip_suffix("[]") {
        let inner = rust_type(catalog, names, element);
        let value = sample_at(catalog, names, paths, element, &inner, depth + 1)?;
        return Some(quote! { ::std::vec![#value] });
    }
    // Domains: the base type's sample.
    if let Some(domain) = catalog.domains.iter().find(|d| {
        sql_type.replace('"', "") == d.name || sql_type.replace('"', "") == format!("{}.{}", d.schema, d.name)
    }) {
        let base = rust_type(catalog, names, &domain.data_type);
        return sample_at(catalog, names, paths, &domain.data_type, &base, depth + 1);
    }
    let generated = &paths.generated;
    if let Some(path) = rust.strip_prefix("super::enums::") {
        let ident = format_ident!("{}", path);
        let def = names.enums.iter().find(|e| e.name == path)?;
        if def.values.is_empty() {
            return None;
        }
        return Some(quote! { #generated::enums::#ident::ALL[0] });
    }
    if let Some(path) = rust.strip_prefix("super::composites::") {
        let ident = format_ident!("{}", path);
        let def = names.composite(sql_type)?;
        let composite = catalog
            .composite_types
            .iter()
            .find(|c| (&c.schema, &c.name) == (&def.key.0, &def.key.1))?;
        let mut fields = Vec::new();
        for attribute in &composite.attributes {
            let field = crate::emit::ident::ident(&crate::emit::ident::field_name(&attribute.name));
            let inner = rust_type(catalog, names, &attribute.data_type);
            let value = sample_at(catalog, names, paths, &attribute.data_type, &inner, depth + 1)?;
            fields.push(quote! { #field: ::std::option::Option::Some(#value) });
        }
        return Some(quote! { #generated::composites::#ident { #(#fields),* } });
    }
    let bare = bare(sql_type);
    Some(match rust.as_str() {
        "::uuid::Uuid" => quote! { ::uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef) },
        "::std::string::String" => {
            let text = match char_length(sql_type) {
                Some(n) => format!("a{}", " ".repeat(n.saturating_sub(1))),
                None => "a".to_string(),
            };
            quote! { ::std::string::String::from(#text) }
        }
        "i8" => quote! { 97i8 },
        "i16" => quote! { 1i16 },
        "i32" => quote! { 1i32 },
        "i64" => quote! { 1i64 },
        "bool" => quote! { true },
        "f32" => quote! { 1.5f32 },
        "f64" => quote! { 1.5f64 },
        "::rust_decimal::Decimal" => quote! { ::rust_decimal::Decimal::ZERO },
        "::chrono::DateTime<::chrono::Utc>" => {
            quote! { ::chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap() }
        }
        "::chrono::NaiveDateTime" => {
            quote! { ::chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap().naive_utc() }
        }
        "::chrono::NaiveDate" => quote! { ::chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap() },
        "::chrono::NaiveTime" => quote! { ::chrono::NaiveTime::from_hms_opt(3, 4, 5).unwrap() },
        "::serde_json::Value" => quote! { ::serde_json::Value::from(1) },
        "::ipnetwork::IpNetwork" => quote! { "127.0.0.1/32".parse::<::ipnetwork::IpNetwork>().unwrap() },
        "::std::vec::Vec<u8>" => quote! { ::std::vec![1u8, 2u8] },
        "::sqlx::postgres::types::PgTimeTz" => quote! {
            ::sqlx::postgres::types::PgTimeTz {
                time: ::chrono::NaiveTime::from_hms_opt(3, 4, 5).unwrap(),
                offset: ::chrono::FixedOffset::east_opt(0).unwrap(),
            }
        },
        "::sqlx::postgres::types::PgInterval" => quote! {
            ::sqlx::postgres::types::PgInterval { months: 12, days: 0, microseconds: 0 }
        },
        "::sqlx::postgres::types::PgMoney" => quote! { ::sqlx::postgres::types::PgMoney(100) },
        "::sqlx::postgres::types::Oid" => quote! { ::sqlx::postgres::types::Oid(1) },
        "::sqlx::postgres::types::PgLTree" => {
            quote! { "a.b".parse::<::sqlx::postgres::types::PgLTree>().unwrap() }
        }
        "::sqlx::postgres::types::PgLQuery" => {
            quote! { "a.b".parse::<::sqlx::postgres::types::PgLQuery>().unwrap() }
        }
        "::sqlx::postgres::types::PgHstore" => quote! {
            ::sqlx::postgres::types::PgHstore::from_iter([(::std::string::String::from("a"), ::std::string::String::from("b"))])
        },
        "::sqlx::postgres::types::PgCube" => quote! { ::sqlx::postgres::types::PgCube::Point(1.0) },
        "::sqlx::postgres::types::PgPoint" => quote! { ::sqlx::postgres::types::PgPoint { x: 1.0, y: 2.0 } },
        "::sqlx::postgres::types::PgLine" => {
            quote! { ::sqlx::postgres::types::PgLine { a: 1.0, b: -1.0, c: 0.0 } }
        }
        "::sqlx::postgres::types::PgLSeg" => quote! {
            ::sqlx::postgres::types::PgLSeg { start_x: 0.0, start_y: 0.0, end_x: 1.0, end_y: 1.0 }
        },
        "::sqlx::postgres::types::PgBox" => quote! {
            ::sqlx::postgres::types::PgBox { upper_right_x: 1.0, upper_right_y: 1.0, lower_left_x: 0.0, lower_left_y: 0.0 }
        },
        "::sqlx::postgres::types::PgPath" => quote! {
            ::sqlx::postgres::types::PgPath {
                closed: false,
                points: ::std::vec![
                    ::sqlx::postgres::types::PgPoint { x: 0.0, y: 0.0 },
                    ::sqlx::postgres::types::PgPoint { x: 1.0, y: 1.0 },
                ],
            }
        },
        "::sqlx::postgres::types::PgPolygon" => quote! {
            ::sqlx::postgres::types::PgPolygon {
                points: ::std::vec![
                    ::sqlx::postgres::types::PgPoint { x: 0.0, y: 0.0 },
                    ::sqlx::postgres::types::PgPoint { x: 1.0, y: 1.0 },
                    ::sqlx::postgres::types::PgPoint { x: 1.0, y: 0.0 },
                ],
            }
        },
        "::sqlx::postgres::types::PgCircle" => quote! {
            ::sqlx::postgres::types::PgCircle { x: 0.0, y: 0.0, radius: 1.0 }
        },
        _ if rust.starts_with("::sqlx::postgres::types::PgRange<") => {
            let (start, end) = match bare.as_str() {
                "int4range" => (quote! { 1i32 }, quote! { 2i32 }),
                "int8range" => (quote! { 1i64 }, quote! { 2i64 }),
                "numrange" => (
                    quote! { ::rust_decimal::Decimal::ZERO },
                    quote! { ::rust_decimal::Decimal::ONE },
                ),
                "daterange" => (
                    quote! { ::chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap() },
                    quote! { ::chrono::NaiveDate::from_ymd_opt(2024, 1, 3).unwrap() },
                ),
                "tsrange" => (
                    quote! { ::chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap().naive_utc() },
                    quote! { ::chrono::DateTime::from_timestamp(1_700_000_060, 0).unwrap().naive_utc() },
                ),
                _ => (
                    quote! { ::chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap() },
                    quote! { ::chrono::DateTime::from_timestamp(1_700_000_060, 0).unwrap() },
                ),
            };
            quote! {
                ::sqlx::postgres::types::PgRange {
                    start: ::std::ops::Bound::Included(#start),
                    end: ::std::ops::Bound::Excluded(#end),
                }
            }
        }
        _ => return None,
    })
}

/// A value of a type that travels as text, in the form PostgreSQL prints it.
fn text_sample(catalog: &Catalog, sql_type: &str, mapping: &RustType) -> Option<TokenStream> {
    let array = mapping.read_as.as_deref() == Some("text[]");
    let element = if array {
        sql_type.strip_suffix("[]").unwrap_or(sql_type)
    } else {
        sql_type
    };
    let text = text_form(catalog, element)?;
    Some(if array {
        quote! { ::std::vec![::std::string::String::from(#text)] }
    } else {
        quote! { ::std::string::String::from(#text) }
    })
}

fn text_form(catalog: &Catalog, sql_type: &str) -> Option<String> {
    let unquoted = sql_type.replace('"', "");
    if let Some(domain) = catalog
        .domains
        .iter()
        .find(|d| unquoted == d.name || unquoted == format!("{}.{}", d.schema, d.name))
    {
        return text_form(catalog, &domain.data_type);
    }
    if sql_type.ends_with("[]") {
        // Several dimensions (or a domain over an array): one element, nested.
        let inner = sql_type.trim_end_matches("[]");
        let dims = (sql_type.len() - inner.len()) / 2;
        let element = text_form(catalog, inner)?;
        let plain = !element.is_empty()
            && !element.eq_ignore_ascii_case("null")
            && !element.contains(|c: char| "{},\"\\ ".contains(c));
        let quoted = if plain {
            element
        } else {
            format!("\"{}\"", element.replace('\\', "\\\\").replace('"', "\\\""))
        };
        return Some(format!("{}{}{}", "{".repeat(dims), quoted, "}".repeat(dims)));
    }
    if catalog
        .range_types
        .iter()
        .any(|r| unquoted == r.name || unquoted == format!("{}.{}", r.schema, r.name))
    {
        return Some("empty".into());
    }
    if let Some(e) = catalog
        .enums
        .iter()
        .find(|e| unquoted == e.name || unquoted == format!("{}.{}", e.schema, e.name))
    {
        return e.values.first().cloned();
    }
    let bare = bare(sql_type);
    let bare = bare.rsplit('.').next().unwrap_or_default();
    Some(match bare {
        "tsvector" | "tsquery" => "'a'".into(),
        // The isn extension's types, in the form it prints them.
        "isbn" => "0-393-04002-X".into(),
        "isbn13" => "978-0-393-04002-9".into(),
        "issn" => "1234-5679".into(),
        "issn13" => "977-1234-567-00-3".into(),
        "ismn" => "M-2600-0043-8".into(),
        "ismn13" => "979-0-2600-0043-8".into(),
        "ean13" => "400-638133393-1".into(),
        "upc" => "220356483481".into(),
        "citext" => "a".into(),
        "ltree" | "lquery" => "a.b".into(),
        "hstore" => "\"a\"=>\"b\"".into(),
        "bit" => "1".repeat(char_length(sql_type).unwrap_or(1)),
        "bit varying" => "1".into(),
        "macaddr" => "08:00:2b:01:02:03".into(),
        "macaddr8" => "08:00:2b:01:02:03:04:05".into(),
        "xml" => "<a/>".into(),
        "jsonpath" => "$.\"a\"".into(),
        "pg_lsn" => "0/1".into(),
        "txid_snapshot" | "pg_snapshot" => "1:1:".into(),
        "tid" => "(0,1)".into(),
        "xid" | "xid8" | "cid" => "1".into(),
        "int2vector" | "oidvector" => "1 2".into(),
        "regoperator" => "+(integer,integer)".into(),
        "regprocedure" => "now()".into(),
        "regdictionary" => "simple".into(),
        "regcollation" => "\"C\"".into(),
        "regclass" => "pg_class".into(),
        "regtype" => "integer".into(),
        "regproc" => "now".into(),
        "regnamespace" => "public".into(),
        "regrole" => "postgres".into(),
        "regconfig" => "simple".into(),
        _ if bare.ends_with("multirange") => "{}".into(),
        _ if bare.ends_with("range") => "empty".into(),
        "integer" | "smallint" | "bigint" | "numeric" => "1".into(),
        "boolean" => "t".into(),
        "text" | "character varying" => "a".into(),
        "uuid" => "01234567-89ab-cdef-0123-456789abcdef".into(),
        "date" => "2024-01-02".into(),
        _ => "a".into(),
    })
}

/// The length of `character(n)` / `bit(n)`: blank-padded and fixed, so a sample must fill it.
fn char_length(sql_type: &str) -> Option<usize> {
    let rest = sql_type
        .strip_prefix("character(")
        .or_else(|| sql_type.strip_prefix("bpchar("))
        .or_else(|| sql_type.strip_prefix("bit("))?;
    rest.split(')').next()?.trim().parse().ok()
}

/// The SQL type without type modifiers.
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

/// A JSON document for a json/jsonb column that generated columns of its table read from
/// (`value ->> 'deleted'`, `value #>> '{state, current}'`): every path they read holds a value
/// their types accept (`true` for a boolean, an ISO date for a timestamp, an enum's first
/// label), so the generated columns' NOT NULL holds. `None` when no generated column reads it.
pub fn json_document(catalog: &Catalog, relation: &crate::catalog::Relation, column: &str) -> Option<String> {
    let mut root = serde_json::Map::new();
    let mut found = false;
    for generated in relation.columns.iter().filter(|c| c.generated.is_some()) {
        let expression = generated.generated.as_deref().unwrap_or_default();
        for (path, cast) in json_paths(expression, column) {
            let leaf = json_leaf(catalog, &generated.data_type, cast.as_deref(), expression);
            insert_path(&mut root, &path, leaf);
            found = true;
        }
    }
    found.then(|| serde_json::Value::Object(root).to_string())
}

/// The paths an expression reads from `column`, each with the cast written right after it.
fn json_paths(expression: &str, column: &str) -> Vec<(Vec<String>, Option<String>)> {
    let mut out = Vec::new();
    let quoted = format!("\"{column}\"");
    let mut rest = expression;
    while let Some(at) = rest.find(column).or_else(|| rest.find(&quoted)) {
        let before_ok = rest[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '.'));
        let width = if rest[at..].starts_with('"') {
            quoted.len()
        } else {
            column.len()
        };
        let mut tail = &rest[at + width..];
        let after_ok = tail
            .chars()
            .next()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        let mut path = Vec::new();
        if before_ok && after_ok {
            loop {
                let t = tail.trim_start();
                let (op, literal) = if let Some(r) = t.strip_prefix("->>").or_else(|| t.strip_prefix("->")) {
                    (false, r.trim_start())
                } else if let Some(r) = t.strip_prefix("#>>").or_else(|| t.strip_prefix("#>")) {
                    (true, r.trim_start())
                } else {
                    break;
                };
                let Some(body) = literal.strip_prefix('\'') else {
                    break;
                };
                let Some(end) = body.find('\'') else { break };
                let text = &body[..end];
                if op {
                    path.extend(
                        text.trim_matches(|c| c == '{' || c == '}')
                            .split(',')
                            .map(|p| p.trim().trim_matches('"').to_string()),
                    );
                } else {
                    path.push(text.to_string());
                }
                tail = &body[end + 1..];
            }
        }
        if !path.is_empty() {
            let cast = tail
                .trim_start()
                .strip_prefix("::")
                .map(|c| {
                    c.chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ' ')
                        .collect::<String>()
                })
                .map(|c| c.trim().to_string());
            out.push((path, cast));
        }
        rest = tail;
        if rest.is_empty() {
            break;
        }
    }
    out
}

/// A JSON value that the generated column's type (or the cast on the path) accepts.
fn json_leaf(catalog: &Catalog, target: &str, cast: Option<&str>, expression: &str) -> serde_json::Value {
    if expression.contains("duration") {
        return serde_json::Value::from("PT1S");
    }
    let wanted = cast.unwrap_or(target);
    let unquoted = wanted.replace('"', "");
    if let Some(e) = catalog
        .enums
        .iter()
        .find(|e| unquoted == e.name || unquoted == format!("{}.{}", e.schema, e.name))
        && let Some(first) = e.values.first()
    {
        return serde_json::Value::from(first.as_str());
    }
    let bare = bare(wanted);
    let text = match bare.as_str() {
        "bool" | "boolean" => "true",
        "int" | "int2" | "int4" | "int8" | "integer" | "smallint" | "bigint" => "1",
        "float" | "float4" | "float8" | "real" | "double precision" | "numeric" | "decimal" => "1.5",
        _ if bare.starts_with("timestamp") || bare == "date" || bare.starts_with("time") => {
            "2024-01-02T03:04:05Z"
        }
        _ => "a",
    };
    serde_json::Value::from(text)
}

fn insert_path(
    root: &mut serde_json::Map<String, serde_json::Value>,
    path: &[String],
    leaf: serde_json::Value,
) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut node = root;
    for key in parents {
        let entry = node
            .entry(key.clone())
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
        if !entry.is_object() {
            *entry = serde_json::Value::Object(serde_json::Map::new());
        }
        let serde_json::Value::Object(next) = entry else {
            return;
        };
        node = next;
    }
    // A specific value wins over plain text read by another generated column.
    match node.get(last) {
        Some(existing) if existing != "a" || leaf == "a" => {}
        _ => {
            node.insert(last.clone(), leaf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_json_paths_of_generated_columns() {
        let paths = json_paths(
            "fulltext_index(value ->> 'namespace'::varchar) || value #>> '{state, current}'",
            "value",
        );
        assert_eq!(
            paths,
            [
                (vec!["namespace".to_string()], Some("varchar".to_string())),
                (vec!["state".to_string(), "current".to_string()], None)
            ]
        );
        assert!(json_paths("other_value ->> 'a'", "value").is_empty());
    }

    #[test]
    fn fills_fixed_length_types() {
        assert_eq!(char_length("character(3)"), Some(3));
        assert_eq!(char_length("bit(8)"), Some(8));
        assert_eq!(char_length("character varying(3)"), None);
        assert_eq!(text_form(&Catalog::default(), "bit(3)").as_deref(), Some("111"));
        assert_eq!(
            text_form(&Catalog::default(), "integer[][]").as_deref(),
            Some("{{1}}")
        );
        assert_eq!(
            text_form(&Catalog::default(), "tsvector[][]").as_deref(),
            Some("{{'a'}}")
        );
    }
}
