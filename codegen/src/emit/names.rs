//! Every Rust name the emitter will use, chosen once for the whole catalog.
//!
//! Deciding all names up front lets the emitter report every clash (two SQL names that map to
//! one Rust name) before writing anything, and gives each emitter one context to read from.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{Catalog, Relation};
use crate::emit::ident::{PRELUDE, field_name, field_names, row_name, singular, type_name};

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

/// What the configuration sets by hand: names, Rust types, derives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Extra derives for row and insert structs.
    pub derives: Vec<String>,
    /// Rust types per SQL type, as `format_type()` spells it.
    pub types: BTreeMap<String, String>,
    /// Rust types per column, `schema.table.column`.
    pub columns: BTreeMap<String, String>,
    /// Struct names per `schema.table`, field names per `schema.table.column`.
    pub rename: BTreeMap<String, String>,
}

/// All names, and the enums to generate.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// What the configuration set by hand.
    pub overrides: Overrides,
    relations: BTreeMap<(String, String), RelationNames>,
    column_enums: BTreeMap<(String, String, String), String>,
    type_enums: BTreeMap<String, String>,
    composites: BTreeMap<String, CompositeDef>,
    fields: BTreeMap<(String, String), Vec<String>>,
    /// Enums in name order.
    pub enums: Vec<EnumDef>,
}

impl Names {
    /// Chooses every name, or returns one message per clash.
    pub fn choose(catalog: &Catalog) -> Result<Self, Vec<String>> {
        Self::choose_with(catalog, &Overrides::default())
    }

