//! `composites.rs`: a struct deriving `sqlx::Type` for each composite type whose attributes
//! all decode natively (columns of the others travel as text; see [`crate::emit::types`]).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::catalog::{Catalog, CompositeType};
use crate::emit::docs::doc_lines;
use crate::emit::ident::{field_name, ident};
use crate::emit::names::{CompositeDef, Names};
use crate::emit::types::rust_type;

/// Tokens of `composites.rs`, or `None` when no composite type gets a struct.
pub fn composites_module(catalog: &Catalog, names: &Names) -> Option<TokenStream> {
    let structs: Vec<TokenStream> = with_structs(catalog, names)
        .map(|(def, composite)| {
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
            quote! {
                #(#docs)*
                #separator
                #[doc = #origin]
                #[derive(Debug, Clone, PartialEq, ::sqlx::Type #serde)]
                #[sqlx(type_name = #type_ref)]
                pub struct #name {
                    #(#fields)*
                }
            }
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

/// Whether `composites.rs` is generated: some composite type gets a struct.
pub fn has_composites(catalog: &Catalog, names: &Names) -> bool {
    with_structs(catalog, names).next().is_some()
}

/// The composite types that get a struct (every attribute decodes natively), with their names.
fn with_structs<'a>(
    catalog: &'a Catalog,
    names: &'a Names,
) -> impl Iterator<Item = (&'a CompositeDef, &'a CompositeType)> {
    names.composites().filter(|def| def.native).filter_map(|def| {
        let composite = catalog
            .composite_types
            .iter()
            .find(|c| (&c.schema, &c.name) == (&def.key.0, &def.key.1))?;
        Some((def, composite))
    })
}
