//! Queries as the fold and inference see them: the parts of a `SELECT` that decide its output
//! columns, and what it reads (for dropping views along with what they depend on).

use std::collections::BTreeSet;

use crate::sql::expr::Expr;
use crate::sql::{QualifiedName, TypeName};

/// A query as written in a view (or, later, a query file).
#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    /// A plain `SELECT`.
    Select(Box<Select>),
    /// `left UNION|INTERSECT|EXCEPT right`.
    SetOperation {
        /// `UNION`, `INTERSECT` or `EXCEPT`.
        op: String,
        /// Left branch.
        left: Box<Query>,
        /// Right branch.
        right: Box<Query>,
    },
    /// `VALUES (...), (...)`.
    Values(Vec<Vec<Expr>>),
    /// `WITH [RECURSIVE] name AS (...), ... body`.
    With {
        /// `WITH RECURSIVE`.
        recursive: bool,
        /// The common table expressions, in order.
        ctes: Vec<Cte>,
        /// The query they are visible in.
        body: Box<Query>,
    },
    /// `INSERT`, `UPDATE` or `DELETE`, with what it returns.
    Modify(Box<Modify>),
    /// A query shape the fold cannot type (`TABLE x`, ...).
    Other(String),
}

/// What kind of change a [`Modify`] makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModifyKind {
    /// `INSERT`.
    Insert,
    /// `UPDATE`.
    Update,
    /// `DELETE`.
    Delete,
}

/// `INSERT`, `UPDATE` or `DELETE`: the parts that type its parameters and `RETURNING` list.
#[derive(Debug, Clone, PartialEq)]
pub struct Modify {
    /// What it does.
    pub kind: ModifyKind,
    /// The table it changes.
    pub table: QualifiedName,
    /// `AS alias`.
    pub alias: Option<String>,
    /// `INSERT`'s column list (empty: every column, in order).
    pub columns: Vec<String>,
    /// `INSERT`'s rows: `VALUES` or a query.
    pub source: Option<Box<Query>>,
    /// `UPDATE`'s `SET column = value` pairs, and `ON CONFLICT ... DO UPDATE SET`'s.
    pub assignments: Vec<(String, Expr)>,
    /// `UPDATE ... FROM` and `DELETE ... USING` items.
    pub from: Vec<FromItem>,
    /// `WHERE`, and `ON CONFLICT ... DO UPDATE ... WHERE`.
    pub filters: Vec<Expr>,
    /// `RETURNING` items (empty: returns no rows).
    pub returning: Vec<SelectItem>,
}

/// One common table expression: `name [(columns)] AS (query)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cte {
    /// Its name.
    pub name: String,
    /// Column names given after the name, renaming the query's first columns.
    pub columns: Vec<String>,
    /// Its query.
    pub query: Query,
}

/// The parts of a `SELECT` that decide its columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    /// The select list.
    pub items: Vec<SelectItem>,
    /// `FROM` items (a comma list; joins nest inside).
    pub from: Vec<FromItem>,
    /// The `WHERE` condition.
    pub filter: Option<Expr>,
    /// The `HAVING` condition.
    pub having: Option<Expr>,
    /// Has a `GROUP BY`.
    pub grouped: bool,
    /// `LIMIT` (or `FETCH FIRST`) count.
    pub limit: Option<Expr>,
    /// `OFFSET` count.
    pub offset: Option<Expr>,
}

/// One entry of a select list.
#[derive(Debug, Clone, PartialEq)]
pub enum SelectItem {
    /// `expr [AS alias]`.
    Expr {
        /// The expression.
        expr: Expr,
        /// Its alias.
        alias: Option<String>,
    },
    /// `*`.
    Wildcard,
    /// `t.*`.
    QualifiedWildcard(Vec<String>),
}

/// `AS name [(column, ...)]` after a FROM item.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Alias {
    /// The name the query uses for the item.
    pub name: String,
    /// New names for the item's first columns; a type with each for functions returning
    /// `record` (`AS t(a int, b text)`).
    pub columns: Vec<(String, Option<TypeName>)>,
}

