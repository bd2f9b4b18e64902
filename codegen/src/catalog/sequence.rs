//! Sequences: `CREATE SEQUENCE`, `ALTER SEQUENCE` (type, `OWNED BY`, rename) and `DROP
//! SEQUENCE`. Serial and identity columns make theirs in [`super::table`].
//!
//! A serial column's default names its sequence (`nextval('t_id_seq'::regclass)`); PostgreSQL
//! stores the sequence's oid, so the default shows the sequence's current name after a rename
//! or a move to another schema. The fold rewrites such defaults when a sequence moves.

use crate::catalog::fold::Fold;
use crate::catalog::model::{ColumnRef, Sequence};
use crate::catalog::proof::{Condition, Proof};
use crate::catalog::table::{nextval, regclass_text, sequence_literal};
use crate::sql::QualifiedName;
use crate::sql::ddl::SequenceAction;
use crate::sql::expr::Expr;

impl Fold {
    /// `CREATE SEQUENCE [IF NOT EXISTS] name` (a `bigint` sequence unless `AS` says otherwise,
    /// which `ALTER SEQUENCE ... AS` can change).
    /// True when it made one.
    pub(crate) fn create_sequence(&mut self, name: &QualifiedName, if_not_exists: bool) -> bool {
        let schema = self.schema_of(name);
        if self.relation_name_taken(&schema, &name.name) {
            if !if_not_exists {
                self.reject(
                    Proof::known(Condition::DuplicateTable, &schema, &name.name),
                    format!("relation {name} already exists"),
                );
            }
            return false;
        }
        self.settle(&schema, &name.name);
        self.catalog.sequences.push(Sequence {
            schema,
            name: name.name.clone(),
            data_type: "bigint".into(),
            owned_by: None,
        });
        true
    }

    /// The index of the sequence `name`, found along the search path.
    fn find_sequence(&self, name: &QualifiedName) -> Option<usize> {
        self.lookup_schemas(name)
            .iter()
            .find_map(|schema| self.catalog.sequences.position(schema, &name.name))
    }

    /// A `nextval('name')` default as PostgreSQL stores it: the literal is read as a `regclass`
    /// when the statement runs (along the search path of that moment) and printed back
    /// qualified outside `public`. `None` when `e` is no such call or names no known sequence.
    pub(crate) fn stored_nextval(&self, e: &Expr) -> Option<Expr> {
        let literal = sequence_literal(e)?;
        let index = self.find_sequence(&regclass_name(literal)?)?;
        let s = &self.catalog.sequences[index];
        Some(nextval(&regclass_text(&s.schema, &s.name)))
    }

    /// `ALTER SEQUENCE`.
    pub(crate) fn alter_sequence(
        &mut self,
        name: &QualifiedName,
        if_exists: bool,
        actions: &[SequenceAction],
    ) {
        let Some(index) = self.find_sequence(name) else {
            if !if_exists {
                self.reject(
                    Proof::absent(Condition::UndefinedTable, name),
                    format!("sequence {name} does not exist"),
                );
            }
            return;
        };
        for action in actions {
            match action {
                SequenceAction::AsType(t) => match self.resolve_type(t) {
                    Ok(r) if matches!(r.format.as_str(), "smallint" | "integer" | "bigint") => {
                        self.catalog.sequences[index].data_type = r.format;
                    }
                    Ok(r) => self.reject(
                        Proof::rule(Condition::InvalidTableDefinition),
                        format!(
                            "sequence type must be smallint, integer, or bigint, not {}",
                            r.format
                        ),
                    ),
                    Err(unknown) => {
                        self.unknown_type(unknown, &format!("sequence {name}"), None);
                    }
                },
                SequenceAction::OwnedBy(None) => self.catalog.sequences[index].owned_by = None,
                SequenceAction::OwnedBy(Some((table, column))) => {
                    let Some(t) = self.find_relation(table) else {
                        self.reject(
                            Proof::absent(Condition::UndefinedTable, table),
                            format!("relation {table} does not exist"),
                        );
                        continue;
                    };
                    let relation = &self.catalog.tables[t];
                    if relation.column(column).is_none() {
                        self.missing_column(t, column);
                        continue;
                    }
                    let owner = ColumnRef {
                        schema: relation.schema.clone(),
                        table: relation.name.clone(),
                        column: column.clone(),
                    };
                    self.catalog.sequences[index].owned_by = Some(owner);
                }
                SequenceAction::Rename(to) => {
                    let schema = self.catalog.sequences[index].schema.clone();
                    let from = self.catalog.sequences[index].name.clone();
                    self.rename_sequence(&schema, &from, to, false);
                }
            }
        }
    }

    /// Renames a sequence in `schema`; defaults that use it follow.
    pub(crate) fn rename_sequence(&mut self, schema: &str, from: &str, to: &str, if_exists: bool) {
        let Some(index) = self
            .catalog
            .sequences
            .iter()
            .position(|s| s.schema == schema && s.name == from)
        else {
            if !if_exists {
                let name = QualifiedName {
                    schema: Some(schema.to_string()),
                    name: from.to_string(),
                };
                self.reject(
                    Proof::absent(Condition::UndefinedTable, &name),
                    format!("sequence {from} does not exist"),
                );
            }
            return;
        };
        if self.relation_name_taken(schema, to) {
            self.reject(
                Proof::known(Condition::DuplicateTable, schema, to),
                format!("relation {to} already exists"),
            );
            return;
        }
        self.carry_doubt((schema, from), (schema, to));
        self.catalog.sequences[index].name = to.to_string();
        self.retarget_sequence(&regclass_text(schema, from), &regclass_text(schema, to));
    }

