//! Moving objects between schemas: `ALTER ... SET SCHEMA` for relations, sequences, types,
//! domains and extensions, and `ALTER SCHEMA ... RENAME TO`.
//!
//! PostgreSQL refers to objects by oid, so whatever uses a moved object follows it: foreign
//! keys, inheritance, views, serial defaults, and the spelling of column types (`format_type()`
//! qualifies a type outside the search path).

use crate::catalog::fold::Fold;
use crate::catalog::model::TableRef;
use crate::catalog::proof::{Condition, Proof};
use crate::catalog::types::format_user_type;
use crate::sql::QualifiedName;
use crate::sql::ddl::{AlterAction, AlterTable, ObjectKind, RelationKindWritten};

impl Fold {
    /// `ALTER <object> name SET SCHEMA schema`: for relations, the `SET SCHEMA` action of the
    /// form, on whatever relation it takes.
    pub(crate) fn set_schema(
        &mut self,
        object: ObjectKind,
        name: &QualifiedName,
        if_exists: bool,
        schema: &str,
    ) {
        let form = match object {
            ObjectKind::Table => Some(RelationKindWritten::Table),
            ObjectKind::View => Some(RelationKindWritten::View),
            ObjectKind::MaterializedView => Some(RelationKindWritten::MaterializedView),
            ObjectKind::ForeignTable => Some(RelationKindWritten::ForeignTable),
            ObjectKind::Sequence => Some(RelationKindWritten::Sequence),
            ObjectKind::Type | ObjectKind::Domain | ObjectKind::Extension => None,
        };
        if let Some(form) = form {
            return self.alter_table(&AlterTable {
                form,
                name: name.clone(),
                if_exists,
                only: false,
                actions: vec![AlterAction::SetSchema {
                    schema: schema.to_string(),
                }],
            });
        }
        if !self.schemas.contains(schema) {
            self.reject(
                Proof::no_schema(schema),
                format!("schema {schema} does not exist"),
            );
            return;
        }
        match object {
            ObjectKind::Extension => {
                let Some(old) = self.extensions.get(&name.name).cloned() else {
                    self.reject(
                        Proof::absent(Condition::UndefinedObject, name),
                        format!("extension {} does not exist", name.name),
                    );
                    return;
                };
                self.extensions.insert(name.name.clone(), schema.to_string());
                for t in crate::catalog::types::extension_types(&name.name).unwrap_or_default() {
                    self.move_type(&old, t, schema);
                }
            }
            _ => match self.find_type_schema(name) {
                Some(old) => self.move_type(&old, &name.name, schema),
                None if if_exists => {}
                None => self.reject(
                    Proof::absent(Condition::UndefinedObject, name),
                    format!("type {name} does not exist"),
                ),
            },
        }
    }

