//! Views: `CREATE [OR REPLACE] [MATERIALIZED] VIEW`, with columns inferred from the query.

use crate::catalog::fold::{Fold, Shadow};
use crate::catalog::model::{Column, Relation, RelationKind};
use crate::sql::ddl::CreateView;
use crate::sql::expr::{FromItem, Query};

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
        let mut read = Vec::new();
        query_relations(&v.query, &mut read);
        let depends_on = read
            .iter()
            .filter_map(|name| self.find_relation(name))
            .map(|i| {
                (
                    self.catalog.tables[i].schema.clone(),
                    self.catalog.tables[i].name.clone(),
                )
            })
            .collect();
        let uses_columns = used_columns(&v.query);
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

/// The column names a query mentions (`*` when it selects every column of something), for
/// dropping the views that use a dropped column.
fn used_columns(q: &Query) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    let mut expr = |e: &crate::sql::expr::Expr| {
        e.walk(&mut |x| {
            if let crate::sql::expr::Expr::Column { name, .. } = x {
                out.insert(name.clone());
            }
        })
    };
    visit_query(q, &mut expr);
    let mut star = false;
    star_items(q, &mut star);
    if star {
        out.insert("*".into());
    }
    out
}

fn visit_query(q: &Query, f: &mut impl FnMut(&crate::sql::expr::Expr)) {
    match q {
        Query::Select(s) => {
            for item in &s.items {
                if let crate::sql::expr::SelectItem::Expr { expr, .. } = item {
                    f(expr);
                }
            }
            if let Some(filter) = &s.filter {
                f(filter);
            }
        }
        Query::SetOperation { left, right, .. } => {
            visit_query(left, f);
            visit_query(right, f);
        }
        Query::Values(rows) => rows.iter().flatten().for_each(f),
        Query::Other(_) => {}
    }
}

fn star_items(q: &Query, star: &mut bool) {
    match q {
        Query::Select(s) => {
            *star |= s.items.iter().any(|i| {
                matches!(
                    i,
                    crate::sql::expr::SelectItem::Wildcard
                        | crate::sql::expr::SelectItem::QualifiedWildcard(_)
                )
            });
        }
        Query::SetOperation { left, right, .. } => {
            star_items(left, star);
            star_items(right, star);
        }
        Query::Values(_) | Query::Other(_) => *star = true,
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