    /// Moves a sequence to another schema; defaults that use it follow.
    pub(crate) fn move_sequence(&mut self, index: usize, schema: &str) {
        let (old_schema, name) = {
            let s = &self.catalog.sequences[index];
            (s.schema.clone(), s.name.clone())
        };
        self.catalog.sequences[index].schema = schema.to_string();
        self.retarget_sequence(&regclass_text(&old_schema, &name), &regclass_text(schema, &name));
    }

    /// Rewrites `nextval('<old>'::regclass)` defaults to name `new`.
    fn retarget_sequence(&mut self, old: &str, new: &str) {
        for (table, shadow) in self.shadows.iter_mut().enumerate() {
            for (column, e) in shadow.defaults.iter_mut() {
                if sequence_literal(e).is_some_and(|s| s == old) {
                    *e = nextval(new);
                    if let Some(c) = self.catalog.tables[table]
                        .columns
                        .iter_mut()
                        .find(|c| &c.name == column)
                    {
                        c.default = Some(e.to_string());
                    }
                }
            }
        }
    }

    /// `DROP SEQUENCE`: defaults that use it must go first (or with `CASCADE`).
    pub(crate) fn drop_sequence(&mut self, name: &QualifiedName, if_exists: bool, cascade: bool) {
        let Some(index) = self.find_sequence(name) else {
            if !if_exists {
                self.reject(
                    Proof::absent(Condition::UndefinedTable, name),
                    format!("sequence {name} does not exist"),
                );
            }
            return;
        };
        let sequence = self.catalog.sequences[index].clone();
        let literal = regclass_text(&sequence.schema, &sequence.name);
        let users: Vec<(usize, String)> = self
            .shadows
            .iter()
            .enumerate()
            .flat_map(|(t, shadow)| {
                shadow
                    .defaults
                    .iter()
                    .filter(|(_, e)| sequence_literal(e).is_some_and(|s| s == literal))
                    .map(move |(c, _)| (t, c.clone()))
            })
            .collect();
        if let Some((t, c)) = users.first()
            && !cascade
        {
            let mut proof = self.on_relation(Condition::DependentObjectsStillExist, *t);
            if let Proof::Known(_, subjects) = &mut proof {
                subjects.push(crate::catalog::proof::Subject {
                    schema: sequence.schema.clone(),
                    name: sequence.name.clone(),
                });
            }
            let table = self.catalog.tables[*t].name.clone();
            self.reject(
                proof,
                format!("cannot drop sequence {name}: the default of {table}.{c} uses it; drop the default first or add CASCADE"),
            );
            return;
        }
        // Views that read the sequence go with it under CASCADE.
        let me = (sequence.schema.clone(), sequence.name.clone());
        let views: Vec<crate::catalog::model::TableRef> = self
            .dependents_of(&me)
            .into_iter()
            .map(|i| self.table_ref(i))
            .collect();
        if let Some(view) = views.first()
            && !cascade
        {
            self.reject(
                Proof::Known(
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
                ),
                format!(
                    "cannot drop sequence {name}: view {} reads it; drop the view first or add CASCADE",
                    view.name
                ),
            );
            return;
        }
        for (t, c) in users {
            self.shadows[t].defaults.remove(&c);
            if let Some(col) = self.catalog.tables[t]
                .columns
                .iter_mut()
                .find(|col| col.name == c)
            {
                col.default = None;
            }
        }
        for view in views {
            if let Some(i) = self.find_table_ref(&view) {
                let kind = self.catalog.tables[i].kind;
                let qualified = QualifiedName {
                    schema: Some(view.schema.clone()),
                    name: view.name.clone(),
                };
                self.drop_relation(&qualified, kind, true, true);
            }
        }
        self.catalog.sequences.remove(index);
    }
}

/// The name in a `regclass` literal (`app."Seq"`): unquoted parts lower-cased, quoted ones kept.
fn regclass_name(literal: &str) -> Option<QualifiedName> {
    let mut parts = Vec::new();
    let mut part = String::new();
    let mut quoted = false;
    let mut chars = literal.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                part.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(std::mem::take(&mut part)),
            c if quoted => part.push(c),
            c => part.push(c.to_ascii_lowercase()),
        }
    }
    parts.push(part);
    let name = parts.pop().filter(|n| !n.is_empty())?;
    Some(QualifiedName {
        schema: parts.pop(),
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::regclass_name;

    #[test]
    fn reads_regclass_literals_as_postgresql_does() {
        assert_eq!(regclass_name("Seq").unwrap().to_string(), "seq");
        let quoted = regclass_name("app.\"My.Seq\"").unwrap();
        assert_eq!(quoted.schema.as_deref(), Some("app"));
        assert_eq!(quoted.name, "My.Seq");
        assert!(regclass_name("").is_none());
    }
}
