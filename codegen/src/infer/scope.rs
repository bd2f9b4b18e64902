//! What names mean inside a query: the FROM items of each level, the common table expressions
//! in reach, and the levels around it (for correlated subqueries and `LATERAL`).

use std::collections::BTreeSet;

use super::{OutputColumn, Ty, Typed};

/// A FROM item's columns under the name the query uses for it.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    /// The item's name (alias, table name); `None` for the merged columns of a
    /// `USING`/`NATURAL` join, which only unqualified references reach.
    pub(super) name: Option<String>,
    /// `None` when the item's columns are not known (a function the fold knows nothing of).
    pub(super) columns: Option<Vec<OutputColumn>>,
    /// Columns merged into a `USING`/`NATURAL` join's output: reached only through the
    /// item's name, and not part of an unqualified `*`.
    pub(super) merged: BTreeSet<String>,
    /// The item is a table (or materialized view, foreign table, sequence): it has the
    /// system columns `ctid`, `xmin`, `tableoid`, ... beside its own.
    pub(super) system_columns: bool,
    /// The row type a whole-row reference to the item has (a relation's, `format_type()`
    /// spelling); `record` when `None`.
    pub(super) row_type: Option<String>,
}

impl Entry {
    /// An item with known columns.
    pub(super) fn new(name: Option<String>, columns: Vec<OutputColumn>) -> Self {
        Self {
            name,
            columns: Some(columns),
            merged: BTreeSet::new(),
            system_columns: false,
            row_type: None,
        }
    }

    /// The columns an unqualified `*` gives.
    pub(super) fn star_columns(&self) -> Result<Vec<OutputColumn>, String> {
        Ok(self
            .qualified_star()?
            .into_iter()
            .filter(|c| !self.merged.contains(&c.name))
            .collect())
    }

    /// The columns `name.*` gives.
    pub(super) fn qualified_star(&self) -> Result<Vec<OutputColumn>, String> {
        self.columns.clone().ok_or_else(|| {
            format!(
                "`{}.*` comes from a FROM item whose columns are not known",
                self.name.as_deref().unwrap_or("?")
            )
        })
    }

    /// A system column of the item, when it is a table that has one by that name.
    fn system_column(&self, name: &str) -> Option<Typed> {
        let ty = crate::catalog::system::system_column(name).filter(|_| self.system_columns)?;
        Some(Typed::new(Ty::known(ty), false))
    }

    /// Makes every column nullable (the item is on the outer side of a join).
    pub(super) fn make_nullable(&mut self) {
        for c in self.columns.iter_mut().flatten() {
            c.typed.nullable = true;
        }
    }
}

/// One query level: its FROM items and common table expressions, and the level around it.
pub(super) struct Scope<'p> {
    pub(super) entries: Vec<Entry>,
    pub(super) ctes: Vec<(String, Vec<OutputColumn>)>,
    pub(super) parent: Option<&'p Scope<'p>>,
}

impl<'p> Scope<'p> {
    /// A new level inside `parent`.
    pub(super) fn child(parent: Option<&'p Scope<'p>>) -> Self {
        Self {
            entries: Vec::new(),
            ctes: Vec::new(),
            parent,
        }
    }

    /// The columns of the common table expression `name` in reach, innermost first.
    pub(super) fn cte(&self, name: &str) -> Option<&[OutputColumn]> {
        self.ctes
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c.as_slice())
            .or_else(|| self.parent.and_then(|p| p.cte(name)))
    }

    /// The entry a qualifier names, innermost level first.
    pub(super) fn entry(&self, qualifier: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.name.as_deref() == Some(qualifier))
            .or_else(|| self.parent.and_then(|p| p.entry(qualifier)))
    }

    /// What a column reference means: the innermost level that has the column decides, as in
    /// PostgreSQL; two items of that level with the column make it ambiguous.
    pub(super) fn lookup(&self, qualifier: &[String], name: &str) -> Typed {
        let shown = if qualifier.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", qualifier.join("."))
        };
        if let Some(q) = qualifier.last() {
            return match self.entry(q) {
                Some(Entry { columns: None, .. }) => untyped(name),
                Some(Entry {
                    columns: Some(columns),
                    ..
                }) => match columns.iter().find(|c| c.name == name) {
                    Some(c) => c.typed.clone(),
                    None => match self.entry(q).and_then(|e| e.system_column(name)) {
                        Some(system) => system,
                        None => missing(&shown),
                    },
                },
                None => Typed::new(
                    Ty::Unresolved(format!("missing FROM-clause entry for table \"{q}\"")),
                    true,
                ),
            };
        }
        let mut level = Some(self);
        while let Some(scope) = level {
            let mut found: Vec<&OutputColumn> = Vec::new();
            let mut untyped_item = false;
            for entry in &scope.entries {
                if entry.merged.contains(name) {
                    continue;
                }
                match &entry.columns {
                    Some(columns) => found.extend(columns.iter().filter(|c| c.name == name)),
                    None => untyped_item = true,
                }
            }
            let system: Vec<Typed> = if found.is_empty() {
                scope
                    .entries
                    .iter()
                    .filter_map(|e| e.system_column(name))
                    .collect()
            } else {
                Vec::new()
            };
            match (found.as_slice(), system.as_slice()) {
                ([one], _) => return one.typed.clone(),
                ([_, _, ..], _) | ([], [_, _, ..]) => {
                    return Typed::new(
                        Ty::Unresolved(format!("column reference \"{name}\" is ambiguous")),
                        true,
                    );
                }
                ([], [one]) => return one.clone(),
                ([], []) if untyped_item => return untyped(name),
                ([], []) => level = scope.parent,
            }
        }
        // A whole-row reference (`row_to_json(t)`): the FROM item itself, of its relation's row
        // type (never NULL, unless on the outer side of a join).
        if let Some(entry) = self.entry(name) {
            let ty = match (&entry.row_type, &entry.columns) {
                (Some(t), _) => Ty::Known(t.clone()),
                // A subquery's or VALUES list's row: a record whose fields are known.
                (None, Some(columns)) => Ty::Record(columns.clone()),
                (None, None) => Ty::known("record"),
            };
            return Typed::new(ty, true);
        }
        missing(&shown)
    }
}

fn untyped(name: &str) -> Typed {
    Typed::new(
        Ty::Unresolved(format!(
            "column {name} comes from a FROM item whose columns are not known"
        )),
        true,
    )
}

fn missing(shown: &str) -> Typed {
    Typed::new(Ty::Unresolved(format!("column {shown} does not exist")), true)
}

/// True when a lookup failed because the column is not there (an error in PostgreSQL too),
/// rather than because the fold cannot see it.
pub(super) fn is_missing(why: &str) -> bool {
    why.ends_with("does not exist") || why.starts_with("missing FROM-clause") || why.ends_with("is ambiguous")
}
