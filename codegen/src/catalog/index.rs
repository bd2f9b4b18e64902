//! Indexes: `CREATE [UNIQUE] INDEX`, `DROP INDEX`, `ALTER INDEX ... RENAME`.

use crate::catalog::fold::{Fold, IndexShape};
use crate::catalog::model::{Index, RelationKind};
use crate::catalog::names::{choose_name, columns_addition, figure_column_name, unique_index_column_names};
use crate::sql::QualifiedName;
use crate::sql::ddl::{CreateIndex, IndexKey, RelationKindWritten};
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

impl Fold {
    /// `CREATE [UNIQUE] INDEX [IF NOT EXISTS] [name] ON table (keys) [WHERE ...]`.
    pub(crate) fn create_index(&mut self, i: &CreateIndex) {
        let Some(table) = self.find_relation(&i.table) else {
            self.error(format!("CREATE INDEX on {}, which does not exist (yet)", i.table));
            return;
        };
        let (schema, table_name, kind) = {
            let r = &self.catalog.tables[table];
            (r.schema.clone(), r.name.clone(), r.kind)
        };
        if kind == RelationKind::View {
            self.error(format!("cannot index view {table_name}"));
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
            self.error(format!(
                "index on {table_name} uses column {missing}, which {table_name} does not have"
            ));
            return;
        }
        let name = match &i.name {
            Some(name) => {
                if self.relation_name_taken(&schema, name) {
                    if !i.if_not_exists {
                        self.error(format!("relation {name} already exists"));
                    }
                    return;
                }
                name.clone()
            }
            None => {
                let names = i
                    .keys
                    .iter()
                    .map(|k| match k.expr.unnested() {
                        Expr::Column { name, .. } => name.clone(),
                        other => figure_column_name(other).unwrap_or_else(|| "expr".into()),
                    })
                    .collect();
                let addition = columns_addition(&unique_index_column_names(names));
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
        self.shadows[table].indexes.insert(
            name,
            IndexShape {
                keys: i.keys.clone(),
                predicate: i.predicate.clone(),
            },
        );
    }

    /// Where an index named `name` lives: (relation index, is it a constraint's index).
    fn find_index(&self, name: &QualifiedName) -> Option<(usize, bool)> {
        let schema = Self::schema_of(name);
        self.catalog.tables.iter().enumerate().find_map(|(i, r)| {
            if r.schema != schema {
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
                let table = self.catalog.tables[table].name.clone();
                self.error(format!(
                    "cannot drop index {name}: constraint {} on {table} requires it; use ALTER TABLE {table} DROP CONSTRAINT",
                    name.name
                ));
            }
            None if if_exists => {}
            None => self.error(format!("index {name} does not exist")),
        }
    }

    /// `ALTER INDEX|VIEW|MATERIALIZED VIEW|SEQUENCE name RENAME TO new_name`.
    pub(crate) fn rename_relation(
        &mut self,
        kind: RelationKindWritten,
        name: &QualifiedName,
        new_name: &str,
        if_exists: bool,
    ) {
        let schema = Self::schema_of(name);
        if self.relation_name_taken(&schema, new_name) {
            self.error(format!("relation {new_name} already exists"));
            return;
        }
        match kind {
            RelationKindWritten::Index => match self.find_index(name) {
                Some((table, is_constraint)) => {
                    let relation = &mut self.catalog.tables[table];
                    if is_constraint {
                        // The constraint and its index share the name.
                        if relation.primary_key_name.as_deref() == Some(name.name.as_str()) {
                            relation.primary_key_name = Some(new_name.to_string());
                        }
                        for u in relation.unique.iter_mut().filter(|u| u.name == name.name) {
                            u.name = new_name.to_string();
                        }
                    } else {
                        for i in relation.indexes.iter_mut().filter(|i| i.name == name.name) {
                            i.name = new_name.to_string();
                        }
                        if let Some(shape) = self.shadows[table].indexes.remove(&name.name) {
                            self.shadows[table].indexes.insert(new_name.to_string(), shape);
                        }
                    }
                }
                None if if_exists => {}
                None => self.error(format!("index {name} does not exist")),
            },
            RelationKindWritten::View | RelationKindWritten::MaterializedView => {
                match self.find_relation(name) {
                    Some(i) => self.rename_table(i, new_name),
                    None if if_exists => {}
                    None => self.error(format!("view {name} does not exist")),
                }
            }
            RelationKindWritten::Sequence => {
                for s in self
                    .sequences
                    .iter_mut()
                    .filter(|s| s.schema == schema && s.name == name.name)
                {
                    s.name = new_name.to_string();
                }
            }
        }
    }
}
