//! Views: `CREATE [OR REPLACE] [MATERIALIZED] VIEW`, with columns inferred from the query.

use crate::catalog::fold::{Fold, Shadow};
use crate::catalog::model::{Column, Relation, RelationKind};
use crate::sql::ddl::CreateView;
use crate::sql::expr::{FromItem, Query};

impl Fold {
    /// `CREATE [OR REPLACE] [MATERIALIZED] VIEW name [(columns)] AS query`.
    pub(crate) fn create_view(&mut self, v: &CreateView) {
        let schema = Self::schema_of(&v.name);
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
                    self.error(format!("relation {} already exists", v.name));
                }
                return;
            }
            _ => {}
        }
        if let Query::Other(what) = &v.query {
            // Not an error in the migration, only beyond what the fold can type.
            self.warn(format!(
                "view {}: the columns of `{what}` are not inferred; the view is left out of the catalog",
                v.name
            ));
            return;
        }
        let output = match crate::infer::query_columns(self, &v.query) {
            Ok(output) => output,
            Err(why) => {
                self.error(format!("view {}: {why}", v.name));
                return;
            }
        };
        if v.columns.len() > output.len() {
            self.error(format!(
                "view {} names {} columns but its query has {}",
                v.name,
                v.columns.len(),
                output.len()
            ));
            return;
        }
        let mut columns: Vec<Column> = Vec::new();
        for (i, out) in output.into_iter().enumerate() {
            let name = v.columns.get(i).cloned().unwrap_or(out.name);
            if columns.iter().any(|c| c.name == name) {
                self.error(format!(
                    "view {}: column {name} specified more than once; give it an alias",
                    v.name
                ));
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
        let mut depends_on = Vec::new();
        query_relations(&v.query, &mut depends_on);
        let depends_on = depends_on
            .iter()
            .map(|name| (Self::schema_of(name), name.name.clone()))
            .collect();
        match existing {
            Some(i) => {
                self.shadows[i].depends_on = depends_on;
                // CREATE OR REPLACE keeps the view (and its comments) and may add columns.
                let relation = &mut self.catalog.tables[i];
                for c in &mut columns {
                    if let Some(old) = relation.column(&c.name) {
                        c.comment = old.comment.clone();
                    }
                }
                relation.columns = columns;
            }
            None => {
                self.push_relation(
                    Relation {
                        schema,
                        name: v.name.name.clone(),
                        kind,
                        comment: None,
                        columns,
                        primary_key: Vec::new(),
                        primary_key_name: None,
                        unique: Vec::new(),
                        foreign_keys: Vec::new(),
                        checks: Vec::new(),
                        indexes: Vec::new(),
                    },
                    Shadow {
                        depends_on,
                        ..Shadow::default()
                    },
                );
            }
        }
    }
}

/// The relations a query reads, for dropping views with what they depend on.
fn query_relations(q: &Query, out: &mut Vec<crate::sql::QualifiedName>) {
    match q {
        Query::Select(s) => {
            for item in &s.from {
                from_relations(item, out);
            }
        }
        Query::SetOperation { left, right, .. } => {
            query_relations(left, out);
            query_relations(right, out);
        }
        Query::Values(_) | Query::Other(_) => {}
    }
}

fn from_relations(item: &FromItem, out: &mut Vec<crate::sql::QualifiedName>) {
    match item {
        FromItem::Table { name, .. } => out.push(name.clone()),
        FromItem::Subquery { query, .. } => query_relations(query, out),
        FromItem::Join { left, right, .. } => {
            from_relations(left, out);
            from_relations(right, out);
        }
        FromItem::Other { .. } => {}
    }
}

impl crate::infer::Schema for Fold {
    fn relation(&self, name: &crate::sql::QualifiedName) -> Option<&Relation> {
        self.find_relation(name).map(|i| &self.catalog.tables[i])
    }

    fn resolve_type(&self, written: &crate::sql::TypeName) -> Result<String, String> {
        Fold::resolve_type(self, written).map(|r| r.format)
    }
}
