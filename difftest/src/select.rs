//! Random SELECTs, for views and for queries: `WITH`, joins of every kind (inner, left, right,
//! full, cross, `USING`, `NATURAL`, `LATERAL`), subqueries, `VALUES` and set-returning
//! functions in FROM, `WHERE`, `GROUP BY` with `HAVING`, aggregates over a whole table,
//! window functions, `DISTINCT [ON]`, set operations, `ORDER BY` and `LIMIT`.

use crate::expr::{Col, Gen, Scope, Source, Visible};
use crate::types::{Class, SqlTy};

/// A result column as the generator meant it: its alias (when it gave one) and class.
#[derive(Debug, Clone)]
pub struct Output {
    /// The alias written (`c1`), or `None` when PostgreSQL names the column.
    pub alias: Option<String>,
    /// The class of value asked for.
    pub class: Class,
}

/// A generated SELECT.
#[derive(Debug, Clone)]
pub struct Select {
    /// The SQL.
    pub sql: String,
    /// Its result columns.
    pub columns: Vec<Output>,
}

impl Select {
    /// Its result columns as a source (for a CTE or a subquery in FROM), when every column
    /// has an alias.
    pub fn as_source(&self, sql: &str) -> Option<Source> {
        let columns = self
            .columns
            .iter()
            .map(|c| {
                Some(Col {
                    name: c.alias.clone()?,
                    ty: SqlTy {
                        sql: crate::expr::canonical(c.class).unwrap_or("text").into(),
                        class: c.class,
                    },
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Source {
            sql: sql.to_string(),
            columns,
        })
    }
}

/// One FROM item: its SQL and the columns it brings.
struct FromItem {
    sql: String,
    columns: Vec<Visible>,
    /// Column names, for `USING` and `NATURAL`.
    names: Vec<String>,
}

impl<'a> Gen<'a> {
    /// A SELECT; with `shape`, one whose columns have those classes (the second branch of a
    /// set operation). `named` gives every column an alias.
    pub fn select(&mut self, shape: Option<&[Class]>, named: bool, depth: u32) -> Select {
        let mut with = String::new();
        let saved_sources = self.sources.len();
        if shape.is_none() && depth > 0 && self.p.chance(15) {
            let recursive = self.p.chance(30);
            let name = self.alias();
            let cte = if recursive {
                self.forms.saw("select: WITH RECURSIVE");
                Select {
                    sql: format!(
                        "SELECT 1 AS n UNION ALL SELECT {name}.n + 1 FROM {name} WHERE {name}.n < 3"
                    ),
                    columns: vec![Output {
                        alias: Some("n".into()),
                        class: Class::Int,
                    }],
                }
            } else {
                self.forms.saw("select: WITH");
                self.select(None, true, depth - 1)
            };
            if let Some(source) = cte.as_source(&name) {
                with = format!(
                    "WITH {}{name} AS ({}) ",
                    if recursive { "RECURSIVE " } else { "" },
                    cte.sql
                );
                self.sources.push(source);
            }
        }
        let core = self.select_core(shape, named, depth);
        self.sources.truncate(saved_sources);
        let mut sql = format!("{with}{}", core.sql);
        let columns = core.columns;
        // A set operation: a second branch of the same classes.
        if depth > 0 && self.p.chance(12) {
            let classes: Vec<Class> = columns.iter().map(|c| c.class).collect();
            let op = ["UNION", "UNION ALL", "INTERSECT", "EXCEPT"][self.p.below(4)];
            self.forms.saw(match op {
                "UNION" => "select: UNION",
                "UNION ALL" => "select: UNION ALL",
                "INTERSECT" => "select: INTERSECT",
                _ => "select: EXCEPT",
            });
            let other = self.select_core(Some(&classes), false, depth - 1);
            // The first branch names the columns.
            sql = format!("{sql} {op} {}", other.sql);
        }
        Select { sql, columns }
    }

    fn select_core(&mut self, shape: Option<&[Class]>, named: bool, depth: u32) -> Select {
        let from = self.join_tree(depth);
        let all: Vec<Visible> = from.iter().flat_map(|f| f.columns.clone()).collect();
        let mut sql = String::from("SELECT ");
        let grouped = !all.is_empty() && self.p.chance(25);
        let whole = !grouped && self.p.chance(8);
        let scope = if grouped {
            let keys = self.group_keys(&all);
            Scope {
                columns: keys,
                aggregate_over: Some(all.clone()),
                windows: false,
            }
        } else if whole {
            self.forms.saw("select: aggregates without GROUP BY");
            Scope {
                columns: Vec::new(),
                aggregate_over: Some(all.clone()),
                windows: false,
            }
        } else {
            Scope {
                columns: all.clone(),
                aggregate_over: None,
                windows: self.p.chance(20),
            }
        };
        if !grouped && !whole && self.p.chance(8) {
            if !all.is_empty() && self.p.chance(50) {
                let on = self.p.pick(&all).cloned().map(|c| c.sql).unwrap_or_default();
                self.forms.saw("select: DISTINCT ON");
                sql.push_str(&format!("DISTINCT ON ({on}) "));
            } else {
                self.forms.saw("select: DISTINCT");
                sql.push_str("DISTINCT ");
            }
        }
        let classes: Vec<Class> = match shape {
            Some(shape) => shape.to_vec(),
            None => {
                let n = 1 + self.p.below(4);
                (0..n).map(|_| self.class(&scope)).collect()
            }
        };
        let mut columns = Vec::new();
        let mut items = Vec::new();
        // `SELECT *` now and then (not in a shaped branch).
        if shape.is_none() && !named && !grouped && !whole && !all.is_empty() && self.p.chance(8) {
            self.forms.saw("select: *");
            sql.push('*');
            for c in &all {
                columns.push(Output {
                    alias: None,
                    class: c.ty.class,
                });
            }
        } else {
            for (i, class) in classes.iter().enumerate() {
                let e = self.expr(&scope, *class, depth.min(3));
                if named || self.p.chance(70) {
                    let alias = format!("c{}", i + 1);
                    items.push(format!("{e} AS {alias}"));
                    columns.push(Output {
                        alias: Some(alias),
                        class: *class,
                    });
                } else {
                    items.push(e);
                    columns.push(Output {
                        alias: None,
                        class: *class,
                    });
                }
            }
            sql.push_str(&items.join(", "));
        }
        if !from.is_empty() {
            let mut joined = from[0].sql.clone();
            for item in &from[1..] {
                joined.push_str(&item.sql);
            }
            sql.push_str(&format!(" FROM {joined}"));
        }
        if self.p.chance(45) {
            let cond = self.predicate(&Scope::plain(all.clone()), 2);
            sql.push_str(&format!(" WHERE {cond}"));
        }
        if grouped {
            let keys: Vec<String> = scope.columns.iter().map(|c| c.sql.clone()).collect();
            self.forms.saw("select: GROUP BY");
            sql.push_str(&format!(" GROUP BY {}", keys.join(", ")));
            if self.p.chance(30) {
                self.forms.saw("select: HAVING");
                let having = self.predicate(&scope, 1);
                sql.push_str(&format!(" HAVING {having}"));
            }
        }
        if shape.is_none() && self.p.chance(15) && !columns.is_empty() {
            self.forms.saw("select: ORDER BY LIMIT");
            let limit = match self.params.is_some() && self.p.chance(50) {
                true => {
                    self.forms.saw("expr: LIMIT $n");
                    let n = self.params.as_mut().map(|n| {
                        *n += 1;
                        *n
                    });
                    format!("${}", n.unwrap_or(1))
                }
                false => "10".into(),
            };
            sql.push_str(&format!(" ORDER BY 1 LIMIT {limit}"));
        }
        Select { sql, columns }
    }

    /// Group keys: one or two of the columns.
    fn group_keys(&mut self, all: &[Visible]) -> Vec<Visible> {
        let n = 1 + self.p.below(2);
        let mut keys: Vec<Visible> = Vec::new();
        for _ in 0..n {
            if let Some(c) = self.p.pick(all)
                && !keys.iter().any(|k| k.sql == c.sql)
                && !matches!(c.ty.class, Class::Other | Class::Composite)
            {
                keys.push(c.clone());
            }
        }
        keys
    }

    /// The FROM items, the first without a join keyword and the rest with theirs.
    fn join_tree(&mut self, depth: u32) -> Vec<FromItem> {
        if self.sources.is_empty() && !self.p.chance(50) {
            return Vec::new();
        }
        let mut items = vec![self.source_item(depth, &[])];
        let joins = self.p.weighted(&[6, 4, 1]);
        for _ in 0..joins {
            let before: Vec<Visible> = items.iter().flat_map(|i| i.columns.clone()).collect();
            let mut item = self.source_item(depth, &before);
            let kind = self.p.weighted(&[4, 4, 1, 1, 1, 1, 1]);
            let common: Vec<&String> = item
                .names
                .iter()
                .filter(|n| items.iter().any(|i| i.names.contains(n)))
                .collect();
            item.sql = match kind {
                0..=3 => {
                    let join = ["JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN"][kind];
                    self.forms.saw(match kind {
                        0 => "select: JOIN ON",
                        1 => "select: LEFT JOIN",
                        2 => "select: RIGHT JOIN",
                        _ => "select: FULL JOIN",
                    });
                    let mut both = before.clone();
                    both.extend(item.columns.iter().cloned());
                    let on = if kind == 3 {
                        // FULL JOIN takes only merge-joinable conditions: an equality.
                        match (before.first(), item.columns.first()) {
                            (Some(a), Some(b)) if a.ty.class == b.ty.class => {
                                format!("{} = {}", a.sql, b.sql)
                            }
                            _ => "true".into(),
                        }
                    } else {
                        self.predicate(&Scope::plain(both), 1)
                    };
                    format!(" {join} {} ON {on}", item.sql)
                }
                4 if !common.is_empty() => {
                    self.forms.saw("select: JOIN USING");
                    let left = if self.p.chance(50) { "LEFT " } else { "" };
                    format!(
                        " {left}JOIN {} USING ({})",
                        item.sql,
                        crate::types::quote_ident(common[0])
                    )
                }
                5 if !common.is_empty() && self.p.chance(50) => {
                    self.forms.saw("select: NATURAL JOIN");
                    format!(" NATURAL JOIN {}", item.sql)
                }
                _ => {
                    self.forms.saw("select: CROSS JOIN");
                    format!(" CROSS JOIN {}", item.sql)
                }
            };
            items.push(item);
        }
        items
    }

    /// A table, a subquery, `VALUES`, or a set-returning function, aliased; a `LATERAL`
    /// subquery may read the columns of the items before it.
    fn source_item(&mut self, depth: u32, before: &[Visible]) -> FromItem {
        let alias = self.alias();
        let kind = self.p.weighted(&[10, 2, 1, 1, 1, 1]);
        let (sql, source) = match kind {
            1 if depth > 0 && self.nesting < 2 => {
                self.nesting += 1;
                let lateral = !before.is_empty() && self.p.chance(40);
                let saved = self.sources.clone();
                let sub = if lateral {
                    self.forms.saw("select: LATERAL");
                    // The subquery sees the earlier items' columns through a scope of its own.
                    let inner = self.select(None, true, depth - 1);
                    let cond = self.predicate(&Scope::plain(before.to_vec()), 1);
                    Select {
                        sql: format!("SELECT * FROM ({}) AS l WHERE {cond}", inner.sql),
                        columns: inner.columns,
                    }
                } else {
                    self.forms.saw("select: subquery in FROM");
                    self.select(None, true, depth - 1)
                };
                self.sources = saved;
                self.nesting -= 1;
                match sub.as_source(&alias) {
                    Some(source) => (
                        format!(
                            "{}({}) AS {alias}",
                            if lateral { "LATERAL " } else { "" },
                            sub.sql
                        ),
                        source,
                    ),
                    None => self.table_item(&alias),
                }
            }
            2 => {
                self.forms.saw("select: VALUES in FROM");
                let source = Source {
                    sql: alias.clone(),
                    columns: vec![
                        Col {
                            name: "a".into(),
                            ty: SqlTy {
                                sql: "integer".into(),
                                class: Class::Int,
                            },
                        },
                        Col {
                            name: "b".into(),
                            ty: SqlTy {
                                sql: "text".into(),
                                class: Class::Text,
                            },
                        },
                    ],
                };
                (format!("(VALUES (1, 'x'), (2, NULL)) AS {alias} (a, b)"), source)
            }
            3 => {
                self.forms.saw("select: generate_series in FROM");
                let source = Source {
                    sql: alias.clone(),
                    columns: vec![Col {
                        name: "n".into(),
                        ty: SqlTy {
                            sql: "integer".into(),
                            class: Class::Int,
                        },
                    }],
                };
                (format!("generate_series(1, 3) AS {alias} (n)"), source)
            }
            4 => {
                self.forms.saw("select: unnest in FROM");
                let source = Source {
                    sql: alias.clone(),
                    columns: vec![Col {
                        name: "x".into(),
                        ty: SqlTy {
                            sql: "text".into(),
                            class: Class::Text,
                        },
                    }],
                };
                (format!("unnest(ARRAY['p', 'q']) AS {alias} (x)"), source)
            }
            _ => self.table_item(&alias),
        };
        FromItem {
            sql,
            columns: Gen::visible(&source, &alias),
            names: source.columns.iter().map(|c| c.name.clone()).collect(),
        }
    }

    fn table_item(&mut self, alias: &str) -> (String, Source) {
        match self.p.pick(&self.sources).cloned() {
            Some(source) => {
                self.forms.saw("select: table in FROM");
                (format!("{} {alias}", source.sql), source)
            }
            None => (
                format!("(SELECT 1 AS one) AS {alias}"),
                Source {
                    sql: alias.to_string(),
                    columns: vec![Col {
                        name: "one".into(),
                        ty: SqlTy {
                            sql: "integer".into(),
                            class: Class::Int,
                        },
                    }],
                },
            ),
        }
    }
}
