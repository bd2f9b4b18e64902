//! Relation helpers from foreign keys.
//!
//! - belongs-to on the child: `project.team(db)`, named after the FK column without `_id`
//!   (`Option` when the FK is nullable);
//! - has-many on the parent: `team.projects(db)`, suffixed `_as_<fk>` when the child has
//!   several FKs to the same parent;
//! - many-to-many through a pure join table (two NOT NULL FKs to two tables and a unique key
//!   over exactly those two columns): `team.users(db)` via `team_members`;
//! - preloading for a slice of parents in one query: `Team::preload_projects(db, &teams)`
//!   returns each parent's children, in the parents' order.
//!
//! Only single-column foreign keys get helpers. Reads of the far side skip soft-deleted rows,
//! except belongs-to, which follows the key to the row it names.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{Catalog, ForeignKey, Relation};
use crate::emit::ident::{field_name, rust_name};
use crate::emit::names::{Names, display_name};
use crate::emit::sql::{live_filter, order_by, quote_ident, relation_ref, select_list};
use crate::emit::text::{Code, string_literal};
use crate::emit::types::{column_rust_type, column_type};

/// Relation methods, grouped by the relation (schema, name) whose struct gets them.
pub type RelationMethods<'a> = BTreeMap<(String, String), Vec<Method<'a>>>;

/// One relation helper (with its preload), named and checked for clashes; its code is written
/// by [`Method::write`], so the relations' modules can be built apart (and in parallel).
pub enum Method<'a> {
    /// `child.parent(db)`.
    BelongsTo(Link<'a>, String),
    /// `parent.children(db)` and `Parent::preload_children(db, &parents)`.
    HasMany(Link<'a>, String),
    /// `a.bs(db)` through a pure join table, and its preload.
    ManyToMany {
        /// The join table.
        join: &'a Relation,
        /// The key from the owner to the join table.
        from: Link<'a>,
        /// The key from the join table to the target.
        to: Link<'a>,
        /// The method's name.
        name: String,
    },
}

impl Method<'_> {
    /// Writes the method's code (inside its struct's `impl`).
    pub fn write(&self, code: &mut Code, catalog: &Catalog, names: &Names) {
        match self {
            Method::BelongsTo(link, name) => belongs_to(code, catalog, names, link, name),
            Method::HasMany(link, name) => has_many(code, catalog, names, link, name),
            Method::ManyToMany { join, from, to, name } => {
                many_to_many(code, catalog, names, join, from, to, name)
            }
        }
    }
}

/// A single-column foreign key and the two ends it joins.
#[derive(Clone)]
pub struct Link<'a> {
    child: &'a Relation,
    parent: &'a Relation,
    column: &'a str,
    parent_column: &'a str,
}

fn links(catalog: &Catalog) -> Vec<Link<'_>> {
    let mut out = Vec::new();
    for child in catalog.tables.iter().filter(|r| r.is_table()) {
        for fk in &child.foreign_keys {
            // Two constraints on the same columns (PostgreSQL allows it) are one relationship.
            if let Some(link) = link(catalog, child, fk)
                && !out.iter().any(|l: &Link<'_>| {
                    std::ptr::eq(l.child, link.child)
                        && std::ptr::eq(l.parent, link.parent)
                        && l.column == link.column
                        && l.parent_column == link.parent_column
                })
            {
                out.push(link);
            }
        }
    }
    out
}

fn link<'a>(catalog: &'a Catalog, child: &'a Relation, fk: &'a ForeignKey) -> Option<Link<'a>> {
    let ([column], [parent_column]) = (fk.columns.as_slice(), fk.references.columns.as_slice()) else {
        return None;
    };
    let parent = catalog.relation(&fk.references.schema, &fk.references.table)?;
    child.column(column)?;
    parent.column(parent_column)?;
    Some(Link {
        child,
        parent,
        column,
        parent_column,
    })
}

