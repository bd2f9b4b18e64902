//! The columns FROM items bring into a query: tables, views and common table expressions,
//! subqueries, functions (the migrations' own and PostgreSQL's set-returning ones), items
//! that declare their columns (`XMLTABLE`), and joins with `USING`/`NATURAL` merging.

use super::expr::qualified;
use super::rules::{common, function_type};
use super::scope::{Entry, Scope};
use super::{Infer, OutputColumn, Ty, Typed};
use crate::sql::TypeName;
use crate::sql::ddl::RoutineResult;
use crate::sql::expr::Expr;
use crate::sql::query::{Alias, FromItem, JoinKind};

/// A function's columns in FROM, and whether it returns a single value (whose column an alias
/// without a column list renames).
struct FunctionColumns {
    columns: Vec<OutputColumn>,
    scalar: bool,
}

impl Infer<'_> {
    /// The entries a FROM item adds to `scope` (which it may read: `LATERAL`).
    pub(super) fn item_entries(&self, item: &FromItem, scope: &Scope) -> Result<Vec<Entry>, String> {
        match item {
            FromItem::Table { name, alias } => {
                let (columns, system_columns, row_type) =
                    match scope.cte(&name.name).filter(|_| name.schema.is_none()) {
                        Some(columns) => (columns.to_vec(), false, None),
                        None => {
                            let Some(relation) = self.schema.relation(name) else {
                                return Err(format!("relation {name} does not exist"));
                            };
                            let columns = relation
                                .columns
                                .iter()
                                .map(|c| column(&c.name, Ty::Known(c.data_type.clone()), c.nullable))
                                .collect();
                            // A whole-row reference to it has the relation's row type.
                            let row_type = if crate::catalog::system::SYSTEM_SCHEMAS
                                .contains(&relation.schema.as_str())
                            {
                                crate::sql::quote_ident(&relation.name)
                            } else {
                                crate::catalog::types::format_user_type(&relation.schema, &relation.name)
                            };
                            (
                                columns,
                                relation.kind != crate::catalog::RelationKind::View,
                                Some(row_type),
                            )
                        }
                    };
                let mut entry = aliased(Some(name.name.clone()), columns, alias, false)?;
                entry.system_columns = system_columns;
                entry.row_type = row_type;
                Ok(vec![entry])
            }
            FromItem::Subquery { query, alias } => {
                let columns = self.infer_query(query, Some(scope))?;
                Ok(vec![aliased(None, columns, alias, false)?])
            }
            FromItem::Function {
                name,
                args,
                ordinality,
                alias,
            } => {
                let last = name.last().cloned().unwrap_or_default();
                let typed: Vec<Typed> = args.iter().map(|a| self.infer_expr(a, scope)).collect();
                let Some(mut found) = self.function_columns(name, args, &typed, alias.as_ref()) else {
                    return Ok(vec![Entry {
                        name: Some(alias.as_ref().map_or(last, |a| a.name.clone())),
                        columns: None,
                        merged: Default::default(),
                        system_columns: false,
                        row_type: None,
                    }]);
                };
                if *ordinality {
                    found
                        .columns
                        .push(column("ordinality", Ty::known("bigint"), false));
                }
                Ok(vec![aliased(Some(last), found.columns, alias, found.scalar)?])
            }
            FromItem::Declared { columns, alias } => {
                let columns = columns
                    .iter()
                    .map(|(name, ty)| match ty {
                        Some(t) => column(name, self.resolve(t), true),
                        None => column(name, Ty::known("integer"), false),
                    })
                    .collect();
                Ok(vec![aliased(None, columns, alias, false)?])
            }
            FromItem::Join {
                left,
                right,
                kind,
                using,
                natural,
                using_alias,
                on,
            } => {
                let mut entries = self.join(left, right, *kind, using, *natural, scope)?;
                if let (Some(alias), Some(merged)) = (using_alias, entries.first_mut())
                    && merged.name.is_none()
                {
                    merged.name = Some(alias.clone());
                }
                if let Some(on) = on {
                    let mut inside = Scope::child(Some(scope));
                    inside.entries = entries.clone();
                    self.expect(on, &Ty::known("boolean"), None);
                    self.infer_expr(on, &inside);
                }
                Ok(entries)
            }
            FromItem::Other { alias } => Ok(vec![Entry {
                name: alias.clone(),
                columns: None,
                merged: Default::default(),
                system_columns: false,
                row_type: None,
            }]),
        }
    }

    /// A join's entries: the merged `USING`/`NATURAL` columns first (as `SELECT *` lists them),
    /// then both sides, the outer side of an outer join made nullable.
    fn join(
        &self,
        left: &FromItem,
        right: &FromItem,
        kind: JoinKind,
        using: &[String],
        natural: bool,
        scope: &Scope,
    ) -> Result<Vec<Entry>, String> {
        let mut left = self.item_entries(left, scope)?;
        let mut beside = Scope::child(Some(scope));
        beside.entries = left.clone();
        let mut right = self.item_entries(right, &beside)?;
        let names: Vec<String> = if natural {
            visible_names(&left)
                .into_iter()
                .filter(|n| visible(&right, n).is_some())
                .collect()
        } else {
            using.to_vec()
        };
        let mut merged = Vec::new();
        for name in &names {
            let (Some(l), Some(r)) = (visible(&left, name), visible(&right, name)) else {
                return Err(format!(
                    "column \"{name}\" specified in USING clause does not exist in both sides of the join"
                ));
            };
            let nullable = match kind {
                JoinKind::Inner => false,
                JoinKind::Left => l.typed.nullable,
                JoinKind::Right => r.typed.nullable,
                JoinKind::Full => l.typed.nullable || r.typed.nullable,
            };
            merged.push(column(
                name,
                common(&[l.typed.ty.clone(), r.typed.ty.clone()]),
                nullable,
            ));
        }
        if matches!(kind, JoinKind::Right | JoinKind::Full) {
            left.iter_mut().for_each(Entry::make_nullable);
        }
        if matches!(kind, JoinKind::Left | JoinKind::Full) {
            right.iter_mut().for_each(Entry::make_nullable);
        }
        for entry in left.iter_mut().chain(right.iter_mut()) {
            entry.merged.extend(names.iter().cloned());
        }
        let mut out = Vec::new();
        if !merged.is_empty() {
            out.push(Entry::new(None, merged));
        }
        out.extend(left);
        out.extend(right);
        Ok(out)
    }

    /// The columns of a function called in FROM, when they can be known: from a column
    /// definition list, from what a function of the migrations returns, or from PostgreSQL's
    /// own set-returning functions.
    fn function_columns(
        &self,
        name: &[String],
        arg_exprs: &[Expr],
        args: &[Typed],
        alias: Option<&Alias>,
    ) -> Option<FunctionColumns> {
        let declared: Option<Vec<&TypeName>> = alias
            .filter(|a| !a.columns.is_empty())
            .and_then(|a| a.columns.iter().map(|(_, t)| t.as_ref()).collect());
        if let (Some(types), Some(alias)) = (declared, alias) {
            let columns = alias
                .columns
                .iter()
                .zip(types)
                .map(|((n, _), t)| column(n, self.resolve(t), true))
                .collect();
            return Some(FunctionColumns {
                columns,
                scalar: false,
            });
        }
        let last = name.last()?.as_str();
        if let Some(routine) = qualified(name).and_then(|q| self.schema.routine(&q)) {
            for (arg, ty) in arg_exprs.iter().zip(&routine.args) {
                self.expect(arg, &self.resolve(ty), None);
            }
            return match &routine.result {
                RoutineResult::Columns(columns) => Some(FunctionColumns {
                    columns: columns
                        .iter()
                        .map(|(n, t)| column(n, self.resolve(t), true))
                        .collect(),
                    scalar: false,
                }),
                RoutineResult::Type(t) => match self.schema.row_type(t) {
                    Some(fields) => Some(FunctionColumns {
                        columns: fields
                            .into_iter()
                            .map(|(n, t)| column(&n, Ty::Known(t), true))
                            .collect(),
                        scalar: false,
                    }),
                    None if t.name == "record" => None,
                    None => Some(FunctionColumns {
                        columns: vec![column(last, self.resolve(t), true)],
                        scalar: true,
                    }),
                },
            };
        }
        // `current_date`, `localtimestamp(3)`: SQL value functions (not in pg_proc) give one
        // value, of the type their keyword has.
        if let Ty::Known(t) = super::rules::keyword_type(&last.to_ascii_uppercase()) {
            // `localtimestamp(3)`: the precision is the type's modifier.
            let t = match arg_exprs {
                [Expr::Number(p)] => match t.split_once(' ') {
                    Some((head, tail)) => format!("{head}({p}) {tail}"),
                    None => t,
                },
                _ => t,
            };
            return Some(FunctionColumns {
                columns: vec![column(last, Ty::Known(t), false)],
                scalar: true,
            });
        }
        if let Some(columns) = set_returning(last, args) {
            return Some(FunctionColumns {
                scalar: columns.len() == 1,
                columns,
            });
        }
        let typed = function_type(last, args, false, false);
        (!matches!(typed.ty, Ty::Unresolved(_))).then(|| FunctionColumns {
            columns: vec![OutputColumn {
                name: last.to_string(),
                typed,
            }],
            scalar: true,
        })
    }
}