/// An item of a `FROM` clause.
#[derive(Debug, Clone, PartialEq)]
pub enum FromItem {
    /// A table, view or common table expression.
    Table {
        /// Its name.
        name: QualifiedName,
        /// `AS alias`.
        alias: Option<Alias>,
    },
    /// `[LATERAL] (SELECT ...) AS alias`.
    Subquery {
        /// The query.
        query: Box<Query>,
        /// `AS alias`.
        alias: Option<Alias>,
    },
    /// `[LATERAL] f(args) [WITH ORDINALITY] [AS alias]`, also `ROWS FROM` of one function.
    Function {
        /// The function's name parts, folded.
        name: Vec<String>,
        /// Its arguments.
        args: Vec<Expr>,
        /// `WITH ORDINALITY`: an extra `bigint` column numbering the rows.
        ordinality: bool,
        /// `AS alias`.
        alias: Option<Alias>,
    },
    /// `XMLTABLE(... COLUMNS ...)`, `JSON_TABLE`-like items whose columns are declared in place.
    Declared {
        /// The declared columns and their types (`None` for `FOR ORDINALITY`: `integer`).
        columns: Vec<(String, Option<TypeName>)>,
        /// `AS alias`.
        alias: Option<Alias>,
    },
    /// `left [INNER|LEFT|RIGHT|FULL|CROSS] JOIN right [ON ... | USING (...)]`.
    Join {
        /// Left side.
        left: Box<FromItem>,
        /// Right side.
        right: Box<FromItem>,
        /// Join kind.
        kind: JoinKind,
        /// `USING (columns)`, or the common column names of a `NATURAL` join (empty list
        /// with `natural` set: worked out from both sides' columns).
        using: Vec<String>,
        /// `NATURAL JOIN`.
        natural: bool,
        /// `USING (columns) AS alias`: the name the merged columns are reached by.
        using_alias: Option<String>,
        /// The `ON` condition.
        on: Option<Expr>,
    },
    /// Something else, known only by its alias.
    Other {
        /// Its alias, so its columns can at least be found.
        alias: Option<String>,
    },
}

/// How two `FROM` items are joined; decides which side's columns may become NULL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinKind {
    /// `[INNER] JOIN` or `CROSS JOIN`: no side becomes nullable.
    Inner,
    /// `LEFT JOIN`: the right side becomes nullable.
    Left,
    /// `RIGHT JOIN`: the left side becomes nullable.
    Right,
    /// `FULL JOIN`: both sides become nullable.
    Full,
}

impl FromItem {
    /// The name the query uses for this item, if it has one.
    pub fn alias_name(&self) -> Option<&str> {
        match self {
            FromItem::Table { alias, .. }
            | FromItem::Subquery { alias, .. }
            | FromItem::Function { alias, .. }
            | FromItem::Declared { alias, .. } => alias.as_ref().map(|a| a.name.as_str()),
            FromItem::Other { alias } => alias.as_deref(),
            FromItem::Join { .. } => None,
        }
    }
}

impl Query {
    /// Calls `f` on every expression of the query's select lists, conditions and `VALUES`
    /// rows, including those of subqueries and common table expressions.
    pub fn visit_exprs(&self, f: &mut impl FnMut(&Expr)) {
        match self {
            Query::Select(s) => {
                for item in &s.items {
                    if let SelectItem::Expr { expr, .. } = item {
                        visit_expr(expr, f);
                    }
                }
                for condition in s.filter.iter().chain(&s.having) {
                    visit_expr(condition, f);
                }
                let (mut tables, mut queries) = (Vec::new(), Vec::new());
                s.from
                    .iter()
                    .for_each(|item| item.parts(&mut tables, &mut queries));
                queries.iter().for_each(|q| q.visit_exprs(f));
            }
            Query::SetOperation { left, right, .. } => {
                left.visit_exprs(f);
                right.visit_exprs(f);
            }
            Query::Values(rows) => rows.iter().flatten().for_each(|e| visit_expr(e, f)),
            Query::With { ctes, body, .. } => {
                ctes.iter().for_each(|c| c.query.visit_exprs(f));
                body.visit_exprs(f);
            }
            Query::Modify(_) | Query::Other(_) => {}
        }
    }

    /// The relations the query reads, anywhere inside it (names of its own common table
    /// expressions excluded).
    pub fn relations(&self) -> Vec<QualifiedName> {
        let mut out = Vec::new();
        self.collect_relations(&mut Vec::new(), &mut out);
        out
    }

