//! What the emitters of one relation share: the relation in its catalog with the chosen
//! names ([`RelationContext`]), its columns as Rust fields ([`Field`]), and the facts about
//! columns that decide what a struct or a statement holds. [`structs`](super::structs),
//! [`access`](super::access), [`relations`](super::relations) and corpus-check's harness
//! read it; it depends on none of them.

use crate::catalog::{Catalog, Column, Relation};
use crate::emit::ident::ident;
use crate::emit::names::Names;
use crate::emit::types::{RustType, column_rust_type};

/// Everything the emitters of one relation read.
pub struct RelationContext<'a> {
    /// The whole catalog (enum types, domains, other tables).
    pub catalog: &'a Catalog,
    /// All chosen Rust names.
    pub names: &'a Names,
    /// The relation being emitted.
    pub relation: &'a Relation,
}

/// A column with its Rust field name and type.
#[derive(Clone)]
pub struct Field<'a> {
    /// The column.
    pub column: &'a Column,
    /// The Rust field identifier.
    pub ident: proc_macro2::Ident,
    /// The Rust type of a non-null value, as text.
    pub base_text: String,
    /// The whole mapping of the column's type (casts, serde, notes).
    pub mapping: RustType,
    /// Whether the field is an `Option` of `base_text`.
    pub optional: bool,
}

impl Field<'_> {
    /// Whether the value is a `String`.
    pub fn is_string(&self) -> bool {
        self.mapping.is_string()
    }

    /// Whether values are `Copy` (then they are bound by value, not borrowed).
    pub fn is_copy(&self) -> bool {
        self.mapping.copy
    }

    /// How a statement reads the column: its name, or `name::text AS name` when the value
    /// travels as another type.
    pub fn read_expr(&self, alias: Option<&str>) -> String {
        crate::emit::sql::read_expr(&self.column.name, self.mapping.read_as.as_deref(), alias)
    }

    /// How a statement sends a value for the column: `$n`, or `$n::tsvector` when it
    /// travels as text.
    pub fn param(&self, placeholder: &str) -> String {
        match &self.mapping.write_as {
            Some(sql_type) => format!("{placeholder}::{sql_type}"),
            None => placeholder.to_string(),
        }
    }

    /// The field's name as written in code (`r#type` for a keyword).
    pub fn name(&self) -> String {
        self.ident.to_string()
    }

    /// The field's declared type, as text.
    pub fn ty_text(&self) -> String {
        if self.optional {
            format!("Option<{}>", self.base_text)
        } else {
            self.base_text.clone()
        }
    }

    /// How to pass `place.field` to `bind`, as text: by value for `Copy` types, borrowed
    /// otherwise.
    pub fn bind_text(&self, place: &str) -> String {
        if self.is_copy() {
            format!("{place}.{}", self.ident)
        } else {
            format!("&{place}.{}", self.ident)
        }
    }
}

/// The select list of a relation's fields (all its columns, in order), as
/// [`select_list`](crate::emit::sql::select_list) makes it, from mappings already found.
pub fn select_list_of(fields: &[Field<'_>], alias: Option<&str>) -> String {
    crate::emit::sql::joined_select_list(fields.iter().map(|f| f.read_expr(alias)))
}

impl RelationContext<'_> {
    /// The fields of the row struct, in column order.
    pub fn fields(&self) -> Result<Vec<Field<'_>>, String> {
        self.relation
            .columns
            .iter()
            .map(|column| {
                let mapping = column_rust_type(self.catalog, self.names, self.relation, column);
                Ok(Field {
                    column,
                    ident: ident(&self.names.field(self.relation, &column.name)),
                    base_text: crate::emit::print::one_line(mapping.tokens.clone()),
                    mapping,
                    optional: column.nullable,
                })
            })
            .collect()
    }
}

/// Columns whose values are secrets: shown as `<redacted>` by Debug.
pub fn is_secret(column: &str) -> bool {
    is_encrypted(column) || column == "token_hash"
}

/// Columns whose values are encrypted with the service's key (and so re-encrypted when it
/// changes): named `encrypted_*`.
pub fn is_encrypted(column: &str) -> bool {
    column.starts_with("encrypted_")
}

/// Whether an insert sets the column (identity and generated columns are the database's).
pub fn is_insertable(column: &Column) -> bool {
    column.generated.is_none() && column.identity.is_none()
}

/// Whether an insert must set the column: NOT NULL without a default.
pub fn is_required(column: &Column) -> bool {
    !column.nullable && column.default.is_none() && column.identity.is_none() && column.generated.is_none()
}

/// The primary key, then each distinct UNIQUE constraint or plain unique index, as column lists.
pub fn unique_keys(relation: &Relation) -> Vec<Vec<String>> {
    let mut keys: Vec<Vec<String>> = Vec::new();
    if !relation.primary_key.is_empty() {
        keys.push(relation.primary_key.clone());
    }
    let from_indexes = relation
        .indexes
        .iter()
        .filter(|i| i.unique && i.predicate.is_none())
        .filter(|i| i.columns.iter().all(|c| relation.column(c).is_some()))
        .map(|i| i.columns.clone());
    for key in relation
        .unique
        .iter()
        .map(|u| u.columns.clone())
        .chain(from_indexes)
    {
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}
