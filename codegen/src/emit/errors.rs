//! `error.rs`: the one error type of the generated data access.
//!
//! Constraint violations are classified by SQLSTATE and carry the constraint, its table and
//! its columns. The columns come from a table of every constraint in the catalog, so the names
//! are the ones PostgreSQL uses.

use proc_macro2::TokenStream;
use quote::quote;

use crate::catalog::{Catalog, Relation};

/// Tokens of `error.rs`.
pub fn error_module(catalog: &Catalog) -> TokenStream {
    let mut entries: Vec<(String, String, Vec<String>)> = Vec::new();
    for relation in catalog.tables.iter().filter(|r| r.is_table()) {
        let table = &relation.name;
        if let Some(name) = &relation.primary_key_name {
            entries.push((table.clone(), name.clone(), relation.primary_key.clone()));
        }
        for key in &relation.unique {
            entries.push((table.clone(), key.name.clone(), key.columns.clone()));
        }
        for fk in &relation.foreign_keys {
            entries.push((table.clone(), fk.name.clone(), fk.columns.clone()));
        }
        for check in &relation.checks {
            entries.push((
                table.clone(),
                check.name.clone(),
                check_columns(relation, &check.expression),
            ));
        }
        for index in relation.indexes.iter().filter(|i| i.unique) {
            entries.push((table.clone(), index.name.clone(), index.columns.clone()));
        }
    }
    entries.sort();
    entries.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    let rows = entries.iter().map(|(table, name, columns)| {
        quote! { (#table, #name, &[#(#columns),*]) }
    });

    quote! {
        //! The error type of the generated data access.

        /// Every named constraint of the schema: table, constraint, columns.
        pub static CONSTRAINTS: &[(&str, &str, &[&str])] = &[#(#rows),*];

        /// What went wrong in a generated data-access call.
        #[derive(Debug, ::thiserror::Error)]
        pub enum Error {
            /// A row that had to exist (for `update`, `delete`, `restore`, a belongs-to) does not.
            #[error("no matching row in {table}")]
            NotFound {
                /// The table searched.
                table: &'static str,
            },
            /// An insert or update would duplicate a unique key (or the primary key).
            #[error("{table}: the value of ({}) is already taken (unique constraint {constraint})", .columns.join(", "))]
            UniqueViolation {
                /// The violated constraint or unique index.
                constraint: ::std::string::String,
                /// Its table.
                table: ::std::string::String,
                /// Its columns.
                columns: &'static [&'static str],
                /// The database error.
                #[source]
                source: ::sqlx::Error,
            },
            /// A foreign key points at a missing row, or a delete would orphan rows.
            #[error("{table}: ({}) must reference an existing row (foreign key {constraint})", .columns.join(", "))]
            ForeignKeyViolation {
                /// The violated constraint.
                constraint: ::std::string::String,
                /// The table holding the foreign key.
                table: ::std::string::String,
                /// The referencing columns.
                columns: &'static [&'static str],
                /// The database error.
                #[source]
                source: ::sqlx::Error,
            },
            /// A value fails a CHECK constraint.
            #[error("{table}: a value of ({}) is not allowed (check {constraint})", .columns.join(", "))]
            CheckViolation {
                /// The violated constraint.
                constraint: ::std::string::String,
                /// Its table.
                table: ::std::string::String,
                /// The columns its expression mentions.
                columns: &'static [&'static str],
                /// The database error.
                #[source]
                source: ::sqlx::Error,
            },
            /// A required column was given NULL.
            #[error("{table}.{column} may not be NULL")]
            NotNullViolation {
                /// The table.
                table: ::std::string::String,
                /// The column.
                column: ::std::string::String,
                /// The database error.
                #[source]
                source: ::sqlx::Error,
            },
            /// Any other database or connection error.
            #[error(transparent)]
            Database(::sqlx::Error),
        }

        impl Error {
            /// The violated constraint's name, for constraint violations.
            pub fn constraint(&self) -> ::std::option::Option<&str> {
                match self {
                    Error::UniqueViolation { constraint, .. }
                    | Error::ForeignKeyViolation { constraint, .. }
                    | Error::CheckViolation { constraint, .. } => ::std::option::Option::Some(constraint),
                    _ => ::std::option::Option::None,
                }
            }
        }

        impl ::std::convert::From<::sqlx::Error> for Error {
            fn from(source: ::sqlx::Error) -> Self {
                let ::std::option::Option::Some(db) = source.as_database_error() else {
                    return Error::Database(source);
                };
                let ::std::option::Option::Some(pg) = db.try_downcast_ref::<::sqlx::postgres::PgDatabaseError>() else {
                    return Error::Database(source);
                };
                let table = pg.table().unwrap_or_default().to_owned();
                let constraint = pg.constraint().unwrap_or_default().to_owned();
                let columns = CONSTRAINTS
                    .iter()
                    .find(|(t, c, _)| *t == table && *c == constraint)
                    .map_or(&[][..], |(_, _, columns)| *columns);
                match pg.code() {
                    "23505" => Error::UniqueViolation { constraint, table, columns, source },
                    "23503" => Error::ForeignKeyViolation { constraint, table, columns, source },
                    "23514" => Error::CheckViolation { constraint, table, columns, source },
                    "23502" => {
                        let column = pg.column().unwrap_or_default().to_owned();
                        Error::NotNullViolation { table, column, source }
                    }
                    _ => Error::Database(source),
                }
            }
        }
    }
}

/// The table's columns a CHECK expression mentions, in table order.
fn check_columns(relation: &Relation, expression: &str) -> Vec<String> {
    let words: Vec<String> = expression
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let quoted: Vec<&str> = expression.split('"').skip(1).step_by(2).collect();
    relation
        .columns
        .iter()
        .filter(|c| words.contains(&c.name) || quoted.contains(&c.name.as_str()))
        .map(|c| c.name.clone())
        .collect()
}
