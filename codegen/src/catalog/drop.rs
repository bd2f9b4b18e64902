//! Dropping: `DROP TABLE|VIEW|INDEX|TYPE|SEQUENCE|SCHEMA`, and removing a column with
//! everything PostgreSQL drops along with it.

use crate::catalog::fold::Fold;
use crate::catalog::model::RelationKind;
use crate::catalog::proof::{Condition, Proof};
use crate::sql::QualifiedName;
use crate::sql::ddl::{Drop, DropKind};

impl Fold {
    /// `DROP ...`, sent on by kind. PostgreSQL finds every object a statement names before it
    /// drops any, so objects of one statement may depend on each other, and one that went with
    /// an earlier one (a partition with its table) is not missing.
    pub(crate) fn drop(&mut self, d: &Drop) {
        let relation_kind = match d.kind {
            DropKind::Table => Some(RelationKind::Table),
            DropKind::View => Some(RelationKind::View),
            DropKind::MaterializedView => Some(RelationKind::MaterializedView),
            DropKind::ForeignTable => Some(RelationKind::ForeignTable),
            _ => None,
        };
        let together: Vec<Option<crate::catalog::model::TableRef>> = d
            .names
            .iter()
            .map(|name| self.find_relation(name).map(|i| self.table_ref(i)))
            .collect();
        // A table's partitions go with it, so they are part of the statement too.
        let mut set: Vec<crate::catalog::model::TableRef> = together.iter().flatten().cloned().collect();
        let mut i = 0;
        while i < set.len() {
            if let Some(t) = self.find_table_ref(&set[i]) {
                for child in self.children(t) {
                    let partition = self.table_ref(child);
                    if self.catalog.tables[child].partition_of.is_some() && !set.contains(&partition) {
                        set.push(partition);
                    }
                }
            }
            i += 1;
        }
        for (name, found) in d.names.iter().zip(&together) {
            if let Some(kind) = relation_kind {
                if let Some(found) = found
                    && self.find_table_ref(found).is_none()
                {
                    continue;
                }
                self.drop_relation_with(name, kind, d.if_exists, d.cascade, &set);
                continue;
            }
            match d.kind {
                DropKind::Index => self.drop_index(name, d.if_exists),
                DropKind::Type | DropKind::Domain => self.drop_type(name, d.if_exists, d.cascade),
                DropKind::Sequence => self.drop_sequence(name, d.if_exists, d.cascade),
                DropKind::Schema => self.drop_schema(&name.name, d.if_exists, d.cascade),
                _ => {}
            }
        }
    }

    /// `DROP TABLE|VIEW|MATERIALIZED VIEW` of one relation.
    pub(crate) fn drop_relation(
        &mut self,
        name: &QualifiedName,
        kind: RelationKind,
        if_exists: bool,
        cascade: bool,
    ) {
        self.drop_relation_with(name, kind, if_exists, cascade, &[]);
    }

    /// [`Self::drop_relation`] as one of the relations `together` that a statement drops:
    /// what depends on the others does not stop it.
    fn drop_relation_with(
        &mut self,
        name: &QualifiedName,
        kind: RelationKind,
        if_exists: bool,
        cascade: bool,
        together: &[crate::catalog::model::TableRef],
    ) {
        let cascade_within = |fold: &Fold, i: usize| together.contains(&fold.table_ref(i));
        let what = match kind {
            RelationKind::Table => "table",
            RelationKind::View => "view",
            RelationKind::MaterializedView => "materialized view",
            RelationKind::ForeignTable => "foreign table",
        };
        let Some(index) = self.find_relation(name) else {
            if !if_exists {
                self.reject(
                    Proof::absent(Condition::UndefinedTable, name),
                    format!("{what} {name} does not exist"),
                );
            } else if self.doubts_name(name) {
                // Whatever it was, it is gone now.
                let schema = self.schema_of(name);
                self.settle(&schema, &name.name);
            }
            return;
        };
        if self.catalog.tables[index].kind != kind {
            let proof = self.on_relation(Condition::WrongObjectType, index);
            self.reject(proof, format!("{name} is not a {what}"));
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
            .filter(|(i, _)| *i != index && !cascade_within(self, *i))
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
            let proof = self.on_relations(Condition::DependentObjectsStillExist, &[index, *i]);
            self.reject(
                proof,
                format!("cannot drop {what} {name}: foreign key {fk} on {from} references it; drop that first or add CASCADE"),
            );
            return;
        }
        let children = self.children(index);
        if let Some(&child) = children
            .iter()
            .find(|&&c| self.catalog.tables[c].partition_of.is_none() && !cascade_within(self, c))
            && !cascade
        {
            let proof = self.on_relations(Condition::DependentObjectsStillExist, &[index, child]);
            let child = self.catalog.tables[child].name.clone();
            self.reject(
                proof,
                format!(
                    "cannot drop {what} {name}: table {child} inherits from it; drop it first or add CASCADE"
                ),
            );
            return;
        }
        if !self.drop_views_using_with(index, None, cascade, together) {
            return;
        }
        for (i, fk) in referencing {
            self.catalog.tables[i].foreign_keys.retain(|f| f.name != fk);
        }
        // Partitions go with their table; children of INHERITS only with CASCADE.
        let me = self.table_ref(index);
        let gone: Vec<crate::catalog::model::TableRef> =
            children.iter().map(|&c| self.table_ref(c)).collect();
        self.remove_relation(index);
        self.settle(&me.schema, &me.name);
        for child in gone {
            if let Some(i) = self.find_table_ref(&child) {
                let kind = self.catalog.tables[i].kind;
                let qualified = QualifiedName {
                    schema: Some(child.schema.clone()),
                    name: child.name.clone(),
                };
                if self.catalog.tables[i].partition_of.as_ref() == Some(&me)
                    || cascade
                    || together.contains(&child)
                {
                    self.drop_relation(&qualified, kind, true, true);
                }
            }
        }
    }

