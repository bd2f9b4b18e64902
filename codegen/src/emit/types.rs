//! SQL types, as `format_type()` spells them, to Rust types.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::catalog::{Catalog, Column, Relation};
use crate::emit::names::Names;

/// The Rust type of a column's non-null values (the generated enum for CHECK-limited columns).
pub fn column_type(
    catalog: &Catalog,
    names: &Names,
    relation: &Relation,
    column: &Column,
) -> Result<TokenStream, String> {
    match names.column_enum(relation, &column.name) {
        Some(name) => {
            let ident = format_ident!("{}", name);
            Ok(quote! { super::enums::#ident })
        }
        None => base_type(catalog, names, &column.data_type).ok_or_else(|| unknown_type(relation, column)),
    }
}

/// The non-null Rust type of a SQL type, or `None` when it has no mapping.
pub fn base_type(catalog: &Catalog, names: &Names, sql_type: &str) -> Option<TokenStream> {
    if let Some(element) = sql_type.strip_suffix("[]") {
        let inner = base_type(catalog, names, element)?;
        return Some(quote! { ::std::vec::Vec<#inner> });
    }
    if let Some(name) = names.type_enum(sql_type) {
        let ident = format_ident!("{}", name);
        return Some(quote! { super::enums::#ident });
    }
    if let Some(domain) = catalog
        .domains
        .iter()
        .find(|d| d.name == sql_type || format!("{}.{}", d.schema, d.name) == sql_type)
    {
        return base_type(catalog, names, &domain.data_type);
    }
    // Type modifiers (`(100)`, `(10,4)`, `(3)`) do not change the Rust type.
    let bare = match sql_type.find('(') {
        Some(open) => {
            let close = sql_type[open..]
                .find(')')
                .map_or(sql_type.len(), |i| open + i + 1);
            format!("{}{}", &sql_type[..open], &sql_type[close..])
                .trim()
                .replace("  ", " ")
        }
        None => sql_type.to_string(),
    };
    Some(match bare.as_str() {
        "uuid" => quote! { ::uuid::Uuid },
        "text" | "character varying" | "character" | "name" | "citext" | "bpchar" => {
            quote! { ::std::string::String }
        }
        "smallint" => quote! { i16 },
        "integer" => quote! { i32 },
        "bigint" => quote! { i64 },
        "boolean" => quote! { bool },
        "real" => quote! { f32 },
        "double precision" => quote! { f64 },
        "numeric" => quote! { ::rust_decimal::Decimal },
        "timestamp with time zone" => quote! { ::chrono::DateTime<::chrono::Utc> },
        "timestamp without time zone" => quote! { ::chrono::NaiveDateTime },
        "date" => quote! { ::chrono::NaiveDate },
        "time without time zone" => quote! { ::chrono::NaiveTime },
        "interval" => quote! { ::sqlx::postgres::types::PgInterval },
        "json" | "jsonb" => quote! { ::serde_json::Value },
        "inet" | "cidr" => quote! { ::ipnetwork::IpNetwork },
        "bytea" => quote! { ::std::vec::Vec<u8> },
        _ => return None,
    })
}

/// Whether a mapped Rust type is `String` (taken as `&str` or `impl Into<String>`).
pub fn is_string(ty: &TokenStream) -> bool {
    ty.to_string().replace(' ', "") == "::std::string::String"
}

fn unknown_type(relation: &Relation, column: &Column) -> String {
    if column.data_type.starts_with("time with time zone")
        || column.data_type.starts_with("time(") && column.data_type.contains("with time zone")
    {
        return format!(
            "column {}.{} has type `{}`, which has no Rust mapping (PostgreSQL's own advice is not to use it); \
             use timestamptz for a moment in time, or time for a wall-clock time",
            relation.name, column.name, column.data_type
        );
    }
    format!(
        "column {}.{} has type `{}`, which has no Rust mapping; use one of uuid, text, varchar, smallint, \
         integer, bigint, boolean, real, double precision, numeric, timestamptz, timestamp, date, time, \
         interval, json, jsonb, inet, cidr, bytea, an enum type or an array of these",
        relation.name, column.name, column.data_type
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
            ("jsonb", "::serde_json::Value"),
            ("inet", "::ipnetwork::IpNetwork"),
            ("bytea", "::std::vec::Vec<u8>"),
            ("text[]", "::std::vec::Vec<::std::string::String>"),
            ("integer[][]", "::std::vec::Vec<::std::vec::Vec<i32>>"),
        ];
        for (sql, expected) in cases {
            assert_eq!(rust(sql).as_deref(), Some(expected), "{sql}");
        }
    }

    #[test]
    fn has_no_mapping_for_unknown_types() {
        assert_eq!(rust("tsvector"), None);
        assert_eq!(rust("mood"), None);
    }
}
