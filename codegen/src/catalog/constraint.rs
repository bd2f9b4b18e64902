//! Constraints: PRIMARY KEY, UNIQUE, FOREIGN KEY and CHECK, from `CREATE TABLE` and `ALTER
//! TABLE ... ADD`, named as PostgreSQL names them.

use crate::catalog::fold::Fold;
use crate::catalog::model::{AllowedValues, Check, ForeignKey, Reference, UniqueKey};
use crate::catalog::names::{choose_name, columns_addition};
use crate::catalog::proof::{Condition, Proof};
use crate::sql::ddl::{ConstraintDef, ConstraintKind};

/// Which pass of constraint creation a constraint belongs to; PostgreSQL creates checks with
/// the table, then the primary key index, then unique indexes, then foreign keys, and names
/// each as it creates it.
fn pass(kind: &ConstraintKind) -> u8 {
    match kind {
        ConstraintKind::Check { .. } | ConstraintKind::Other { .. } => 0,
        ConstraintKind::Exclude { .. } => 2,
        ConstraintKind::UsingIndex { primary: true, .. } => 1,
        ConstraintKind::UsingIndex { primary: false, .. } => 2,
        ConstraintKind::PrimaryKey { .. } => 1,
        ConstraintKind::Unique { .. } => 2,
        ConstraintKind::ForeignKey { .. } => 3,
    }
}

/// A constraint waiting to be added, with the column it was written on (if inline).
pub(crate) struct PendingConstraint {
    pub def: ConstraintDef,
    pub column: Option<String>,
}

impl Fold {
    /// Adds constraints in PostgreSQL's creation order: checks, primary key, unique keys,
    /// foreign keys (each pass in the order written).
    ///
    /// Identical primary key and unique specifications in one statement become one constraint,
    /// as in PostgreSQL (`id int PRIMARY KEY UNIQUE` has only `t_pkey`); a name written on a
    /// later duplicate goes to the one kept.
    pub(crate) fn add_constraints(&mut self, table: usize, mut pending: Vec<PendingConstraint>) {
        pending.sort_by_key(|p| pass(&p.def.kind));
        let key_columns = |p: &PendingConstraint| match &p.def.kind {
            ConstraintKind::PrimaryKey { columns } | ConstraintKind::Unique { columns } => {
                Some(if columns.is_empty() {
                    p.column.iter().cloned().collect::<Vec<_>>()
                } else {
                    columns.clone()
                })
            }
            _ => None,
        };
        let mut kept: Vec<PendingConstraint> = Vec::new();
        for p in pending {
            let keys = key_columns(&p);
            let duplicate = keys
                .as_ref()
                .and_then(|k| kept.iter().position(|q| key_columns(q).as_ref() == Some(k)));
            match duplicate {
                Some(i) => {
                    if kept[i].def.name.is_none() {
                        kept[i].def.name = p.def.name.clone();
                    }
                }
                None => kept.push(p),
            }
        }
        for p in kept {
            self.add_constraint(table, &p.def, p.column.as_deref());
        }
    }

