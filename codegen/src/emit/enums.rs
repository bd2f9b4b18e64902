//! `enums.rs`: one Rust enum per enum type and per CHECK-limited text column.
//!
//! Each enum maps to the SQL text of its values: `as_str`, `Display`, `FromStr`, `ALL`, serde
//! and sqlx (text-backed for CHECK columns, the named type for enum types).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::docs::doc_lines;
use crate::emit::ident::type_name;
use crate::emit::names::{EnumDef, EnumOrigin, Names};

/// Tokens of `enums.rs`.
pub fn enums_module(names: &Names) -> TokenStream {
    let enums = names.enums.iter().map(enum_tokens);
    quote! {
        //! Enums of the schema: enum types, and text columns limited by `CHECK (column IN (...))`.

        /// A text value that is not one of an enum's values.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct ParseEnumError {
            /// The enum that was expected.
            pub enum_name: &'static str,
            /// The text that did not match.
            pub value: ::std::string::String,
            /// The values that would have matched.
            pub expected: &'static [&'static str],
        }

        impl ::std::fmt::Display for ParseEnumError {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(
                    f,
                    "{:?} is not a valid {} (expected one of: {})",
                    self.value,
                    self.enum_name,
                    self.expected.join(", ")
                )
            }
        }

        impl ::std::error::Error for ParseEnumError {}

        #(#enums)*
    }
}

fn enum_tokens(def: &EnumDef) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let name_str = &def.name;
    let variants: Vec<_> = def
        .values
        .iter()
        .map(|v| format_ident!("{}", type_name(v)))
        .collect();
    let values = &def.values;
    let value_docs = values.iter().map(|v| format!(" `{v}`"));
    let origin_doc = match &def.origin {
        EnumOrigin::Check { column } => format!(" Values allowed in `{column}` by its CHECK constraint."),
        EnumOrigin::Type { sql_name } => format!(" The enum type `{sql_name}`."),
    };
    let docs = doc_lines(def.doc.as_deref());
    let separator = if def.doc.is_some() {
        quote! { #[doc = ""] }
    } else {
        quote! {}
    };
    let sqlx_impls = match &def.origin {
        EnumOrigin::Check { .. } => text_backed_sqlx(&name),
        EnumOrigin::Type { sql_name } => enum_type_sqlx(&name, sql_name),
    };
    quote! {
        #(#docs)*
        #separator
        #[doc = #origin_doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        pub enum #name {
            #(
                #[doc = #value_docs]
                #[serde(rename = #values)]
                #variants,
            )*
        }

        impl #name {
            /// Every value, in the order the schema lists them.
            pub const ALL: &'static [#name] = &[#(#name::#variants),*];

            /// The value as stored in the database.
            pub const fn as_str(self) -> &'static str {
                match self {
                    #(#name::#variants => #values,)*
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ParseEnumError;

            fn from_str(text: &str) -> ::std::result::Result<Self, Self::Err> {
                match text {
                    #(#values => ::std::result::Result::Ok(#name::#variants),)*
                    _ => ::std::result::Result::Err(ParseEnumError {
                        enum_name: #name_str,
                        value: text.to_owned(),
                        expected: &[#(#values),*],
                    }),
                }
            }
        }

        #sqlx_impls

        impl<'q> ::sqlx::Encode<'q, ::sqlx::Postgres> for #name {
            fn encode_by_ref(
                &self,
                buf: &mut ::sqlx::postgres::PgArgumentBuffer,
            ) -> ::std::result::Result<::sqlx::encode::IsNull, ::sqlx::error::BoxDynError> {
                <&str as ::sqlx::Encode<'q, ::sqlx::Postgres>>::encode_by_ref(&self.as_str(), buf)
            }
        }

        impl<'r> ::sqlx::Decode<'r, ::sqlx::Postgres> for #name {
            fn decode(
                value: ::sqlx::postgres::PgValueRef<'r>,
            ) -> ::std::result::Result<Self, ::sqlx::error::BoxDynError> {
                let text = <&str as ::sqlx::Decode<'r, ::sqlx::Postgres>>::decode(value)?;
                ::std::result::Result::Ok(text.parse()?)
            }
        }
    }
}

/// A CHECK-limited column is plain text in SQL, so the enum travels as text.
fn text_backed_sqlx(name: &proc_macro2::Ident) -> TokenStream {
    quote! {
        impl ::sqlx::Type<::sqlx::Postgres> for #name {
            fn type_info() -> ::sqlx::postgres::PgTypeInfo {
                <&str as ::sqlx::Type<::sqlx::Postgres>>::type_info()
            }

            fn compatible(ty: &::sqlx::postgres::PgTypeInfo) -> bool {
                <&str as ::sqlx::Type<::sqlx::Postgres>>::compatible(ty)
            }
        }

        impl ::sqlx::postgres::PgHasArrayType for #name {
            fn array_type_info() -> ::sqlx::postgres::PgTypeInfo {
                <&str as ::sqlx::postgres::PgHasArrayType>::array_type_info()
            }

            fn array_compatible(ty: &::sqlx::postgres::PgTypeInfo) -> bool {
                <&str as ::sqlx::postgres::PgHasArrayType>::array_compatible(ty)
            }
        }
    }
}

/// An enum type travels under its own name.
fn enum_type_sqlx(name: &proc_macro2::Ident, sql_name: &str) -> TokenStream {
    let sql_name = &type_ref(sql_name);
    quote! {
        impl ::sqlx::Type<::sqlx::Postgres> for #name {
            fn type_info() -> ::sqlx::postgres::PgTypeInfo {
                ::sqlx::postgres::PgTypeInfo::with_name(#sql_name)
            }
        }

        impl ::sqlx::postgres::PgHasArrayType for #name {
            fn array_type_info() -> ::sqlx::postgres::PgTypeInfo {
                ::sqlx::postgres::PgTypeInfo::array_of(#sql_name)
            }
        }
    }
}

/// A type name as sqlx must look it up (`$1::regtype`): each part quoted when PostgreSQL would
/// fold or misread it (`"ApiTokenAlgorithm"`, `other.mood`).
pub fn type_ref(sql_name: &str) -> String {
    sql_name
        .split('.')
        .map(crate::emit::sql::quote_ident)
        .collect::<Vec<_>>()
        .join(".")
}
