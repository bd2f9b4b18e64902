//! `INSERT`, `UPDATE` and `DELETE`: their parameters (typed by the columns they write) and the
//! columns of their `RETURNING` list.

use super::query::check_references;
use super::scope::{Entry, Scope};
use super::{Infer, OutputColumn, Ty, Typed};
use crate::sql::expr::Expr;
use crate::sql::query::{Modify, ModifyKind, Query, SelectItem};

impl Infer<'_> {
    /// The columns a data-modifying statement returns (none without `RETURNING`).
    pub(super) fn infer_modify(
        &self,
        m: &Modify,
        outer: Option<&Scope>,
    ) -> Result<Vec<OutputColumn>, String> {
        let Some(relation) = self.schema.relation(&m.table) else {
            return Err(format!("relation {} does not exist", m.table));
        };
        let columns: Vec<OutputColumn> = relation
            .columns
            .iter()
            .map(|c| OutputColumn {
                name: c.name.clone(),
                typed: Typed::new(Ty::Known(c.data_type.clone()), c.nullable),
            })
            .collect();
        let column_type = |name: &str| -> Result<Ty, String> {
            columns
                .iter()
                .find(|c| c.name == name)
                .map(|c| c.typed.ty.clone())
                .ok_or_else(|| format!("column {name} of relation {} does not exist", m.table))
        };
        let mut scope = Scope::child(outer);
        let target = m.alias.clone().unwrap_or_else(|| m.table.name.clone());
        scope.entries.push(Entry::new(Some(target), columns.clone()));
        for item in &m.from {
            let entries = self.item_entries(item, &scope)?;
            scope.entries.extend(entries);
        }
        if m.kind == ModifyKind::Insert {
            let targets: Vec<String> = if m.columns.is_empty() {
                columns.iter().map(|c| c.name.clone()).collect()
            } else {
                m.columns.clone()
            };
            for name in &targets {
                column_type(name)?;
            }
            match m.source.as_deref() {
                Some(Query::Values(rows)) => {
                    for row in rows {
                        for (value, name) in row.iter().zip(&targets) {
                            self.expect(value, &column_type(name)?, Some(name));
                        }
                    }
                }
                Some(Query::Select(select)) => {
                    for (item, name) in select.items.iter().zip(&targets) {
                        if let SelectItem::Expr { expr, .. } = item {
                            self.expect(expr, &column_type(name)?, Some(name));
                        }
                    }
                }
                _ => {}
            }
            if let Some(source) = &m.source {
                self.infer_query(source, outer)?;
            }
            // ON CONFLICT ... DO UPDATE sees the proposed row as `excluded`.
            scope
                .entries
                .push(Entry::new(Some("excluded".into()), columns.clone()));
        }
        for (name, value) in &m.assignments {
            self.expect(value, &column_type(name)?, Some(name));
            self.infer_expr(value, &scope);
        }
        let mut exprs: Vec<&Expr> = m.filters.iter().collect();
        exprs.extend(m.assignments.iter().map(|(_, v)| v));
        check_references(&exprs, &scope)?;
        for filter in &m.filters {
            self.expect(filter, &Ty::known("boolean"), None);
            self.infer_expr(filter, &scope);
        }
        if m.kind == ModifyKind::Insert {
            // RETURNING sees the inserted row, not `excluded`.
            scope.entries.pop();
        }
        let returned: Vec<&Expr> = m
            .returning
            .iter()
            .filter_map(|i| match i {
                SelectItem::Expr { expr, .. } => Some(expr),
                _ => None,
            })
            .collect();
        check_references(&returned, &scope)?;
        self.select_list(&m.returning, &scope)
    }
}