/// Every relation method of the catalog, or one message per name clash.
pub fn relation_methods<'a>(catalog: &'a Catalog, names: &Names) -> Result<RelationMethods<'a>, Vec<String>> {
    // A key that travels as text cannot be compared with a bound value as it stands; such
    // foreign keys get no helpers.
    let plain = |relation: &Relation, column: &str| {
        relation
            .column(column)
            .is_some_and(|c| column_rust_type(catalog, names, relation, c).write_as.is_none())
    };
    let links: Vec<Link<'_>> = links(catalog)
        .into_iter()
        .filter(|l| plain(l.child, l.column) && plain(l.parent, l.parent_column))
        .collect();
    let mut methods: RelationMethods = BTreeMap::new();
    let mut taken = Taken::default();
    let mut errors = Vec::new();
    let claim = |taken: &mut Taken, owner: &Relation, name: &str, errors: &mut Vec<String>| {
        let key = (owner.schema.clone(), owner.name.clone());
        if !taken.entry(key).or_default().insert(name.to_string())
            || names.access_methods(owner).contains(name)
        {
            errors.push(format!(
                "two relation helpers (or a helper and a data-access function) of `{}` are both named `{name}`; rename a foreign key column",
                display_name(owner)
            ));
        }
    };

    let mut per_pair: BTreeMap<(&str, &str, &str, &str), usize> = BTreeMap::new();
    for l in &links {
        *per_pair
            .entry((&l.child.schema, &l.child.name, &l.parent.schema, &l.parent.name))
            .or_default() += 1;
    }

    for l in &links {
        // belongs-to on the child
        let stem = l
            .column
            .strip_suffix("_id")
            .filter(|s| !s.is_empty())
            .unwrap_or(l.column);
        let name = field_name(stem);
        claim(&mut taken, l.child, &name, &mut errors);
        push(&mut methods, l.child, Method::BelongsTo(l.clone(), name));

        // has-many on the parent
        let several = per_pair[&(
            l.child.schema.as_str(),
            l.child.name.as_str(),
            l.parent.schema.as_str(),
            l.parent.name.as_str(),
        )] > 1;
        let base = field_name(&l.child.name);
        let name = if several {
            format!("{base}_as_{}", field_name(l.column))
        } else {
            base
        };
        claim(&mut taken, l.parent, &name, &mut errors);
        claim(&mut taken, l.parent, &format!("preload_{name}"), &mut errors);
        push(&mut methods, l.parent, Method::HasMany(l.clone(), name));
    }

    for join in catalog.tables.iter().filter(|r| is_pure_join(catalog, r)) {
        let pair: Vec<&Link<'_>> = links.iter().filter(|l| std::ptr::eq(l.child, join)).collect();
        for (from, to) in [(pair[0], pair[1]), (pair[1], pair[0])] {
            let mut name = field_name(&to.parent.name);
            let owner = from.parent;
            let key = (owner.schema.clone(), owner.name.clone());
            if taken.get(&key).is_some_and(|t| t.contains(&name)) {
                name = format!("{name}_via_{}", field_name(&join.name));
            }
            claim(&mut taken, owner, &name, &mut errors);
            claim(&mut taken, owner, &format!("preload_{name}"), &mut errors);
            push(
                &mut methods,
                owner,
                Method::ManyToMany {
                    join,
                    from: from.clone(),
                    to: to.clone(),
                    name,
                },
            );
        }
    }
    if errors.is_empty() {
        Ok(methods)
    } else {
        Err(errors)
    }
}

/// Method names already used, per owning relation.
type Taken = BTreeMap<(String, String), BTreeSet<String>>;

fn push<'a>(methods: &mut RelationMethods<'a>, owner: &Relation, method: Method<'a>) {
    methods
        .entry((owner.schema.clone(), owner.name.clone()))
        .or_default()
        .push(method);
}

