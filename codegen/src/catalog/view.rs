//! Views: `CREATE [OR REPLACE] [MATERIALIZED] VIEW`, with columns inferred from the query.

use crate::catalog::class::Class;
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
        // A view over a temporary relation is temporary itself.
        let reads_temporary = v.query.relations().iter().any(|name| {
            self.find_relation(name)
                .is_some_and(|i| self.catalog.tables[i].schema == crate::catalog::fold::TEMP_SCHEMA)
        });
        let schema = if reads_temporary && v.name.schema.is_none() {
            crate::catalog::fold::TEMP_SCHEMA.to_string()
        } else {
            self.schema_of(&v.name)
        };
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
        // What the query reads: relations, and sequences read as relations.
        let depends_on: Vec<(String, String)> = v
            .query
            .relations()
            .iter()
            .filter_map(|name| match self.find_class(name)? {
                class @ (Class::Relation(_) | Class::Sequence(_)) => Some(self.class_name(&class)),
                Class::Index { .. } => None,
            })
            .collect();
        // `*` is expanded when the view is made: columns added later are not the view's.
        let mut uses_columns = v.query.used_columns();
        let mut star_columns = std::collections::BTreeSet::new();
        if uses_columns.remove("*") {
            for (schema, name) in &depends_on {
                if let Some(i) = self.catalog.tables.position(schema, name) {
                    star_columns.extend(
                        self.catalog.tables[i]
                            .columns
                            .iter()
                            .map(|c| (schema.clone(), name.clone(), c.name.clone())),
                    );
                }
            }
        }
        if existing.is_none() || v.or_replace {
            self.settle(&schema, &v.name.name);
        }
        match existing {
            Some(i) => {
                self.shadows[i].depends_on = depends_on;
                self.shadows[i].uses_columns = uses_columns;
                self.shadows[i].star_columns = star_columns;
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
                        star_columns,
                        ..Shadow::default()
                    },
                );
            }
        }
    }
}

impl Fold {
    /// `CREATE RULE "_RETURN" AS ON SELECT TO t DO INSTEAD query`: the table becomes a view
    /// with the same columns (PostgreSQL checks that the query's match) and no keys, indexes
    /// or defaults of its own.
    pub(crate) fn table_to_view(&mut self, table: &QualifiedName, query: &Query) {
        let Some(i) = self.find_relation(table) else {
            self.reject(
                Proof::absent(Condition::UndefinedTable, table),
                format!("relation {table} does not exist"),
            );
            return;
        };
        let depends_on: Vec<(String, String)> = query
            .relations()
            .iter()
            .filter_map(|name| self.find_relation(name))
            .map(|r| {
                (
                    self.catalog.tables[r].schema.clone(),
                    self.catalog.tables[r].name.clone(),
                )
            })
            .collect();
        let relation = &mut self.catalog.tables[i];
        relation.kind = RelationKind::View;
        relation.primary_key.clear();
        relation.primary_key_name = None;
        relation.unique.clear();
        relation.foreign_keys.clear();
        relation.checks.clear();
        relation.indexes.clear();
        relation.exclusions.clear();
        for c in &mut relation.columns {
            c.default = None;
            c.identity = None;
            c.generated = None;
        }
        let shadow = &mut self.shadows[i];
        shadow.checks.clear();
        shadow.indexes.clear();
        shadow.defaults.clear();
        shadow.generated.clear();
        shadow.depends_on = depends_on;
        shadow.uses_columns = query.used_columns();
    }

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
    /// Along the search path with the session's temporary schema and `pg_catalog` first unless
    /// the path places them (as PostgreSQL searches); a sequence reads as its state (`last_value`, `log_cnt`, `is_called`).
    fn relation(&self, name: &QualifiedName) -> Option<&Relation> {
        use crate::catalog::system::{SYSTEM_SCHEMAS, sequence_relation, system_relation};
        let schemas = match &name.schema {
            Some(schema) => vec![schema.clone()],
            None => {
                let mut path = self.session.search_path();
                if !path.iter().any(|s| s == "pg_catalog") {
                    path.insert(0, "pg_catalog".to_string());
                }
                if !path.iter().any(|s| s == crate::catalog::fold::TEMP_SCHEMA) {
                    path.insert(0, crate::catalog::fold::TEMP_SCHEMA.to_string());
                }
                path
            }
        };
        schemas.iter().find_map(|schema| {
            if SYSTEM_SCHEMAS.contains(&schema.as_str())
                && let Some(r) = system_relation(schema, &name.name)
            {
                return Some(r);
            }
            if !self.schemas.contains(schema) {
                return None;
            }
            if let Some(i) = self.catalog.tables.position(schema, &name.name) {
                return Some(&self.catalog.tables[i]);
            }
            self.catalog
                .sequences
                .position(schema, &name.name)
                .map(|_| sequence_relation())
        })
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

    fn domain_base(&self, ty: &str) -> Option<String> {
        let written = crate::parse::parse_type(ty).ok()?;
        if written.array_dims > 0 {
            return None;
        }
        let name = QualifiedName {
            schema: written.schema.clone(),
            name: written.name.clone(),
        };
        let schema = self.find_type_schema(&name)?;
        let domain = self
            .catalog
            .domains
            .iter()
            .find(|d| d.schema == schema && d.name == name.name)?;
        // A domain over a domain: down to the base type.
        Some(
            self.domain_base(&domain.data_type)
                .unwrap_or_else(|| domain.data_type.clone()),
        )
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
