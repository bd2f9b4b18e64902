//! Relations of every kind PostgreSQL keeps in `pg_class` (tables, views, materialized views,
//! foreign tables, sequences, indexes), found by name, and which `ALTER` forms take which kind.
//!
//! PostgreSQL lets some statements name a relation of another kind than they say (`ALTER TABLE
//! s OWNER TO` on a sequence, `ALTER INDEX t RENAME TO` on a table) and refuses others
//! (`ALTER VIEW t RENAME` on a table). Which is which comes from PostgreSQL 15 itself:
//! `codegen/data/pg_alter_kinds.tsv`, made by trying every form and action on every kind in a
//! scratch database (`make pg-catalogs`).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::catalog::fold::Fold;
use crate::catalog::model::RelationKind;
use crate::sql::QualifiedName;
use crate::sql::ddl::{AlterAction, RelationKindWritten};

/// A relation of any kind, as the fold has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Class {
    /// A table, view, materialized view or foreign table, by position in `catalog.tables`.
    Relation(usize),
    /// A sequence, by position in `catalog.sequences`.
    Sequence(usize),
    /// An index of the relation at `table`; `constraint` when it backs a primary key or
    /// unique constraint (and shares its name).
    Index {
        /// The indexed relation's position.
        table: usize,
        /// The index's name.
        name: String,
        /// Whether a constraint owns it.
        constraint: bool,
    },
}

/// Whether PostgreSQL 15 takes `ALTER <form> <relation of relkind> <action>`; `None` when the
/// action was not tried (it takes whatever the form's own kind takes).
pub(crate) fn form_takes(form: RelationKindWritten, action: &str, relkind: char) -> Option<bool> {
    static TABLE: OnceLock<HashMap<(&'static str, &'static str, char), bool>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        include_str!("../../data/pg_alter_kinds.tsv")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let mut f = l.split('\t');
                let (form, action, relkind, outcome) = (f.next()?, f.next()?, f.next()?, f.next()?);
                // 42809 is wrong_object_type, 42601 a form the grammar lacks; any other
                // failure came after the kind was accepted.
                let taken = !matches!(outcome, "42809" | "42601");
                Some(((form, action, relkind.chars().next()?), taken))
            })
            .collect()
    });
    table.get(&(form.words(), action, relkind)).copied()
}

/// The action's name in `pg_alter_kinds.tsv`, for the actions that were tried.
pub(crate) fn action_key(action: &AlterAction) -> Option<&'static str> {
    Some(match action {
        AlterAction::AddColumn { .. } => "add_column",
        AlterAction::DropColumn { .. } => "drop_column",
        AlterAction::RenameColumn { .. } => "rename_column",
        AlterAction::RenameTable { .. } => "rename",
        AlterAction::SetSchema { .. } => "set_schema",
        AlterAction::SetType { .. } => "set_type",
        AlterAction::SetNotNull { .. } => "set_not_null",
        AlterAction::DropNotNull { .. } => "drop_not_null",
        AlterAction::SetDefault { .. } => "set_default",
        AlterAction::DropDefault { .. } => "drop_default",
        AlterAction::AddConstraint(_) => "add_constraint",
        AlterAction::DropConstraint { .. } => "drop_constraint",
        AlterAction::RenameConstraint { .. } => "rename_constraint",
        _ => return None,
    })
}

impl Fold {
    /// The relation of any kind called `name`, found along the search path.
    pub(crate) fn find_class(&self, name: &QualifiedName) -> Option<Class> {
        for schema in self.lookup_schemas(name) {
            if let Some(i) = self.catalog.tables.position(&schema, &name.name) {
                return Some(Class::Relation(i));
            }
            if let Some(i) = self.catalog.sequences.position(&schema, &name.name) {
                return Some(Class::Sequence(i));
            }
            let index = self.catalog.tables.iter().enumerate().find_map(|(i, r)| {
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
            });
            if let Some((table, constraint)) = index {
                return Some(Class::Index {
                    table,
                    name: name.name.clone(),
                    constraint,
                });
            }
        }
        None
    }

    /// `pg_class.relkind` of a relation the fold has.
    pub(crate) fn relkind(&self, class: &Class) -> char {
        match class {
            Class::Relation(i) => {
                let r = &self.catalog.tables[*i];
                match r.kind {
                    RelationKind::Table if r.partition_by.is_some() => 'p',
                    RelationKind::Table => 'r',
                    RelationKind::View => 'v',
                    RelationKind::MaterializedView => 'm',
                    RelationKind::ForeignTable => 'f',
                }
            }
            Class::Sequence(_) => 'S',
            Class::Index { .. } => 'i',
        }
    }

    /// The schema and name of a relation the fold has.
    pub(crate) fn class_name(&self, class: &Class) -> (String, String) {
        match class {
            Class::Relation(i) => {
                let r = &self.catalog.tables[*i];
                (r.schema.clone(), r.name.clone())
            }
            Class::Sequence(i) => {
                let s = &self.catalog.sequences[*i];
                (s.schema.clone(), s.name.clone())
            }
            Class::Index { table, name, .. } => (self.catalog.tables[*table].schema.clone(), name.clone()),
        }
    }
}

/// What a relation of `relkind` is called in PostgreSQL's messages.
pub(crate) fn kind_name(relkind: char) -> &'static str {
    match relkind {
        'r' | 'p' => "table",
        'v' => "view",
        'm' => "materialized view",
        'f' => "foreign table",
        'S' => "sequence",
        _ => "index",
    }
}