/// A join table: exactly two single-column NOT NULL foreign keys to two different tables,
/// and a unique key over exactly those two columns.
fn is_pure_join(catalog: &Catalog, table: &Relation) -> bool {
    if !table.is_table() || table.foreign_keys.len() != 2 {
        return false;
    }
    let ends: Vec<Link<'_>> = table
        .foreign_keys
        .iter()
        .filter_map(|fk| link(catalog, table, fk))
        .collect();
    if ends.len() != 2 || std::ptr::eq(ends[0].parent, ends[1].parent) {
        return false;
    }
    if ends
        .iter()
        .any(|l| table.column(l.column).is_none_or(|c| c.nullable))
    {
        return false;
    }
    let pair: BTreeSet<&str> = ends.iter().map(|l| l.column).collect();
    let keys = table
        .unique
        .iter()
        .map(|u| &u.columns)
        .chain(
            table
                .indexes
                .iter()
                .filter(|i| i.unique && i.predicate.is_none())
                .map(|i| &i.columns),
        )
        .chain(std::iter::once(&table.primary_key));
    keys.into_iter()
        .any(|k| k.len() == 2 && k.iter().map(String::as_str).collect::<BTreeSet<_>>() == pair)
}

/// `self.<column>` as a bind argument: by value for `Copy` types, borrowed otherwise.
fn self_arg(catalog: &Catalog, names: &Names, relation: &Relation, column: &str) -> String {
    let field = rust_name(&names.field(relation, column));
    let copy = relation
        .column(column)
        .is_some_and(|c| column_rust_type(catalog, names, relation, c).copy);
    if copy {
        format!("self.{field}")
    } else {
        format!("&self.{field}")
    }
}

fn row_type(names: &Names, relation: &Relation) -> String {
    let relation_names = names.relation(relation);
    format!(
        "super::{}::{}",
        rust_name(&relation_names.module),
        relation_names.row
    )
}

/// The start of a helper: its rustdoc, and an `allow` where clippy would expect a conversion.
///
/// Clippy expects `from_*`/`into_*`/`as_*`/`to_*`/`is_*` methods to follow conversion
/// conventions; a relation named after a column such as `from_person_id` is not a conversion.
fn helper_doc(code: &mut Code, name: &str, what: &str, sql: &str) {
    code.doc_sql(what, sql);
    if ["from_", "into_", "as_", "to_", "is_"]
        .iter()
        .any(|p| name.starts_with(p))
    {
        code.line("#[allow(clippy::wrong_self_convention)]");
    }
}

fn belongs_to(code: &mut Code, catalog: &Catalog, names: &Names, l: &Link<'_>, name: &str) {
    let parent = row_type(names, l.parent);
    let sql = format!(
        "SELECT {} FROM {} WHERE {} = $1",
        select_list(catalog, names, l.parent, None),
        relation_ref(l.parent),
        quote_ident(l.parent_column)
    );
    let nullable = l.child.column(l.column).is_some_and(|c| c.nullable);
    helper_doc(
        code,
        name,
        &format!(
            "The `{}` row this row's `{}` points at",
            display_name(l.parent),
            l.column
        ),
        &sql,
    );
    let head = format!("pub async fn {}<'e, E>(", rust_name(name));
    let query = format!("::sqlx::query_as({})", string_literal(&sql));
    if nullable {
        code.executor_fn(
            &head,
            &["&self", "db: E"],
            &format!("Result<Option<{parent}>, Error>"),
        );
        code.open(&format!(
            "let Some(key) = &self.{} else {{",
            rust_name(&names.field(l.child, l.column))
        ));
        code.line("return Ok(None);");
        code.close("};");
        code.chain(
            &query,
            &[
                ".bind(key)",
                ".fetch_optional(db)",
                ".await",
                ".map_err(Error::from)",
            ],
            "",
        );
    } else {
        code.executor_fn(&head, &["&self", "db: E"], &format!("Result<{parent}, Error>"));
        code.chain(
            &query,
            &[
                &format!(".bind({})", self_arg(catalog, names, l.child, l.column)),
                ".fetch_optional(db)",
                ".await",
                ".map_err(Error::from)?",
                &format!(
                    ".ok_or(Error::NotFound {{ table: {} }})",
                    string_literal(&l.parent.name)
                ),
            ],
            "",
        );
    }
    code.close("}");
}