    /// Chooses every name, taking the configuration's renames, or returns one message per
    /// clash (or per rename of something that does not exist).
    pub fn choose_with(catalog: &Catalog, overrides: &Overrides) -> Result<Self, Vec<String>> {
        let mut names = Names {
            overrides: overrides.clone(),
            ..Names::default()
        };
        let mut errors = Vec::new();
        let mut taken: BTreeMap<String, String> = BTreeMap::new();
        // The names the generated modules and their items take: relations get others.
        for reserved in [
            "mod enums",
            "mod error",
            "mod migrations",
            "mod composites",
            "mod generated",
        ] {
            taken.insert(reserved.to_string(), "a generated module".to_string());
        }
        for reserved in ["Error", "ParseEnumError"] {
            taken.insert(reserved.to_string(), format!("the generated `{reserved}`"));
        }
        let mut claim = |rust: &str, what: String, errors: &mut Vec<String>| {
            if let Some(previous) = taken.insert(rust.to_string(), what.clone()) {
                errors.push(format!(
                    "{what} and {previous} both become the Rust name `{rust}`; rename one of them"
                ));
            }
        };

        // Rows are named after the singular (`teams` -> `Team`), unless two relations would
        // share it (`bar` and `bars`): then those not already singular keep their plural.
        let singular_row = |relation: &Relation| row_name(&qualified(&relation.schema, &relation.name), true);
        let mut by_singular: BTreeMap<String, usize> = BTreeMap::new();
        for relation in &catalog.tables {
            *by_singular.entry(singular_row(relation)).or_default() += 1;
        }
        let mut modules: BTreeSet<String> = BTreeSet::new();
        for relation in &catalog.tables {
            let stem = qualified(&relation.schema, &relation.name);
            let renamed = overrides
                .rename
                .get(&format!("{}.{}", relation.schema, relation.name));
            let row = if let Some(renamed) = renamed {
                renamed.clone()
            } else if by_singular[&singular_row(relation)] > 1 && singular(&stem) != stem {
                row_name(&stem, false)
            } else {
                singular_row(relation)
            };
            let mut module = field_name(&stem);
            if ["self", "super", "crate"].contains(&module.as_str()) {
                // These cannot be raw identifiers; the file is named after the module.
                module.push('_');
            }
            if [
                "enums",
                "error",
                "migrations",
                "composites",
                "generated",
                "runtime",
            ]
            .contains(&module.as_str())
            {
                module.push_str("_table");
            }
            // `Foo` and `foo` are one module (and one file on a case-insensitive disk).
            if modules.contains(&module) {
                let mut n = 2;
                while modules.contains(&format!("{module}_{n}")) {
                    n += 1;
                }
                module = format!("{module}_{n}");
            }
            modules.insert(module.clone());
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
            let mut fields = field_names(relation.columns.iter().map(|c| c.name.as_str()));
            for (column, field) in relation.columns.iter().zip(fields.iter_mut()) {
                let key = format!("{}.{}.{}", relation.schema, relation.name, column.name);
                if let Some(renamed) = overrides.rename.get(&key) {
                    renamed.clone_into(field);
                }
            }
            names
                .fields
                .insert((relation.schema.clone(), relation.name.clone()), fields);
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
        for key in overrides.rename.keys().chain(overrides.columns.keys()) {
            let parts: Vec<&str> = key.splitn(3, '.').collect();
            let found = match parts.as_slice() {
                [schema, table] => catalog.relation(schema, table).is_some(),
                [schema, table, column] => catalog
                    .relation(schema, table)
                    .is_some_and(|r| r.column(column).is_some()),
                _ => false,
            };
            if !found {
                errors.push(format!(
                    "stagely-codegen.toml names `{key}`, which is no schema.table or schema.table.column the migrations define"
                ));
            }
        }
        if errors.is_empty() { Ok(names) } else { Err(errors) }
    }

    /// The name of the function that finds a row by `key`: `find` for the primary key,
    /// `find_by_<fields>` for another unique key.
    pub fn find_by(&self, relation: &Relation, key: &[String]) -> String {
        if key == relation.primary_key.as_slice() {
            return "find".into();
        }
        let fields: Vec<String> = key
            .iter()
            .map(|c| self.field(relation, c).trim_start_matches("r#").to_string())
            .collect();
        format!("find_by_{}", fields.join("_and_"))
    }

    /// Every data-access function name the relation's struct may have (what the access
    /// emitter generates, at most), so relation helpers choose other names.
    pub fn access_methods(&self, relation: &Relation) -> BTreeSet<String> {
        let mut methods: BTreeSet<String> = [
            "insert",
            "insert_many",
            "find",
            "list",
            "count",
            "update",
            "delete",
            "restore",
            "hard_delete",
            "find_with_deleted",
            "refresh",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        for key in crate::emit::context::unique_keys(relation) {
            methods.insert(self.find_by(relation, &key));
        }
        methods
    }

    /// The Rust type the configuration sets for a column, by column or by SQL type.
    pub fn type_override(&self, relation: &Relation, column: &crate::catalog::Column) -> Option<&str> {
        let key = format!("{}.{}.{}", relation.schema, relation.name, column.name);
        self.overrides
            .columns
            .get(&key)
            .or_else(|| self.overrides.types.get(&column.data_type))
            .map(String::as_str)
    }

    /// The Rust field name of a column (unique within its relation).
    pub fn field(&self, relation: &Relation, column: &str) -> String {
        self.fields
            .get(&(relation.schema.clone(), relation.name.clone()))
            .and_then(|fields| {
                let i = relation.columns.iter().position(|c| c.name == column)?;
                fields.get(i).cloned()
            })
            .unwrap_or_else(|| field_name(column))
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
            no_inherit: false,
        });
        relation
    }

    fn errors(tables: Vec<Relation>) -> Vec<String> {
        Names::choose(&Catalog {
            tables: tables.into(),
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
        // The row struct and the insert struct clash (modules get a suffix: `user_accounts_2`).
        assert_eq!(clash.len(), 2, "{clash:?}");
        assert_eq!(
            clash[0],
            "table `UserAccounts` and table `user_accounts` both become the Rust name `UserAccounts`; rename one of them"
        );
    }

    #[test]
    fn keeps_the_plural_where_singulars_clash_and_avoids_the_prelude() {
        let names = Names::choose(&Catalog {
            tables: vec![
                table("bar", &["a"]),
                table("bars", &["a"]),
                table("copies", &["a"]),
                table("errors", &["a"]),
            ]
            .into(),
            ..Catalog::default()
        })
        .unwrap();
        let rows: Vec<String> = ["bar", "bars", "copies", "errors"]
            .iter()
            .map(|t| names.relation(&table(t, &[])).row.clone())
            .collect();
        assert_eq!(rows, ["Bar", "Bars", "CopyRow", "ErrorRow"]);
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
