//! Views: `CREATE [OR REPLACE] [MATERIALIZED] VIEW`, with columns inferred from the query.

use crate::catalog::fold::{Fold, Shadow};
use crate::catalog::model::{Column, Relation, RelationKind};
use crate::catalog::proof::{Condition, Proof};
use crate::sql::QualifiedName;
use crate::sql::ddl::Reach;
use crate::sql::ddl::{CreateView, Routine};
use crate::sql::query::Query;

impl Fold {
    /// `CREATE [OR REPLACE] [MATERIALIZED] VIEW name [(columns)] AS query`.
    pub(crate) fn create_view(&mut self, v: &CreateView) {
        let schema = self.schema_of(&v.name);
        let kind = if v.materialized {
            RelationKind::MaterializedView
        } else {
            RelationKind::View
        };
        let existing = self.find_relation(&v.name);
        match existing {
            Some(i) if v.or_replace && self.catalog.tables[i].kind == kind => {}
            Some(_) | None if self.relation_name_taken(&schema, &v.name.name) => {
                if !v.if_not_exists {
                    self.reject(
                        Proof::known(Condition::DuplicateTable, &schema, &v.name.name),
                        format!("relation {} already exists", v.name),
                    );
                }
                return;
            }
            _ => {}
        }
        let output = match crate::infer::query_columns(self, &v.query) {
            Ok(output) => output,
            Err(why) => {
                if self.query_failed(&v.query, &format!("view {}", v.name), &why) {
                    return;
                }
                // Kept without columns, so later statements on the view still fold.
                let reach = Reach::object(&QualifiedName {
                    schema: Some(schema.clone()),
                    name: v.name.name.clone(),
                });
                self.doubt(
                    &reach,
                    &format!(
                        "view {}: {why}; its columns are unknown, so no model is generated for it",
                        v.name
                    ),
                );
                let unknown = Some(format!("{}: {why}", self.here()));
                match existing {
                    Some(i) => {
                        self.catalog.tables[i].columns.clear();
                        self.catalog.tables[i].unknown = unknown;
                    }
                    None => {
                        self.push_relation(
                            Relation {
                                unknown,
                                ..Relation::new(schema, v.name.name.clone(), kind)
                            },
                            Shadow::default(),
                        );
                    }
                }
                return;
            }
        };
        if v.columns.len() > output.len() {
            self.reject(
                Proof::Reads(Condition::SyntaxError, v.query.relations()),
                format!(
                    "view {} names {} columns but its query has {}",
                    v.name,
                    v.columns.len(),
                    output.len()
                ),
            );
            return;
        }
        let mut columns: Vec<Column> = Vec::new();
        for (i, out) in output.into_iter().enumerate() {
            let name = v.columns.get(i).cloned().unwrap_or(out.name);
            if columns.iter().any(|c| c.name == name) {
                self.reject(
                    Proof::Reads(Condition::DuplicateColumn, v.query.relations()),
                    format!(
                        "view {}: column {name} specified more than once; give it an alias",
                        v.name
                    ),
                );
                return;
            }
            let data_type = match out.typed.ty.finish() {
                Ok(t) => t,
                Err(why) => {
                    self.warn(format!(
                        "view {} column {name}: {why}; recorded as text, check it with `verify`",
                        v.name
                    ));
                    "text".to_string()
                }
            };
            columns.push(Column {
                name,
                data_type,
                nullable: out.typed.nullable,
                default: None,
                comment: None,
                identity: None,
                generated: None,
            });
        }
        let depends_on = v
            .query
            .relations()
            .iter()
            .filter_map(|name| self.find_relation(name))
            .map(|i| {
                (
                    self.catalog.tables[i].schema.clone(),
                    self.catalog.tables[i].name.clone(),
                )
            })
            .collect();
        let uses_columns = v.query.used_columns();
        if existing.is_none() || v.or_replace {
            self.settle(&schema, &v.name.name);
        }
        match existing {
            Some(i) => {
                self.shadows[i].depends_on = depends_on;
                self.shadows[i].uses_columns = uses_columns;
                // CREATE OR REPLACE keeps the view (and its comments) and may add columns.
                let relation = &mut self.catalog.tables[i];
                for c in &mut columns {
                    if let Some(old) = relation.column(&c.name) {
                        c.comment = old.comment.clone();
                    }
                }
                relation.columns = columns;
                relation.unknown = None;
            }
            None => {
                self.push_relation(
                    Relation {
                        columns,
                        ..Relation::new(schema, v.name.name.clone(), kind)
                    },
                    Shadow {
                        depends_on,
                        uses_columns,
                        ..Shadow::default()
                    },
                );
            }
        }
    }
}

impl Fold {
    /// A query of a statement (`view v`, `CREATE TABLE t AS`) that could not be typed: an error
    /// when PostgreSQL rejects it and all it reads is certain (true: the statement is done),
    /// else false and the caller keeps what it can.
    pub(crate) fn query_failed(&mut self, query: &Query, what: &str, why: &str) -> bool {
        if !crate::infer::rejected_by_postgres(why) {
            return false;
        }
        let condition = if why.starts_with("relation ") {
            Condition::UndefinedTable
        } else {
            Condition::UndefinedColumn
        };
        self.reject(
            Proof::Reads(condition, query.relations()),
            format!("{what}: {why}"),
        );
        true
    }
}

impl crate::infer::Schema for Fold {
    fn relation(&self, name: &QualifiedName) -> Option<&Relation> {
        self.find_relation(name).map(|i| &self.catalog.tables[i])
    }

    fn resolve_type(&self, written: &crate::sql::TypeName) -> Result<String, String> {
        Fold::resolve_type(self, written)
            .map(|r| r.format)
            .map_err(|unknown| format!("type {} does not exist", unknown.written))
    }

    fn routine(&self, name: &QualifiedName) -> Option<&Routine> {
        self.lookup_schemas(name)
            .into_iter()
            .find_map(|schema| self.routines.get(&(schema, name.name.clone())))
    }

    fn row_type(&self, written: &crate::sql::TypeName) -> Option<Vec<(String, String)>> {
        if written.array_dims > 0 {
            return None;
        }
        let name = QualifiedName {
            schema: written.schema.clone(),
            name: written.name.clone(),
        };
        let schema = self.find_type_schema(&name)?;
        if let Some(c) = self
            .catalog
            .composite_types
            .iter()
            .find(|c| c.schema == schema && c.name == name.name)
        {
            return Some(
                c.attributes
                    .iter()
                    .map(|a| (a.name.clone(), a.data_type.clone()))
                    .collect(),
            );
        }
        let relation = self
            .catalog
            .tables
            .iter()
            .find(|r| r.schema == schema && r.name == name.name)?;
        Some(
            relation
                .columns
                .iter()
                .map(|c| (c.name.clone(), c.data_type.clone()))
                .collect(),
        )
    }
}
