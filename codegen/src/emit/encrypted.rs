//! The list of encrypted columns, for tools that must visit every encrypted value (key
//! rotation in `stagely-core rotate-key`).

use proc_macro2::TokenStream;
use quote::quote;

use crate::catalog::Catalog;
use crate::emit::context::is_encrypted;

/// `pub const ENCRYPTED_COLUMNS`: `(schema, table, column)` of every table column holding an
/// encrypted value, in catalog order; nothing when the schema has none (so schemas without
/// secrets generate exactly what they did before).
pub fn encrypted_columns(catalog: &Catalog) -> TokenStream {
    let entries: Vec<TokenStream> = catalog
        .tables
        .iter()
        .filter(|relation| relation.is_table())
        .flat_map(|relation| {
            relation
                .columns
                .iter()
                .filter(|column| is_encrypted(&column.name))
                .map(move |column| {
                    let (schema, table, name) = (&relation.schema, &relation.name, &column.name);
                    quote! { (#schema, #table, #name), }
                })
        })
        .collect();
    if entries.is_empty() {
        return quote! {};
    }
    quote! {
        /// Every column whose values are encrypted with the service's key (`encrypted_*`), as
        /// `(schema, table, column)`: what key rotation must re-encrypt.
        pub const ENCRYPTED_COLUMNS: &[(&str, &str, &str)] = &[#(#entries)*];
    }
}