    /// Adds one constraint; `column` is the column an inline constraint was written on.
    pub(crate) fn add_constraint(&mut self, table: usize, def: &ConstraintDef, column: Option<&str>) {
        let (schema, table_name) = {
            let r = &self.catalog.tables[table];
            (r.schema.clone(), r.name.clone())
        };
        let own = |columns: &[String]| -> Vec<String> {
            if columns.is_empty() {
                column.map(|c| vec![c.to_string()]).unwrap_or_default()
            } else {
                columns.to_vec()
            }
        };
        match &def.kind {
            ConstraintKind::Check { expr, no_inherit } => {
                let vars = expr.columns();
                let name = def.name.clone().unwrap_or_else(|| {
                    let only = (vars.len() == 1).then(|| vars[0].as_str());
                    choose_name(&table_name, only, "check", |n| {
                        self.constraint_name_taken(&schema, n)
                    })
                });
                // `tableoid` is the one system column a check may read.
                if let Some(missing) = vars
                    .iter()
                    .find(|v| self.catalog.tables[table].column(v).is_none() && *v != "tableoid")
                {
                    let proof = self.on_relation(Condition::UndefinedColumn, table);
                    self.reject_at(
                        def.location,
                        proof,
                        format!("check {name} reads column {missing}, which {table_name} does not have"),
                    );
                    return;
                }
                let allowed_values = expr
                    .allowed_values()
                    .map(|(column, values)| AllowedValues { column, values });
                self.catalog.tables[table].checks.push(Check {
                    name: name.clone(),
                    expression: expr.to_string(),
                    allowed_values,
                    no_inherit: *no_inherit,
                });
                self.shadows[table].checks.insert(name, expr.clone());
            }
            ConstraintKind::PrimaryKey { columns } => {
                let columns = own(columns);
                if !self.check_columns(table, &columns, def) {
                    return;
                }
                if !self.catalog.tables[table].primary_key.is_empty() {
                    let proof = self.on_relation(Condition::InvalidTableDefinition, table);
                    self.reject_at(
                        def.location,
                        proof,
                        format!("multiple primary keys for table {table_name} are not allowed"),
                    );
                    return;
                }
                let name = def.name.clone().unwrap_or_else(|| {
                    choose_name(&table_name, None, "pkey", |n| {
                        self.relation_name_taken(&schema, n) || self.constraint_name_taken(&schema, n)
                    })
                });
                let relation = &mut self.catalog.tables[table];
                // A primary key makes its columns NOT NULL, also when added later.
                for c in relation.columns.iter_mut() {
                    if columns.contains(&c.name) {
                        c.nullable = false;
                    }
                }
                // A unique constraint on exactly the key columns written in the same CREATE
                // TABLE is folded into the key by PostgreSQL; one added earlier stays.
                relation.primary_key = columns;
                relation.primary_key_name = Some(name);
            }
            ConstraintKind::Unique { columns } => {
                let columns = own(columns);
                if !self.check_columns(table, &columns, def) {
                    return;
                }
                let name = def.name.clone().unwrap_or_else(|| {
                    choose_name(&table_name, Some(&columns_addition(&columns)), "key", |n| {
                        self.relation_name_taken(&schema, n) || self.constraint_name_taken(&schema, n)
                    })
                });
                self.catalog.tables[table]
                    .unique
                    .push(UniqueKey { name, columns });
            }
            ConstraintKind::ForeignKey {
                columns,
                table: target,
                referenced,
                on_delete,
                on_update,
                details,
            } => {
                let columns = own(columns);
                if !self.check_columns(table, &columns, def) {
                    return;
                }
                // Unqualified names are looked up on the search path, not in the table's schema;
                // a table referencing itself exists already.
                let Some(target_index) = self.require_relation(target) else {
                    self.reject_at(
                        def.location,
                        Proof::absent(Condition::UndefinedTable, target),
                        format!(
                            "foreign key on {table_name} references {target}, which does not exist (yet); create it first"
                        ),
                    );
                    return;
                };
                let referenced = if referenced.is_empty() {
                    self.catalog.tables[target_index].primary_key.clone()
                } else {
                    referenced.clone()
                };
                if referenced.len() != columns.len() {
                    let proof = self.on_relations(Condition::InvalidForeignKey, &[table, target_index]);
                    self.reject_at(
                        def.location,
                        proof,
                        format!(
                            "foreign key on {table_name}({}) must reference as many columns of {target} (which has {})",
                            columns.join(", "),
                            if referenced.is_empty() { "no primary key".to_string() } else { format!("key ({})", referenced.join(", ")) }
                        ),
                    );
                    return;
                }
                let name = def.name.clone().unwrap_or_else(|| {
                    choose_name(&table_name, Some(&columns_addition(&columns)), "fkey", |n| {
                        self.constraint_name_taken(&schema, n)
                    })
                });
                let target_schema = self.catalog.tables[target_index].schema.clone();
                self.catalog.tables[table].foreign_keys.push(ForeignKey {
                    name,
                    columns,
                    references: Reference {
                        schema: target_schema,
                        table: target.name.clone(),
                        columns: referenced,
                    },
                    on_delete: on_delete.clone(),
                    on_update: on_update.clone(),
                    details: details.clone(),
                });
            }
            ConstraintKind::UsingIndex { primary, index } => {
                self.constraint_using_index(table, def, *primary, index)
            }
            ConstraintKind::Exclude { keys } => {
                let name = def.name.clone().unwrap_or_else(|| {
                    let addition = crate::catalog::index::index_name_addition(keys, &[]);
                    choose_name(&table_name, Some(&addition), "excl", |n| {
                        self.relation_name_taken(&schema, n) || self.constraint_name_taken(&schema, n)
                    })
                });
                self.catalog.tables[table].exclusions.push(name);
            }
            ConstraintKind::Other { what } => {
                self.warn_at(
                    def.location,
                    format!("{what} on {table_name} is not folded into the catalog"),
                );
            }
        }
    }

    /// `ADD [CONSTRAINT name] {PRIMARY KEY | UNIQUE} USING INDEX idx`: the unique index becomes
    /// the constraint, renamed to the constraint's name when one is given.
    fn constraint_using_index(&mut self, table: usize, def: &ConstraintDef, primary: bool, index: &str) {
        let table_name = self.catalog.tables[table].name.clone();
        let Some(shape) = self.shadows[table].indexes.get(index).cloned() else {
            let proof = self.on_relation(Condition::UndefinedObject, table);
            self.reject_at(
                def.location,
                proof,
                format!("index {index} of {table_name} does not exist"),
            );
            return;
        };
        let columns: Option<Vec<String>> = shape
            .keys
            .iter()
            .map(|k| match k.expr.unnested() {
                crate::sql::expr::Expr::Column { name, .. } => Some(name.clone()),
                _ => None,
            })
            .collect();
        let unique = self.catalog.tables[table]
            .indexes
            .iter()
            .any(|i| i.name == index && i.unique);
        let (Some(columns), true, None) = (columns, unique, &shape.predicate) else {
            let proof = self.on_relation(Condition::WrongObjectType, table);
            self.reject_at(
                def.location,
                proof,
                format!("index {index} must be a plain unique index on columns to back a constraint"),
            );
            return;
        };
        self.catalog.tables[table].indexes.retain(|i| i.name != index);
        self.shadows[table].indexes.remove(index);
        let kind = if primary {
            ConstraintKind::PrimaryKey { columns }
        } else {
            ConstraintKind::Unique { columns }
        };
        let def = ConstraintDef {
            name: Some(def.name.clone().unwrap_or_else(|| index.to_string())),
            location: def.location,
            kind,
        };
        self.add_constraint(table, &def, None);
    }

    /// Reports key columns the table does not have.
    fn check_columns(&mut self, table: usize, columns: &[String], def: &ConstraintDef) -> bool {
        let relation = &self.catalog.tables[table];
        let missing: Vec<String> = columns
            .iter()
            .filter(|c| relation.column(c).is_none())
            .cloned()
            .collect();
        if missing.is_empty() && !columns.is_empty() {
            return true;
        }
        let name = relation.name.clone();
        let proof = if columns.is_empty() {
            Proof::rule(Condition::SyntaxError)
        } else {
            self.on_relation(Condition::UndefinedColumn, table)
        };
        self.reject_at(
            def.location,
            proof,
            format!(
                "constraint names column {} that {name} does not have",
                missing.join(", ")
            ),
        );
        false
    }
}