    /// Drops the views that read the table at `table` (only those that use `column`, when
    /// given) and the views on those; without `cascade` their existence is an error. True
    /// when the caller may go on.
    pub(crate) fn drop_views_using(&mut self, table: usize, column: Option<&str>, cascade: bool) -> bool {
        self.drop_views_using_with(table, column, cascade, &[])
    }

    /// [`Self::drop_views_using`], where the views among `together` go in the same statement.
    fn drop_views_using_with(
        &mut self,
        table: usize,
        column: Option<&str>,
        cascade: bool,
        together: &[crate::catalog::model::TableRef],
    ) -> bool {
        let me = {
            let r = &self.catalog.tables[table];
            (r.schema.clone(), r.name.clone())
        };
        let dependents: Vec<crate::catalog::model::TableRef> = self
            .shadows
            .iter()
            .enumerate()
            .filter(|(i, s)| {
                *i != table
                    && s.depends_on.contains(&me)
                    && column.is_none_or(|c| {
                        s.uses_columns.contains(c)
                            || s.uses_columns.contains("*")
                            || s.star_columns
                                .contains(&(me.0.clone(), me.1.clone(), c.to_string()))
                    })
            })
            .map(|(i, _)| self.table_ref(i))
            .collect();
        if let Some(view) = dependents.iter().find(|v| !together.contains(v))
            && !cascade
        {
            let what = column.map_or_else(|| me.1.clone(), |c| format!("{c} of {}", me.1));
            let proof = Proof::Known(
                Condition::DependentObjectsStillExist,
                vec![
                    crate::catalog::proof::Subject {
                        schema: me.0.clone(),
                        name: me.1.clone(),
                    },
                    crate::catalog::proof::Subject {
                        schema: view.schema.clone(),
                        name: view.name.clone(),
                    },
                ],
            );
            self.reject(
                proof,
                format!(
                    "cannot drop {what}: view {} depends on it; drop the view first or add CASCADE",
                    view.name
                ),
            );
            return false;
        }
        for view in dependents {
            if let Some(i) = self.find_table_ref(&view) {
                let kind = self.catalog.tables[i].kind;
                let name = QualifiedName {
                    schema: Some(view.schema.clone()),
                    name: view.name.clone(),
                };
                self.drop_relation(&name, kind, true, true);
            }
        }
        true
    }

    fn drop_schema(&mut self, schema: &str, if_exists: bool, cascade: bool) {
        if !self.schemas.contains(schema) {
            if !if_exists {
                self.reject(
                    Proof::no_schema(schema),
                    format!("schema {schema} does not exist"),
                );
            }
            return;
        }
        let has_objects = self.catalog.tables.iter().any(|r| r.schema == schema)
            || self.catalog.enums.iter().any(|e| e.schema == schema)
            || self.catalog.sequences.iter().any(|e| e.schema == schema)
            || self.catalog.domains.iter().any(|e| e.schema == schema)
            || self.catalog.composite_types.iter().any(|e| e.schema == schema)
            || self.catalog.range_types.iter().any(|e| e.schema == schema);
        if has_objects && !cascade {
            self.reject(
                Proof::schema_exists(Condition::DependentObjectsStillExist, schema),
                format!("cannot drop schema {schema}: it is not empty; add CASCADE"),
            );
            return;
        }
        // Each relation goes as DROP ... CASCADE takes it, with what depends on it elsewhere
        // (views in other schemas, foreign keys into it).
        loop {
            let Some(i) = self.catalog.tables.iter().position(|r| r.schema == schema) else {
                break;
            };
            let r = &self.catalog.tables[i];
            let (name, kind) = (
                QualifiedName {
                    schema: Some(schema.to_string()),
                    name: r.name.clone(),
                },
                r.kind,
            );
            self.drop_relation(&name, kind, true, true);
        }
        self.catalog.enums.retain(|e| e.schema != schema);
        self.catalog.domains.retain(|d| d.schema != schema);
        self.catalog.sequences.retain(|d| d.schema != schema);
        self.catalog.composite_types.retain(|d| d.schema != schema);
        self.catalog.range_types.retain(|d| d.schema != schema);
        self.other_types.retain(|(s, _)| s != schema);
        self.extensions.retain(|_, s| s != schema);
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
        for i in self.catalog.tables.referencing(&schema, &table_name) {
            self.catalog.tables[i].foreign_keys.retain(|f| {
                !(f.references.schema == schema
                    && f.references.table == table_name
                    && f.references.columns.iter().any(|c| c == column))
            });
        }
        // Only the table's own sequences can go: look there before touching the list.
        let owned = self.catalog.sequences.owned_by_table(&schema, &table_name);
        for i in owned.into_iter().rev() {
            if self.catalog.sequences[i]
                .owned_by
                .as_ref()
                .is_some_and(|o| o.column == column)
            {
                self.catalog.sequences.remove(i);
            }
        }
        self.shadows[table].inheritance.remove(column);
    }
}