/// The columns of PostgreSQL's own set-returning functions.
fn set_returning(name: &str, args: &[Typed]) -> Option<Vec<OutputColumn>> {
    let arg = |i: usize| args.get(i).map(|a| a.ty.clone()).unwrap_or(Ty::Unknown);
    let element = |t: Ty| match t {
        Ty::Known(t) => Ty::Known(t.strip_suffix("[]").unwrap_or(&t).to_string()),
        other => other,
    };
    let json = if name.starts_with("jsonb") {
        "jsonb"
    } else {
        "json"
    };
    let text = || Ty::known("text");
    Some(match name {
        "generate_series" => vec![column(name, common(&[arg(0), arg(1)]), false)],
        "generate_subscripts" => vec![column(name, Ty::known("integer"), false)],
        "unnest" => (0..args.len().max(1))
            .map(|i| column(name, element(arg(i)), true))
            .collect(),
        "json_each" | "jsonb_each" => vec![
            column("key", text(), false),
            column("value", Ty::known(json), true),
        ],
        "json_each_text" | "jsonb_each_text" => {
            vec![column("key", text(), false), column("value", text(), true)]
        }
        "json_array_elements" | "jsonb_array_elements" => vec![column("value", Ty::known(json), true)],
        "json_array_elements_text" | "jsonb_array_elements_text" => vec![column("value", text(), true)],
        "json_object_keys" | "jsonb_object_keys" | "regexp_split_to_table" | "string_to_table" => {
            vec![column(name, text(), true)]
        }
        "regexp_matches" => vec![column(name, Ty::known("text[]"), true)],
        _ => {
            let types: Vec<Ty> = args.iter().map(|a| a.ty.clone()).collect();
            let call = super::functions::resolve(name, &types).filter(|c| c.set)?;
            if call.out.is_empty() {
                vec![column(name, call.result, true)]
            } else {
                call.out
                    .iter()
                    .map(|(n, t)| column(n, Ty::known(t), true))
                    .collect()
            }
        }
    })
}

