//! `composites.rs`: a struct deriving `sqlx::Type` for each composite type whose attributes
//! all decode natively (columns of the others travel as text; see [`crate::emit::types`]).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::catalog::Catalog;
use crate::emit::docs::doc_lines;
use crate::emit::ident::{field_name, ident};
use crate::emit::names::Names;
use crate::emit::types::rust_type;

/// Tokens of `composites.rs`, or `None` when no composite type gets a struct.
pub fn composites_module(catalog: &Catalog, names: &Names) -> Option<TokenStream> {
    let structs: Vec<TokenStream> = names
        .composites()
        .filter(|def| def.native)
        .filter_map(|def| {
            let composite = catalog
                .composite_types
                .iter()
                .find(|c| (&c.schema, &c.name) == (&def.key.0, &def.key.1))?;
            let name = format_ident!("{}", def.name);
            let sql_name = &def.sql_name;
            let type_ref = crate::emit::enums::type_ref(sql_name);
            let docs = doc_lines(composite.comment.as_deref());
            let separator = if composite.comment.is_some() {
                quote! { #[doc = ""] }
            } else {
                quote! {}
            };
            let origin = format!(" The composite type `{sql_name}`; every attribute may be NULL.");
            let serde = if def.serde {
                quote! { , ::serde::Serialize, ::serde::Deserialize }
            } else {
                quote! {}
            };
            let fields = composite.attributes.iter().map(|a| {
                let field = ident(&field_name(&a.name));
                let ty = rust_type(catalog, names, &a.data_type).tokens;
                let doc = format!(" Attribute `{}`: `{}`.", a.name, a.data_type);
                quote! {
                    #[doc = #doc]
                    pub #field: ::std::option::Option<#ty>,
                }
            });
            Some(quote! {
                #(#docs)*
                #separator
                #[doc = #origin]
                #[derive(Debug, Clone, PartialEq, ::sqlx::Type #serde)]
                #[sqlx(type_name = #type_ref)]
                pub struct #name {
                    #(#fields)*
                }
            })
        })
        .collect();
    if structs.is_empty() {
        return None;
    }
    Some(quote! {
        //! Structs for the composite types (`CREATE TYPE ... AS (...)`).

        #(#structs)*
    })
}