/// The Rust type of a key column, when it can key a `HashMap` (for preloading), and how to
/// take an owned key from a place of that type (a copy, or a clone for `String`).
fn hashable_key(
    catalog: &Catalog,
    names: &Names,
    relation: &Relation,
    column: &str,
) -> Option<(String, &'static str)> {
    let column = relation.column(column)?;
    let ty = crate::emit::print::one_line(column_type(catalog, names, relation, column).ok()?);
    match ty.as_str() {
        "::uuid::Uuid" | "i16" | "i32" | "i64" => Some((ty, "")),
        "::std::string::String" => Some((ty, ".clone()")),
        _ => None,
    }
}

/// The key type of a preload: the parent's key column must be NOT NULL (every parent has a
/// key) and of the same Rust type as the referencing column (a map keyed by one type is
/// looked up with the other).
fn preload_key(
    catalog: &Catalog,
    names: &Names,
    (parent, parent_column): (&Relation, &str),
    (child, child_column): (&Relation, &str),
) -> Option<(String, &'static str)> {
    if parent.column(parent_column)?.nullable {
        return None;
    }
    let (key_type, owned) = hashable_key(catalog, names, parent, parent_column)?;
    let (child_type, _) = hashable_key(catalog, names, child, child_column)?;
    (key_type == child_type).then_some((key_type, owned))
}

/// `self.<name>(db)`: the rows `sql` finds for this row's key.
fn rows_method(code: &mut Code, name: &str, what: &str, row: &str, sql: &str, key_arg: &str) {
    helper_doc(code, name, what, sql);
    code.executor_fn(
        &format!("pub async fn {}<'e, E>(", rust_name(name)),
        &["&self", "db: E"],
        &format!("Result<Vec<{row}>, Error>"),
    );
    code.chain(
        &format!("::sqlx::query_as({})", string_literal(sql)),
        &[
            &format!(".bind({key_arg})"),
            ".fetch_all(db)",
            ".await",
            ".map_err(Error::from)",
        ],
        "",
    );
    code.close("}");
}

/// The start of a preload: its rustdoc and signature, and the keys of `parents`.
fn preload_head(code: &mut Code, name: &str, what: &str, sql: &str, row: &str, keys: (&str, &str)) {
    code.doc_sql(what, sql);
    code.executor_fn(
        &format!("pub async fn preload_{name}<'e, E>("),
        &["db: E", "parents: &[Self]"],
        &format!("Result<Vec<Vec<{row}>>, Error>"),
    );
    let (key_type, key) = keys;
    code.chain(
        &format!("let keys: Vec<{key_type}> = parents.iter()"),
        &[&format!(".map(|p| {key})"), ".collect()"],
        ";",
    );
}

