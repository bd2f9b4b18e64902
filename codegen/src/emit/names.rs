//! Every Rust name the emitter will use, chosen once for the whole catalog.
//!
//! Deciding all names up front lets the emitter report every clash (two SQL names that map to
//! one Rust name) before writing anything, and gives each emitter one context to read from.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{Catalog, Relation};
use crate::emit::ident::{PRELUDE, field_name, singular, type_name};

/// The Rust names of one relation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationNames {
    /// Row struct (`teams` -> `Team`).
    pub row: String,
    /// Insert struct (`NewTeam`), for tables.
    pub insert: String,
    /// Module and file stem (`teams`).
    pub module: String,
}

/// A Rust enum to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumDef {
    /// Rust type name.
    pub name: String,
    /// The SQL values, in schema order.
    pub values: Vec<String>,
    /// Where the values come from: a CHECK on a column, or a `CREATE TYPE ... AS ENUM`.
    pub origin: EnumOrigin,
    /// Documentation from the schema's comments.
    pub doc: Option<String>,
}

/// Where an [`EnumDef`]'s values are defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnumOrigin {
    /// `CHECK (column IN (...))` on a text column of `schema.table`.
    Check {
        /// `schema.table.column`, for the rustdoc.
        column: String,
    },
    /// An enum type; `sql_name` is how PostgreSQL names it in a query (`mood`, `other.mood`).
    Type {
        /// The type name as written in SQL.
        sql_name: String,
    },
}

/// A Rust struct generated for a composite type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompositeDef {
    /// Rust type name.
    pub name: String,
    /// How PostgreSQL names the type in a query (`address`, `other.address`).
    pub sql_name: String,
    /// Schema and name of the type in the catalog.
    pub key: (String, String),
    /// Whether every attribute decodes natively (no text fallback); if not, columns of this
    /// type travel as text and no struct is generated.
    pub native: bool,
    /// Whether every attribute supports serde.
    pub serde: bool,
}

/// All names, and the enums to generate.
#[derive(Debug, Clone, Default)]
pub struct Names {
    relations: BTreeMap<(String, String), RelationNames>,
    column_enums: BTreeMap<(String, String, String), String>,
    type_enums: BTreeMap<String, String>,
    composites: BTreeMap<String, CompositeDef>,
    /// Enums in name order.
    pub enums: Vec<EnumDef>,
}

