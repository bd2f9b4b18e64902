//! `migrations.rs`: every migration's SQL, embedded for the runtime migrator.
//!
//! Emitted only where the project asks for it ([`MigrationList`]). Without a configuration
//! file, a history written for our runtime migrator asks for it: one that uses sql-migrate's
//! `-- +migrate Down` sections (ours does). Such a history must then be runnable both ways:
//! a migration without a version number or a Down section is an error, as before. Any other
//! history gets no list unless `migration_list = true` says so; then a migration without a
//! Down section is irreversible (sqlx's simple migrations), and `down_sql` and `down_line`
//! become `Option`s.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::diagnostic::Diagnostic;
use crate::source::Migration;

/// Whether `migrations.rs` is emitted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MigrationList {
    /// When the history is written for the runtime migrator (uses `-- +migrate Down`
    /// sections); then every migration must have a version and a Down section.
    #[default]
    Auto,
    /// Always; migrations without a Down section are irreversible, one without a version
    /// number is an error.
    Always,
    /// Never.
    Never,
}

impl MigrationList {
    /// Whether the list is emitted for these migrations.
    pub fn wanted(self, migrations: &[Migration]) -> bool {
        match self {
            MigrationList::Auto => written_for_the_runtime_migrator(migrations),
            MigrationList::Always => true,
            MigrationList::Never => false,
        }
    }

    /// Whether every migration must have a Down section.
    fn reversible_only(self) -> bool {
        self == MigrationList::Auto
    }
}

/// A history that uses sql-migrate's Down sections is written to be run both ways.
fn written_for_the_runtime_migrator(migrations: &[Migration]) -> bool {
    migrations
        .iter()
        .any(|m| m.tool == crate::source::Tool::SqlMigrate && m.down.is_some())
}

/// Tokens of `migrations.rs`, or an error per migration the runtime migrator could not run
/// (one without a version number).
pub fn migrations_module(
    migrations: &[Migration],
    list: MigrationList,
) -> Result<TokenStream, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut entries = Vec::new();
    let reversible = migrations.iter().all(|m| m.down.is_some());
    for m in migrations {
        if list.reversible_only() && m.down.is_none() {
            errors.push(Diagnostic::error(
                &m.up.path,
                "the migration has no Down section; add `-- +migrate Down` with SQL that reverses the Up section \
                 (or set `migration_list = true` in stagely-codegen.toml to allow irreversible migrations)",
            ));
            continue;
        }
        let Some(version) = m.version.and_then(|v| i64::try_from(v).ok()) else {
            errors.push(Diagnostic::error(
                &m.up.path,
                "the migration's name must start with a version number (such as 015_...) for the runtime migrator; \
                 or set `migration_list = false` in stagely-codegen.toml to emit no migration list",
            ));
            continue;
        };
        let (name, file) = (&m.name, &m.file);
        let up_sql = sql_literal(&m.up.sql);
        let version = Literal::i64_unsuffixed(version);
        let up_line = Literal::u32_unsuffixed(m.up.first_line);
        let (down_sql, down_line) = match (&m.down, reversible) {
            (Some(down), true) => {
                let (sql, line) = (sql_literal(&down.sql), Literal::u32_unsuffixed(down.first_line));
                (quote! { #sql }, quote! { #line })
            }
            (Some(down), false) => {
                let (sql, line) = (sql_literal(&down.sql), Literal::u32_unsuffixed(down.first_line));
                (
                    quote! { ::std::option::Option::Some(#sql) },
                    quote! { ::std::option::Option::Some(#line) },
                )
            }
            (None, _) => (
                quote! { ::std::option::Option::None },
                quote! { ::std::option::Option::None },
            ),
        };
        entries.push(quote! {
            Migration {
                version: #version,
                name: #name,
                file: #file,
                up_sql: #up_sql,
                down_sql: #down_sql,
                up_line: #up_line,
                down_line: #down_line,
            }
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let down_fields = if reversible {
        quote! {
            /// The SQL that reverses `up_sql`.
            pub down_sql: &'static str,
            /// The line of `file` on which `up_sql` starts (1-based), to turn error positions
            /// into file lines.
            pub up_line: u32,
            /// The line of the file on which `down_sql` starts (1-based).
            pub down_line: u32,
        }
    } else {
        quote! {
            /// The SQL that reverses `up_sql`; `None` for an irreversible migration (one
            /// without a Down section).
            pub down_sql: ::std::option::Option<&'static str>,
            /// The line of `file` on which `up_sql` starts (1-based), to turn error positions
            /// into file lines.
            pub up_line: u32,
            /// The line of the file on which `down_sql` starts (1-based), when there is one.
            pub down_line: ::std::option::Option<u32>,
        }
    };
    Ok(quote! {
        //! Every migration in apply order, with its SQL, for the runtime migrator.

        /// One migration as written in the migrations directory.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct Migration {
            /// The number the migration's name starts with; migrations apply in this order.
            pub version: i64,
            /// The name after the number (`create_teams`).
            pub name: &'static str,
            /// The file, relative to the migrations directory.
            pub file: &'static str,
            /// The SQL applied when migrating up.
            pub up_sql: &'static str,
            #down_fields
        }

        /// All migrations, in apply order.
        pub static MIGRATIONS: &[Migration] = &[#(#entries),*];
    })
}

/// A raw string literal keeping the SQL readable in the generated file.
fn sql_literal(sql: &str) -> Literal {
    // A raw string cannot hold a bare carriage return; fall back to an escaped literal.
    if sql.contains('\r') {
        return Literal::string(sql);
    }
    let mut hashes = 1;
    while sql.contains(&format!("\"{}", "#".repeat(hashes))) {
        hashes += 1;
    }
    let fence = "#".repeat(hashes);
    format!("r{fence}\"{sql}\"{fence}")
        .parse()
        .unwrap_or_else(|_| Literal::string(sql))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_sql_readable_and_exact() {
        let lit = sql_literal("SELECT 'a\"#b';\n").to_string();
        assert_eq!(lit, "r##\"SELECT 'a\"#b';\n\"##");
        assert_eq!(sql_literal("a\r\nb").to_string(), "\"a\\r\\nb\"");
    }
}
