//! A module per schema, when the migrations use more than one: `generated::test::User` and
//! `generated::test::users` name what the flat, prefixed names (`TestUser`, `test_users`) name,
//! beside the `public` schema's own (`User`, `users`) at the top.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::catalog::Relation;
use crate::emit::ident::{field_name, ident, type_name};
use crate::emit::names::Names;

/// The `pub mod <schema> { ... }` items of `mod.rs`, or nothing when every relation is in
/// `public`. `taken` holds the module names already at the top (tables, `enums`, ...).
pub fn schema_modules(
    relations: &[(String, &Relation)],
    names: &Names,
    taken: &BTreeSet<String>,
) -> TokenStream {
    let mut by_schema: BTreeMap<&str, Vec<(&String, &Relation)>> = BTreeMap::new();
    for (module, relation) in relations {
        if relation.schema != "public" {
            by_schema
                .entry(relation.schema.as_str())
                .or_default()
                .push((module, relation));
        }
    }
    let mut out = TokenStream::new();
    for (schema, members) in by_schema {
        let mut module_name = field_name(schema);
        if taken.contains(&module_name) || !is_identifier(&module_name) {
            module_name.push_str("_schema");
        }
        let schema_module = ident(&module_name);
        let module_prefix = format!("{}_", field_name(schema));
        let type_prefix = type_name(schema);
        let items = members.iter().map(|(module, relation)| {
            let relation_names = names.relation(relation);
            let module_ident = ident(module);
            let short_module = short(module, &module_prefix, false);
            let module_alias = match short_module {
                Some(short) => {
                    let short = ident(&short);
                    quote! { pub use super::#module_ident as #short; }
                }
                None => quote! { pub use super::#module_ident; },
            };
            let mut names_used = vec![relation_names.row.clone()];
            if relation.is_table() {
                names_used.push(relation_names.insert.clone());
            }
            let types = names_used.iter().map(|name| {
                let full = format_ident!("{}", name);
                let stripped = name
                    .strip_prefix("New")
                    .and_then(|rest| rest.strip_prefix(&type_prefix))
                    .map(|rest| format!("New{rest}"))
                    .or_else(|| short(name, &type_prefix, true));
                match stripped {
                    Some(short) => {
                        let short = format_ident!("{}", short);
                        quote! { pub use super::#module_ident::#full as #short; }
                    }
                    None => quote! { pub use super::#module_ident::#full; },
                }
            });
            quote! {
                #module_alias
                #(#types)*
            }
        });
        let doc = format!(" The `{schema}` schema: its relations under their own names.");
        out.extend(quote! {
            #[doc = #doc]
            pub mod #schema_module {
                #(#items)*
            }
        });
    }
    out
}

/// `name` without `prefix`, when what is left is a usable identifier.
fn short(name: &str, prefix: &str, type_like: bool) -> Option<String> {
    let rest = name.strip_prefix(prefix)?;
    let usable = is_identifier(rest) && (!type_like || rest.starts_with(|c: char| c.is_ascii_uppercase()));
    usable.then(|| rest.to_string())
}

fn is_identifier(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && syn::parse_str::<syn::Ident>(name).is_ok()
        && name != "_"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_the_schema_only_where_an_identifier_is_left() {
        assert_eq!(short("test_users", "test_", false).as_deref(), Some("users"));
        assert_eq!(short("test_self_", "test_", false).as_deref(), Some("self_"));
        assert_eq!(short("test_type", "test_", false), None);
        assert_eq!(short("TestUser", "Test", true).as_deref(), Some("User"));
        assert_eq!(short("Testament", "Test", true), None);
    }
}