fn column(name: &str, ty: Ty, nullable: bool) -> OutputColumn {
    OutputColumn {
        name: name.to_string(),
        typed: Typed::new(ty, nullable),
    }
}

/// An item's entry under its alias: the alias's column list renames the first columns, and
/// renames a single-value function's one column even without a list.
fn aliased(
    default: Option<String>,
    mut columns: Vec<OutputColumn>,
    alias: &Option<Alias>,
    scalar: bool,
) -> Result<Entry, String> {
    let Some(alias) = alias else {
        return Ok(Entry::new(default, columns));
    };
    if alias.columns.len() > columns.len() {
        return Err(format!(
            "table \"{}\" has {} columns available but {} columns specified",
            alias.name,
            columns.len(),
            alias.columns.len()
        ));
    }
    for (c, (name, _)) in columns.iter_mut().zip(&alias.columns) {
        c.name = name.clone();
    }
    if scalar
        && alias.columns.is_empty()
        && let [only] = columns.as_mut_slice()
    {
        only.name = alias.name.clone();
    }
    Ok(Entry::new(Some(alias.name.clone()), columns))
}

/// The column `name` as an unqualified reference to `entries` would find it.
fn visible<'e>(entries: &'e [Entry], name: &str) -> Option<&'e OutputColumn> {
    entries
        .iter()
        .filter(|e| !e.merged.contains(name))
        .flat_map(|e| e.columns.iter().flatten())
        .find(|c| c.name == name)
}

/// The names an unqualified `*` over `entries` lists, in order.
fn visible_names(entries: &[Entry]) -> Vec<String> {
    entries
        .iter()
        .flat_map(|e| {
            e.columns
                .iter()
                .flatten()
                .filter(|c| !e.merged.contains(&c.name))
                .map(|c| c.name.clone())
        })
        .collect()
}
