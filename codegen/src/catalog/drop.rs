//! Dropping: `DROP TABLE|VIEW|INDEX|TYPE|SEQUENCE|SCHEMA`, and removing a column with
//! everything PostgreSQL drops along with it.

use crate::catalog::fold::Fold;
use crate::catalog::model::RelationKind;
use crate::sql::QualifiedName;
use crate::sql::ddl::{Drop, DropKind};

impl Fold {
    /// `DROP ...`, sent on by kind.
    pub(crate) fn drop(&mut self, d: &Drop) {
        for name in &d.names {
            match d.kind {
                DropKind::Table => self.drop_relation(name, RelationKind::Table, d.if_exists, d.cascade),
                DropKind::View => self.drop_relation(name, RelationKind::View, d.if_exists, d.cascade),
                DropKind::MaterializedView => {
                    self.drop_relation(name, RelationKind::MaterializedView, d.if_exists, d.cascade)
                }
                DropKind::Index => self.drop_index(name, d.if_exists),
                DropKind::Type | DropKind::Domain => self.drop_type(name, d.if_exists, d.cascade),
                DropKind::Sequence => self.drop_sequence(name, d.if_exists),
                DropKind::Schema => self.drop_schema(&name.name, d.if_exists, d.cascade),
            }
        }
    }

    /// `DROP TABLE|VIEW|MATERIALIZED VIEW`.
    pub(crate) fn drop_relation(
        &mut self,
        name: &QualifiedName,
        kind: RelationKind,
        if_exists: bool,
        cascade: bool,
    ) {
        let what = match kind {
            RelationKind::Table => "table",
            RelationKind::View => "view",
            RelationKind::MaterializedView => "materialized view",
        };
        let Some(index) = self.find_relation(name) else {
            if !if_exists {
                self.error(format!("{what} {name} does not exist"));
            }
            return;
        };
        if self.catalog.tables[index].kind != kind {
            self.error(format!("{name} is not a {what}"));
            return;
        }
        let (schema, table) = {
            let r = &self.catalog.tables[index];
            (r.schema.clone(), r.name.clone())
        };
        let referencing: Vec<(usize, String)> = self
            .catalog
            .tables
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != index)
            .flat_map(|(i, r)| {
                r.foreign_keys
                    .iter()
                    .filter(|f| f.references.schema == schema && f.references.table == table)
                    .map(move |f| (i, f.name.clone()))
            })
            .collect();
        if let Some((i, fk)) = referencing.first()
            && !cascade
        {
            let from = self.catalog.tables[*i].name.clone();
            self.error(format!(
                "cannot drop {what} {name}: foreign key {fk} on {from} references it; drop that first or add CASCADE"
            ));
            return;
        }
        let dependents: Vec<String> = self
            .shadows
            .iter()
            .enumerate()
            .filter(|(i, s)| *i != index && s.depends_on.contains(&(schema.clone(), table.clone())))
            .map(|(i, _)| self.catalog.tables[i].name.clone())
            .collect();
        if let Some(view) = dependents.first()
            && !cascade
        {
            self.error(format!(
                "cannot drop {what} {name}: view {view} depends on it; drop the view first or add CASCADE"
            ));
            return;
        }
        for (i, fk) in referencing {
            self.catalog.tables[i].foreign_keys.retain(|f| f.name != fk);
        }
        self.remove_relation(index);
        // Views on it go too, and views on those.
        for view in dependents {
            let view = QualifiedName {
                schema: Some(schema.clone()),
                name: view,
            };
            if let Some(i) = self.find_relation(&view) {
                let kind = self.catalog.tables[i].kind;
                self.drop_relation(&view, kind, true, true);
            }
        }
    }

    fn drop_sequence(&mut self, name: &QualifiedName, if_exists: bool) {
        let schema = Self::schema_of(name);
        let before = self.sequences.len();
        self.sequences
            .retain(|s| !(s.schema == schema && s.name == name.name));
        if before == self.sequences.len() && !if_exists {
            // Sequences made by CREATE SEQUENCE are not tracked; nothing to check.
        }
    }

    fn drop_schema(&mut self, schema: &str, if_exists: bool, cascade: bool) {
        if !self.schemas.contains(schema) {
            if !if_exists {
                self.error(format!("schema {schema} does not exist"));
            }
            return;
        }
        let has_objects = self.catalog.tables.iter().any(|r| r.schema == schema)
            || self.catalog.enums.iter().any(|e| e.schema == schema);
        if has_objects && !cascade {
            self.error(format!(
                "cannot drop schema {schema}: it is not empty; add CASCADE"
            ));
            return;
        }
        while let Some(i) = self.catalog.tables.iter().position(|r| r.schema == schema) {
            self.remove_relation(i);
        }
        self.catalog.enums.retain(|e| e.schema != schema);
        self.catalog.domains.retain(|d| d.schema != schema);
        self.other_types.retain(|(s, _)| s != schema);
        self.schemas.remove(schema);
        // Foreign keys from other schemas into this one went with it.
        for r in &mut self.catalog.tables {
            r.foreign_keys.retain(|f| f.references.schema != schema);
        }
    }

    /// Removes a column and everything PostgreSQL drops with it: constraints and indexes that
    /// use it, foreign keys elsewhere that reference it, its sequence.
    pub(crate) fn remove_column(&mut self, table: usize, column: &str) {
        let (schema, table_name) = {
            let r = &self.catalog.tables[table];
            (r.schema.clone(), r.name.clone())
        };
        let shadow = &mut self.shadows[table];
        let relation = &mut self.catalog.tables[table];
        relation.columns.retain(|c| c.name != column);
        if relation.primary_key.iter().any(|c| c == column) {
            relation.primary_key.clear();
            relation.primary_key_name = None;
        }
        relation.unique.retain(|u| !u.columns.iter().any(|c| c == column));
        relation
            .foreign_keys
            .retain(|f| !f.columns.iter().any(|c| c == column));
        let dropped_checks: Vec<String> = shadow
            .checks
            .iter()
            .filter(|(_, e)| e.uses_column(column))
            .map(|(n, _)| n.clone())
            .collect();
        relation.checks.retain(|c| !dropped_checks.contains(&c.name));
        for n in &dropped_checks {
            shadow.checks.remove(n);
        }
        let dropped_indexes: Vec<String> = shadow
            .indexes
            .iter()
            .filter(|(_, i)| {
                i.keys.iter().any(|k| k.expr.uses_column(column))
                    || i.predicate.as_ref().is_some_and(|p| p.uses_column(column))
            })
            .map(|(n, _)| n.clone())
            .collect();
        relation.indexes.retain(|i| !dropped_indexes.contains(&i.name));
        for n in &dropped_indexes {
            shadow.indexes.remove(n);
        }
        shadow.generated.remove(column);
        shadow.defaults.remove(column);
        for r in &mut self.catalog.tables {
            r.foreign_keys.retain(|f| {
                !(f.references.schema == schema
                    && f.references.table == table_name
                    && f.references.columns.iter().any(|c| c == column))
            });
        }
        self.sequences.retain(
            |s| !matches!(&s.owner, Some((s2, t, c)) if *s2 == schema && *t == table_name && c == column),
        );
    }
}