impl Names {
    /// Chooses every name, or returns one message per clash.
    pub fn choose(catalog: &Catalog) -> Result<Self, Vec<String>> {
        let mut names = Names::default();
        let mut errors = Vec::new();
        let mut taken: BTreeMap<String, String> = BTreeMap::new();
        let mut claim = |rust: &str, what: String, errors: &mut Vec<String>| {
            if let Some(previous) = taken.insert(rust.to_string(), what.clone()) {
                errors.push(format!(
                    "{what} and {previous} both become the Rust name `{rust}`; rename one of them"
                ));
            }
        };

        for relation in &catalog.tables {
            let stem = qualified(&relation.schema, &relation.name);
            let row = type_name(&singular(&stem));
            let mut module = field_name(&stem);
            if ["self", "super", "crate"].contains(&module.as_str()) {
                // These cannot be raw identifiers; the file is named after the module.
                module.push('_');
            }
            claim(
                &row,
                format!("{} `{}`", kind_word(relation), display_name(relation)),
                &mut errors,
            );
            let insert = format!("New{row}");
            if relation.is_table() {
                claim(
                    &insert,
                    format!("the insert struct of `{}`", display_name(relation)),
                    &mut errors,
                );
            }
            claim(
                &format!("mod {module}"),
                format!("the module of `{}`", display_name(relation)),
                &mut errors,
            );
            names.relations.insert(
                (relation.schema.clone(), relation.name.clone()),
                RelationNames { row, insert, module },
            );
        }

        for enum_type in &catalog.enums {
            let rust = type_name(&qualified(&enum_type.schema, &enum_type.name));
            // As format_type() spells it, which is how columns name their type.
            let sql_name = if enum_type.schema == "public" {
                enum_type.name.clone()
            } else {
                format!("{}.{}", enum_type.schema, enum_type.name)
            };
            claim(&rust, format!("enum type `{sql_name}`"), &mut errors);
            names.type_enums.insert(sql_name.clone(), rust.clone());
            names.enums.push(EnumDef {
                name: rust,
                values: enum_type.values.clone(),
                origin: EnumOrigin::Type { sql_name },
                doc: enum_type.comment.clone(),
            });
        }

        // Column enums are named after the column, prefixed with the singular table name when
        // the column name repeats across tables or would shadow a prelude name.
        let check_columns: Vec<(&Relation, String, Vec<String>)> = catalog
            .tables
            .iter()
            .filter(|r| r.is_table())
            .flat_map(|r| {
                r.checks.iter().filter_map(move |c| {
                    let allowed = c.allowed_values.as_ref()?;
                    r.column(&allowed.column)?;
                    Some((r, allowed.column.clone(), allowed.values.clone()))
                })
            })
            .collect();
        let mut seen_columns: BTreeMap<&str, BTreeSet<(&str, &str)>> = BTreeMap::new();
        for (relation, column, _) in &check_columns {
            seen_columns
                .entry(column.as_str())
                .or_default()
                .insert((relation.schema.as_str(), relation.name.as_str()));
        }
        for (relation, column, values) in &check_columns {
            let key = (relation.schema.clone(), relation.name.clone(), column.clone());
            if names.column_enums.contains_key(&key) {
                // Two CHECKs listing values for one column: the first one names the enum.
                continue;
            }
            let plain = type_name(column);
            let repeats = seen_columns
                .get(column.as_str())
                .is_some_and(|tables| tables.len() > 1);
            let rust = if repeats || PRELUDE.contains(&plain.as_str()) {
                let table = &names.relations[&(relation.schema.clone(), relation.name.clone())].row;
                format!("{table}{plain}")
            } else {
                plain
            };
            let sql_column = format!("{}.{}", display_name(relation), column);
            claim(&rust, format!("the enum of column `{sql_column}`"), &mut errors);
            let doc = relation.column(column).and_then(|c| c.comment.clone());
            names.column_enums.insert(key, rust.clone());
            names.enums.push(EnumDef {
                name: rust,
                values: values.clone(),
                origin: EnumOrigin::Check { column: sql_column },
                doc,
            });
        }

        for def in &names.enums {
            let mut variants: BTreeMap<String, &str> = BTreeMap::new();
            for value in &def.values {
                if let Some(other) = variants.insert(type_name(value), value) {
                    errors.push(format!(
                        "values '{other}' and '{value}' of {} both become the variant `{}`; rename one",
                        def.name,
                        type_name(value)
                    ));
                }
            }
        }
        names.enums.sort_by(|a, b| a.name.cmp(&b.name));

        for composite in &catalog.composite_types {
            let rust = type_name(&qualified(&composite.schema, &composite.name));
            let sql_name = if composite.schema == "public" {
                composite.name.clone()
            } else {
                format!("{}.{}", composite.schema, composite.name)
            };
            claim(&rust, format!("composite type `{sql_name}`"), &mut errors);
            names.composites.insert(
                sql_name.clone(),
                CompositeDef {
                    name: rust,
                    sql_name,
                    key: (composite.schema.clone(), composite.name.clone()),
                    native: true,
                    serde: true,
                },
            );
        }
        // A composite is native when each attribute is; attributes may be other composites,
        // so settle the flags until nothing changes (composites cannot contain themselves).
        for _ in 0..=catalog.composite_types.len() {
            let mut changed = false;
            for composite in &catalog.composite_types {
                let sql_name = if composite.schema == "public" {
                    composite.name.clone()
                } else {
                    format!("{}.{}", composite.schema, composite.name)
                };
                let mapped: Vec<_> = composite
                    .attributes
                    .iter()
                    .map(|a| crate::emit::types::rust_type(catalog, &names, &a.data_type))
                    .collect();
                let native = mapped.iter().all(|t| t.read_as.is_none() && t.write_as.is_none());
                let serde = mapped
                    .iter()
                    .all(|t| t.serde == crate::emit::types::Serde::Derive);
                if let Some(def) = names.composites.get_mut(&sql_name)
                    && (def.native, def.serde) != (native, serde)
                {
                    (def.native, def.serde) = (native, serde);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        if errors.is_empty() { Ok(names) } else { Err(errors) }
    }

    /// The struct generated for a composite type spelled as `format_type()` prints it.
    pub fn composite(&self, sql_type: &str) -> Option<&CompositeDef> {
        self.composites.get(&sql_type.replace('"', ""))
    }

    /// The composite types, by SQL name.
    pub fn composites(&self) -> impl Iterator<Item = &CompositeDef> {
        self.composites.values()
    }

    /// The names of a relation.
    pub fn relation(&self, relation: &Relation) -> &RelationNames {
        &self.relations[&(relation.schema.clone(), relation.name.clone())]
    }

    /// The enum generated for a CHECK-limited column, if any.
    pub fn column_enum(&self, relation: &Relation, column: &str) -> Option<&str> {
        self.column_enums
            .get(&(relation.schema.clone(), relation.name.clone(), column.to_string()))
            .map(String::as_str)
    }

    /// The enum generated for an enum type spelled as `format_type()` prints it.
    pub fn type_enum(&self, sql_type: &str) -> Option<&str> {
        self.type_enums
            .get(sql_type.trim_matches('"'))
            .map(String::as_str)
    }
}

/// `name` for the public schema, `schema_name` otherwise (names of files and types).
fn qualified(schema: &str, name: &str) -> String {
    if schema == "public" {
        name.to_string()
    } else {
        format!("{schema}_{name}")
    }
}

/// How a relation is named in messages: `teams`, `other.things`.
pub fn display_name(relation: &Relation) -> String {
    if relation.schema == "public" {
        relation.name.clone()
    } else {
        format!("{}.{}", relation.schema, relation.name)
    }
}

fn kind_word(relation: &Relation) -> &'static str {
    if relation.is_table() { "table" } else { "view" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{AllowedValues, Check, Column, RelationKind};

    fn table(name: &str, columns: &[&str]) -> Relation {
        Relation {
            columns: columns
                .iter()
                .map(|c| Column {
                    name: (*c).into(),
                    data_type: "text".into(),
                    nullable: true,
                    default: None,
                    comment: None,
                    identity: None,
                    generated: None,
                })
                .collect(),
            ..Relation::new("public", name, RelationKind::Table)
        }
    }

    fn limited(mut relation: Relation, column: &str, values: &[&str]) -> Relation {
        relation.checks.push(Check {
            name: format!("{column}_check"),
            expression: String::new(),
            allowed_values: Some(AllowedValues {
                column: column.into(),
                values: values.iter().map(|v| (*v).into()).collect(),
            }),
        });
        relation
    }

    fn errors(tables: Vec<Relation>) -> Vec<String> {
        Names::choose(&Catalog {
            tables,
            ..Catalog::default()
        })
        .err()
        .unwrap_or_default()
    }

    #[test]
    fn rejects_two_tables_with_one_rust_name() {
        let clash = errors(vec![
            table("user_accounts", &["a"]),
            table("UserAccounts", &["a"]),
        ]);
        // The row struct, the insert struct and the module all clash.
        assert_eq!(clash.len(), 3, "{clash:?}");
        assert_eq!(
            clash[0],
            "table `UserAccounts` and table `user_accounts` both become the Rust name `UserAccount`; rename one of them"
        );
        assert!(clash[2].contains("`mod user_accounts`"), "{clash:?}");
    }

    #[test]
    fn rejects_enum_values_with_one_variant_name() {
        let clash = errors(vec![limited(
            table("t", &["state"]),
            "state",
            &["in-progress", "in_progress"],
        )]);
        assert_eq!(clash.len(), 1, "{clash:?}");
        assert!(clash[0].contains("'in-progress' and 'in_progress'"), "{clash:?}");
        assert!(clash[0].contains("`InProgress`"), "{clash:?}");
    }

    #[test]
    fn prefixes_enums_whose_column_repeats_or_shadows_the_prelude() {
        let names = Names::choose(&Catalog {
            tables: vec![
                limited(table("jobs", &["status", "result", "size"]), "status", &["a"]),
                limited(table("runs", &["status"]), "status", &["b"]),
            ]
            .into_iter()
            .map(|t| {
                if t.name == "jobs" {
                    limited(limited(t, "result", &["ok"]), "size", &["s"])
                } else {
                    t
                }
            })
            .collect(),
            ..Catalog::default()
        })
        .unwrap();
        let enums: Vec<&str> = names.enums.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(enums, ["JobResult", "JobStatus", "RunStatus", "Size"]);
    }
}