    fn collect_relations(&self, ctes: &mut Vec<String>, out: &mut Vec<QualifiedName>) {
        match self {
            Query::Select(s) => {
                let (mut tables, mut queries) = (Vec::new(), Vec::new());
                s.from
                    .iter()
                    .for_each(|item| item.parts(&mut tables, &mut queries));
                for name in tables {
                    if name.schema.is_some() || !ctes.contains(&name.name) {
                        out.push(name.clone());
                    }
                }
                for q in queries {
                    q.collect_relations(ctes, out);
                }
            }
            Query::SetOperation { left, right, .. } => {
                left.collect_relations(ctes, out);
                right.collect_relations(ctes, out);
            }
            Query::Values(_) | Query::Other(_) => {}
            Query::Modify(m) => {
                out.push(m.table.clone());
                let (mut tables, mut queries) = (Vec::new(), Vec::new());
                m.from
                    .iter()
                    .for_each(|item| item.parts(&mut tables, &mut queries));
                out.extend(tables.into_iter().cloned());
                queries.extend(m.source.as_deref());
                for q in queries {
                    q.collect_relations(ctes, out);
                }
            }
            Query::With {
                ctes: defined, body, ..
            } => {
                let depth = ctes.len();
                for cte in defined {
                    ctes.push(cte.name.clone());
                    cte.query.collect_relations(ctes, out);
                }
                body.collect_relations(ctes, out);
                ctes.truncate(depth);
            }
        }
        for q in self.own_subqueries() {
            q.collect_relations(ctes, out);
        }
    }

    /// The subqueries in this level's own expressions (select list, condition, `VALUES`).
    fn own_subqueries(&self) -> Vec<&Query> {
        let mut exprs: Vec<&Expr> = Vec::new();
        match self {
            Query::Select(s) => {
                exprs.extend(s.items.iter().filter_map(|i| match i {
                    SelectItem::Expr { expr, .. } => Some(expr),
                    _ => None,
                }));
                exprs.extend(&s.filter);
                exprs.extend(&s.having);
            }
            Query::Values(rows) => exprs.extend(rows.iter().flatten()),
            _ => {}
        }
        let mut out = Vec::new();
        for e in exprs {
            e.walk(&mut |x| {
                if let Expr::Subquery { query, .. } = x {
                    out.push(query.as_ref());
                }
            });
        }
        out
    }

    /// The column names the query mentions, with `*` when it selects every column of
    /// something: for dropping the views that use a dropped column.
    pub fn used_columns(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        self.visit_exprs(&mut |e| {
            if let Expr::Column { name, .. } = e {
                out.insert(name.clone());
            }
        });
        if self.selects_all() {
            out.insert("*".into());
        }
        out
    }

    /// True when some select list of the query has `*` or `t.*` (or its columns cannot be
    /// told).
    fn selects_all(&self) -> bool {
        match self {
            Query::Select(s) => s
                .items
                .iter()
                .any(|i| matches!(i, SelectItem::Wildcard | SelectItem::QualifiedWildcard(_))),
            Query::SetOperation { left, right, .. } => left.selects_all() || right.selects_all(),
            Query::With { ctes, body, .. } => {
                body.selects_all() || ctes.iter().any(|c| c.query.selects_all())
            }
            Query::Values(_) | Query::Modify(_) | Query::Other(_) => true,
        }
    }
}

impl FromItem {
    /// The table names and the queries inside the item, joins taken apart.
    fn parts<'a>(&'a self, tables: &mut Vec<&'a QualifiedName>, queries: &mut Vec<&'a Query>) {
        match self {
            FromItem::Table { name, .. } => tables.push(name),
            FromItem::Subquery { query, .. } => queries.push(query),
            FromItem::Join { left, right, .. } => {
                left.parts(tables, queries);
                right.parts(tables, queries);
            }
            FromItem::Function { .. } | FromItem::Declared { .. } | FromItem::Other { .. } => {}
        }
    }
}

/// Calls `f` on `e` and every expression inside it, and on the expressions of the
/// subqueries it holds.
fn visit_expr(e: &Expr, f: &mut impl FnMut(&Expr)) {
    let mut subqueries: Vec<&Query> = Vec::new();
    e.walk(&mut |x| {
        f(x);
        if let Expr::Subquery { query, .. } = x {
            subqueries.push(query.as_ref());
        }
    });
    for q in subqueries {
        q.visit_exprs(f);
    }
}