    /// Moves the relation at `table` (with the sequences it owns) to `schema`.
    pub(crate) fn move_relation(&mut self, table: usize, schema: &str) {
        let old = self.table_ref(table);
        if old.schema == schema {
            return;
        }
        if self.relation_name_taken(schema, &old.name) {
            self.reject(
                Proof::known(Condition::DuplicateTable, schema, &old.name),
                format!("relation {} already exists in schema {schema}", old.name),
            );
            return;
        }
        self.carry_doubt((&old.schema, &old.name), (schema, &old.name));
        let owned: Vec<usize> = self
            .catalog
            .sequences
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                s.owned_by
                    .as_ref()
                    .is_some_and(|o| o.schema == old.schema && o.table == old.name)
            })
            .map(|(i, _)| i)
            .collect();
        self.catalog.tables[table].schema = schema.to_string();
        let new = TableRef {
            schema: schema.to_string(),
            name: old.name.clone(),
        };
        self.follow_relation(&old, &new);
        for i in owned {
            self.move_sequence(i, schema);
        }
        // The table's row type moves with it.
        self.retype(
            &format_user_type(&old.schema, &old.name),
            &format_user_type(schema, &old.name),
        );
    }

    /// Makes everything that names the relation `old` name `new` instead.
    pub(crate) fn follow_relation(&mut self, old: &TableRef, new: &TableRef) {
        let mut touched = self.catalog.tables.referencing(&old.schema, &old.name);
        touched.extend(self.catalog.tables.children_of(&old.schema, &old.name));
        for i in touched {
            let r = &mut self.catalog.tables[i];
            for f in r
                .foreign_keys
                .iter_mut()
                .filter(|f| f.references.schema == old.schema && f.references.table == old.name)
            {
                f.references.schema = new.schema.clone();
                f.references.table = new.name.clone();
            }
            for p in r.inherits.iter_mut().chain(r.partition_of.iter_mut()) {
                if p == old {
                    *p = new.clone();
                }
            }
        }
        for s in &mut self.catalog.sequences {
            if let Some(o) = &mut s.owned_by
                && o.schema == old.schema
                && o.table == old.name
            {
                o.schema = new.schema.clone();
                o.table = new.name.clone();
            }
        }
        let me = (old.schema.clone(), old.name.clone());
        for i in self.dependents_of(&me) {
            for dep in self.shadows[i].depends_on.iter_mut().filter(|d| **d == me) {
                *dep = (new.schema.clone(), new.name.clone());
            }
            self.shadows[i].star_columns = std::mem::take(&mut self.shadows[i].star_columns)
                .into_iter()
                .map(|(s, t, c)| {
                    if (&s, &t) == (&me.0, &me.1) {
                        (new.schema.clone(), new.name.clone(), c)
                    } else {
                        (s, t, c)
                    }
                })
                .collect();
        }
    }

    /// Moves a user type (enum, domain, composite, range or other) from `old` to `schema`.
    fn move_type(&mut self, old: &str, name: &str, schema: &str) {
        let matches = |s: &String, n: &String| s == old && n == name;
        for e in self
            .catalog
            .enums
            .iter_mut()
            .filter(|e| matches(&e.schema, &e.name))
        {
            e.schema = schema.to_string();
        }
        for d in self
            .catalog
            .domains
            .iter_mut()
            .filter(|d| matches(&d.schema, &d.name))
        {
            d.schema = schema.to_string();
        }
        for c in self
            .catalog
            .composite_types
            .iter_mut()
            .filter(|c| matches(&c.schema, &c.name))
        {
            c.schema = schema.to_string();
        }
        for r in self
            .catalog
            .range_types
            .iter_mut()
            .filter(|r| matches(&r.schema, &r.name))
        {
            r.schema = schema.to_string();
        }
        if self.other_types.remove(&(old.to_string(), name.to_string())) {
            self.other_types.insert((schema.to_string(), name.to_string()));
        }
        self.retype(&format_user_type(old, name), &format_user_type(schema, name));
    }

    /// `ALTER SCHEMA from RENAME TO to`: everything in it moves along.
    pub(crate) fn rename_schema(&mut self, from: &str, to: &str) {
        if !self.schemas.contains(from) {
            self.reject(Proof::no_schema(from), format!("schema {from} does not exist"));
            return;
        }
        if self.schemas.contains(to) {
            self.reject(
                Proof::schema_exists(Condition::DuplicateSchema, to),
                format!("schema {to} already exists"),
            );
            return;
        }
        self.schemas.remove(from);
        self.schemas.insert(to.to_string());
        let tables: Vec<usize> = (0..self.catalog.tables.len())
            .filter(|&i| self.catalog.tables[i].schema == from)
            .collect();
        for i in tables {
            let old = self.table_ref(i);
            self.catalog.tables[i].schema = to.to_string();
            let new = self.table_ref(i);
            self.follow_relation(&old, &new);
            self.retype(
                &format_user_type(from, &old.name),
                &format_user_type(to, &old.name),
            );
        }
        let sequences: Vec<usize> = (0..self.catalog.sequences.len())
            .filter(|&i| self.catalog.sequences[i].schema == from)
            .collect();
        for i in sequences {
            self.move_sequence(i, to);
        }
        let types: Vec<String> = self
            .catalog
            .enums
            .iter()
            .map(|e| (&e.schema, &e.name))
            .chain(self.catalog.domains.iter().map(|d| (&d.schema, &d.name)))
            .chain(self.catalog.composite_types.iter().map(|c| (&c.schema, &c.name)))
            .chain(self.catalog.range_types.iter().map(|r| (&r.schema, &r.name)))
            .chain(self.other_types.iter().map(|(s, n)| (s, n)))
            .filter(|(s, _)| *s == from)
            .map(|(_, n)| n.clone())
            .collect();
        for t in types {
            self.move_type(from, &t, to);
        }
        for schema in self.extensions.values_mut().filter(|s| *s == from) {
            *schema = to.to_string();
        }
    }

    /// Re-spells columns (and attributes, domain bases, range subtypes) of type `old` (or
    /// arrays of it) as `new`.
    pub(crate) fn retype(&mut self, old: &str, new: &str) {
        if old == new {
            return;
        }
        let respell = |t: &mut String| {
            if let Some(dims) = t.strip_prefix(old)
                && dims.chars().all(|c| c == '[' || c == ']')
            {
                *t = format!("{new}{dims}");
            }
        };
        for c in self.catalog.tables.iter_mut().flat_map(|r| r.columns.iter_mut()) {
            respell(&mut c.data_type);
        }
        for d in &mut self.catalog.domains {
            respell(&mut d.data_type);
        }
        for a in self
            .catalog
            .composite_types
            .iter_mut()
            .flat_map(|c| c.attributes.iter_mut())
        {
            respell(&mut a.data_type);
        }
        for r in &mut self.catalog.range_types {
            respell(&mut r.subtype);
        }
    }
}
