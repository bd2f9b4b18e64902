//! Indexes: `CREATE [UNIQUE] INDEX`, `DROP INDEX`, `ALTER INDEX ... RENAME`.

use crate::catalog::class::Class;
use crate::catalog::fold::{Fold, IndexShape};
use crate::catalog::model::{Index, RelationKind};
use crate::catalog::names::{choose_name, columns_addition, figure_column_name, unique_index_column_names};
use crate::catalog::proof::{Condition, Proof};
use crate::sql::QualifiedName;
use crate::sql::ddl::{AlterAction, AlterTable, CreateIndex, IndexKey, RelationKindWritten};
use crate::sql::expr::Expr;
use crate::sql::quote_ident;

/// How an index key appears in [`Index::columns`]: the column name or the expression, then
/// `DESC` and a non-default `NULLS` order.
pub(crate) fn render_key(key: &IndexKey) -> String {
    let mut out = match key.expr.unnested() {
        Expr::Column { name, .. } => quote_ident(name),
        other => other.to_string(),
    };
    if key.descending {
        out.push_str(" DESC");
    }
    match (key.descending, key.nulls_first) {
        (true, Some(false)) => out.push_str(" NULLS LAST"),
        (false, Some(true)) => out.push_str(" NULLS FIRST"),
        _ => {}
    }
    out
}

/// The column part of an index name PostgreSQL chooses (`ChooseIndexNameAddition`): key
/// column names, `expr` (or the expression's own name) for expressions, then the `INCLUDE`
/// columns, joined with `_`.
pub(crate) fn index_name_addition(keys: &[IndexKey], include: &[String]) -> String {
    let names = keys
        .iter()
        .map(|k| match k.expr.unnested() {
            Expr::Column { name, .. } => name.clone(),
            other => figure_column_name(other).unwrap_or_else(|| "expr".into()),
        })
        .chain(include.iter().cloned())
        .collect();
    columns_addition(&unique_index_column_names(names))
}

impl Fold {
    /// `CREATE [UNIQUE] INDEX [IF NOT EXISTS] [name] ON table (keys) [WHERE ...]`.
    pub(crate) fn create_index(&mut self, i: &CreateIndex) {
        let Some(table) = self.require_relation(&i.table) else {
            self.reject(
                Proof::absent(Condition::UndefinedTable, &i.table),
                format!("CREATE INDEX on {}, which does not exist (yet)", i.table),
            );
            return;
        };
        let (schema, table_name, kind) = {
            let r = &self.catalog.tables[table];
            (r.schema.clone(), r.name.clone(), r.kind)
        };
        if matches!(kind, RelationKind::View | RelationKind::ForeignTable) {
            let proof = self.on_relation(Condition::WrongObjectType, table);
            self.reject(
                proof,
                format!("cannot index {table_name}: only tables and materialized views have indexes"),
            );
            return;
        }
        let mut used = Vec::new();
        for key in &i.keys {
            used.extend(key.expr.columns());
        }
        if let Some(p) = &i.predicate {
            used.extend(p.columns());
        }
        if let Some(missing) = used
            .iter()
            .find(|c| self.catalog.tables[table].column(c).is_none())
        {
            let proof = self.on_relation(Condition::UndefinedColumn, table);
            self.reject(
                proof,
                format!("index on {table_name} uses column {missing}, which {table_name} does not have"),
            );
            return;
        }
        let name = match &i.name {
            Some(name) => {
                if self.relation_name_taken(&schema, name) {
                    if !i.if_not_exists {
                        self.reject(
                            Proof::known(Condition::DuplicateTable, &schema, name),
                            format!("relation {name} already exists"),
                        );
                    }
                    return;
                }
                name.clone()
            }
            None => {
                let addition = index_name_addition(&i.keys, &i.include);
                choose_name(&table_name, Some(&addition), "idx", |n| {
                    self.relation_name_taken(&schema, n)
                })
            }
        };
        self.catalog.tables[table].indexes.push(Index {
            name: name.clone(),
            unique: i.unique,
            columns: i.keys.iter().map(render_key).collect(),
            predicate: i.predicate.as_ref().map(ToString::to_string),
        });
        let shape = IndexShape {
            keys: i.keys.clone(),
            include: i.include.clone(),
            predicate: i.predicate.clone(),
            parent: None,
        };
        self.shadows[table].indexes.insert(name.clone(), shape.clone());
        // An index on a partitioned table is made on every partition too.
        if self.catalog.tables[table].partition_by.is_some() && !i.only {
            let index = self.catalog.tables[table]
                .indexes
                .iter()
                .find(|x| x.name == name)
                .cloned();
            if let Some(index) = index {
                for child in self.children(table) {
                    self.clone_index(child, &index, &shape);
                }
            }
        }
    }