fn has_many(code: &mut Code, catalog: &Catalog, names: &Names, l: &Link<'_>, name: &str) {
    let child = row_type(names, l.child);
    let key_field = rust_name(&names.field(l.parent, l.parent_column));
    let fk_field = rust_name(&names.field(l.child, l.column));
    let columns = select_list(catalog, names, l.child, None);
    let from = relation_ref(l.child);
    let live = live_filter(l.child, None);
    let order = order_by(l.child, None);
    let fk = quote_ident(l.column);
    let sql = format!("SELECT {columns} FROM {from} WHERE {fk} = $1{live}{order}");
    let what = format!(
        "The `{}` rows whose `{}` points at this row",
        display_name(l.child),
        l.column
    );
    let key_arg = self_arg(catalog, names, l.parent, l.parent_column);
    rows_method(code, name, &what, &child, &sql, &key_arg);
    let Some((key_type, owned)) =
        preload_key(catalog, names, (l.parent, l.parent_column), (l.child, l.column))
    else {
        return;
    };
    let sql = format!("SELECT {columns} FROM {from} WHERE {fk} = ANY($1){live}{order}");
    let what = format!(
        "For each of `parents`, its `{}` rows (as [`Self::{name}`]), in one query; the result is in the order of `parents`",
        display_name(l.child)
    );
    let parent_key = format!("p.{key_field}{owned}");
    preload_head(code, name, &what, &sql, &child, (&key_type, &parent_key));
    code.chain(
        &format!(
            "let children: Vec<{child}> = ::sqlx::query_as({})",
            string_literal(&sql)
        ),
        &[".bind(&keys)", ".fetch_all(db)", ".await?"],
        ";",
    );
    let child_key = if l.child.column(l.column).is_some_and(|c| c.nullable) {
        format!("child.{fk_field}{owned}")
    } else {
        format!("Some(child.{fk_field}{owned})")
    };
    code.chain(
        "let keyed = children.into_iter()",
        &[&format!(".map(|child| ({child_key}, child))")],
        ";",
    );
    code.line(&format!(
        "Ok(super::runtime::group_by_parent(parents, keyed, |p| {parent_key}))"
    ));
    code.close("}");
}

fn many_to_many(
    code: &mut Code,
    catalog: &Catalog,
    names: &Names,
    join: &Relation,
    from: &Link<'_>,
    to: &Link<'_>,
    name: &str,
) {
    let target = row_type(names, to.parent);
    let key_field = rust_name(&names.field(from.parent, from.parent_column));
    let columns = select_list(catalog, names, to.parent, Some("t"));
    let sql_join = format!(
        "FROM {} t JOIN {} j ON j.{} = t.{}",
        relation_ref(to.parent),
        relation_ref(join),
        quote_ident(to.column),
        quote_ident(to.parent_column)
    );
    let live = format!(
        "{}{}",
        live_filter(to.parent, Some("t")),
        live_filter(join, Some("j"))
    );
    let order = order_by(to.parent, Some("t"));
    let near = quote_ident(from.column);
    let sql = format!("SELECT {columns} {sql_join} WHERE j.{near} = $1{live}{order}");
    let what = format!(
        "The `{}` rows linked to this row through `{}`",
        display_name(to.parent),
        display_name(join)
    );
    let key_arg = self_arg(catalog, names, from.parent, from.parent_column);
    rows_method(code, name, &what, &target, &sql, &key_arg);
    let Some((key_type, owned)) = preload_key(
        catalog,
        names,
        (from.parent, from.parent_column),
        (join, from.column),
    ) else {
        return;
    };
    let sql = format!(
        "SELECT j.{near} AS \"__parent_key\", {columns} {sql_join} WHERE j.{near} = ANY($1){live}{order}"
    );
    let what = format!(
        "For each of `parents`, its linked `{}` rows (as [`Self::{name}`]), in one query; the result is in the order of `parents`",
        display_name(to.parent)
    );
    let parent_key = format!("p.{key_field}{owned}");
    preload_head(code, name, &what, &sql, &target, (&key_type, &parent_key));
    code.chain(
        &format!("let rows = ::sqlx::query({})", string_literal(&sql)),
        &[".bind(&keys)", ".fetch_all(db)", ".await?"],
        ";",
    );
    code.line("let mut keyed = Vec::with_capacity(rows.len());");
    code.open("for row in &rows {");
    code.line(&format!(
        "let key: {key_type} = ::sqlx::Row::try_get(row, \"__parent_key\")?;"
    ));
    code.line(&format!(
        "let target = <{target} as ::sqlx::FromRow<'_, ::sqlx::postgres::PgRow>>::from_row(row)?;"
    ));
    code.line("keyed.push((Some(key), target));");
    code.close("}");
    code.line(&format!(
        "Ok(super::runtime::group_by_parent(parents, keyed, |p| {parent_key}))"
    ));
    code.close("}");
}