    /// Where an index named `name` lives: (relation index, is it a constraint's index).
    fn find_index(&self, name: &QualifiedName) -> Option<(usize, bool)> {
        let schemas = self.lookup_schemas(name);
        self.catalog.tables.iter().enumerate().find_map(|(i, r)| {
            if !schemas.contains(&r.schema) {
                return None;
            }
            if r.indexes.iter().any(|x| x.name == name.name) {
                Some((i, false))
            } else if r.primary_key_name.as_deref() == Some(name.name.as_str())
                || r.unique.iter().any(|u| u.name == name.name)
            {
                Some((i, true))
            } else {
                None
            }
        })
    }

    /// `DROP INDEX`.
    pub(crate) fn drop_index(&mut self, name: &QualifiedName, if_exists: bool) {
        match self.find_index(name) {
            Some((table, false)) => {
                self.catalog.tables[table].indexes.retain(|i| i.name != name.name);
                self.shadows[table].indexes.remove(&name.name);
            }
            Some((table, true)) => {
                let proof = self.on_relation(Condition::DependentObjectsStillExist, table);
                let table = self.catalog.tables[table].name.clone();
                self.reject(
                    proof,
                    format!(
                        "cannot drop index {name}: constraint {} on {table} requires it; use ALTER TABLE {table} DROP CONSTRAINT",
                        name.name
                    ),
                );
            }
            None if if_exists => {}
            None => self.reject(
                Proof::absent(Condition::UndefinedObject, name),
                format!("index {name} does not exist"),
            ),
        }
    }

    /// `ALTER INDEX parent ATTACH PARTITION child`: the partition's index (or the index of
    /// one of its key constraints) becomes the copy of the partitioned table's.
    pub(crate) fn attach_index(&mut self, parent: &QualifiedName, child: &QualifiedName) {
        let Some(Class::Index {
            name: parent_name, ..
        }) = self.find_class(parent)
        else {
            self.reject(
                Proof::absent(Condition::UndefinedObject, parent),
                format!("index {parent} does not exist"),
            );
            return;
        };
        match self.find_class(child) {
            Some(Class::Index {
                table,
                name,
                constraint: false,
            }) => {
                if let Some(shape) = self.shadows[table].indexes.get_mut(&name) {
                    shape.parent = Some(parent_name);
                }
            }
            Some(Class::Index { table, .. }) => {
                self.shadows[table]
                    .attached_constraint_indexes
                    .insert(parent_name);
            }
            _ => self.reject(
                Proof::absent(Condition::UndefinedObject, child),
                format!("index {child} does not exist"),
            ),
        }
    }

    /// `ALTER INDEX|VIEW|MATERIALIZED VIEW|SEQUENCE name RENAME TO new_name`: the rename
    /// action of the form, on whatever relation the form takes.
    pub(crate) fn rename_relation(
        &mut self,
        kind: RelationKindWritten,
        name: &QualifiedName,
        new_name: &str,
        if_exists: bool,
    ) {
        self.alter_table(&AlterTable {
            form: kind,
            name: name.clone(),
            if_exists,
            only: false,
            actions: vec![AlterAction::RenameTable {
                to: new_name.to_string(),
            }],
        });
    }
}
