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

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::catalog::{Catalog, ForeignKey, Relation};
use crate::emit::docs::doc_sql;
use crate::emit::ident::{field_name, ident};
use crate::emit::names::{Names, display_name};
use crate::emit::sql::{live_filter, order_by, quote_ident, relation_ref, select_list};
use crate::emit::types::{column_rust_type, column_type};

/// Relation methods, grouped by the relation (schema, name) whose struct gets them.
pub type RelationMethods<'a> = BTreeMap<(String, String), Vec<Method<'a>>>;

/// One relation helper (with its preload), named and checked for clashes; its code is built by
/// [`Method::tokens`], so the relations' modules can be built apart (and in parallel).
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
    /// The method's code.
    pub fn tokens(&self, catalog: &Catalog, names: &Names) -> TokenStream {
        match self {
            Method::BelongsTo(link, name) => belongs_to(catalog, names, link, name),
            Method::HasMany(link, name) => has_many(catalog, names, link, name),
            Method::ManyToMany { join, from, to, name } => many_to_many(catalog, names, join, from, to, name),
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
fn self_arg(catalog: &Catalog, names: &Names, relation: &Relation, column: &str) -> TokenStream {
    let field = ident(&names.field(relation, column));
    let copy = relation
        .column(column)
        .is_some_and(|c| column_rust_type(catalog, names, relation, c).copy);
    if copy {
        quote! { self.#field }
    } else {
        quote! { &self.#field }
    }
}

fn row_type(names: &Names, relation: &Relation) -> TokenStream {
    let relation_names = names.relation(relation);
    let module = crate::emit::ident::ident(&relation_names.module);
    let row = format_ident!("{}", relation_names.row);
    quote! { super::#module::#row }
}

/// Clippy expects `from_*`/`into_*`/`as_*`/`to_*`/`is_*` methods to follow conversion
/// conventions; a relation named after a column such as `from_person_id` is not a conversion.
fn convention_allow(name: &str) -> TokenStream {
    if ["from_", "into_", "as_", "to_", "is_"]
        .iter()
        .any(|p| name.starts_with(p))
    {
        quote! { #[allow(clippy::wrong_self_convention)] }
    } else {
        quote! {}
    }
}

fn belongs_to(catalog: &Catalog, names: &Names, l: &Link<'_>, name: &str) -> TokenStream {
    let fk_arg = self_arg(catalog, names, l.child, l.column);
    let parent = row_type(names, l.parent);
    let method = ident(name);
    let allow = convention_allow(name);
    let fk_field = ident(&names.field(l.child, l.column));
    let sql = format!(
        "SELECT {} FROM {} WHERE {} = $1",
        select_list(catalog, names, l.parent, None),
        relation_ref(l.parent),
        quote_ident(l.parent_column)
    );
    let parent_table = l.parent.name.as_str();
    let nullable = l.child.column(l.column).is_some_and(|c| c.nullable);
    let doc = doc_sql(
        &format!(
            "The `{}` row this row's `{}` points at",
            display_name(l.parent),
            l.column
        ),
        &sql,
    );
    if nullable {
        quote! {
            #doc
            #allow
            pub async fn #method<'e, E>(&self, db: E) -> Result<Option<#parent>, Error>
            where
                E: ::sqlx::PgExecutor<'e>,
            {
                let Some(key) = &self.#fk_field else {
                    return Ok(None);
                };
                ::sqlx::query_as(#sql)
                    .bind(key)
                    .fetch_optional(db)
                    .await
                    .map_err(Error::from)
            }
        }
    } else {
        quote! {
            #doc
            #allow
            pub async fn #method<'e, E>(&self, db: E) -> Result<#parent, Error>
            where
                E: ::sqlx::PgExecutor<'e>,
            {
                ::sqlx::query_as(#sql)
                    .bind(#fk_arg)
                    .fetch_optional(db)
                    .await
                    .map_err(Error::from)?
                    .ok_or(Error::NotFound { table: #parent_table })
            }
        }
    }
}

/// The Rust type of a key column, when it can key a `HashMap` (for preloading), and how to
/// take an owned key from a place of that type (a copy, or a clone for `String`).
fn hashable_key(
    catalog: &Catalog,
    names: &Names,
    relation: &Relation,
    column: &str,
) -> Option<(TokenStream, TokenStream)> {
    let column = relation.column(column)?;
    let ty = column_type(catalog, names, relation, column).ok()?;
    match ty.to_string().replace(' ', "").as_str() {
        "::uuid::Uuid" | "i16" | "i32" | "i64" => Some((ty, quote! {})),
        "::std::string::String" => Some((ty, quote! { .clone() })),
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
) -> Option<(TokenStream, TokenStream)> {
    if parent.column(parent_column)?.nullable {
        return None;
    }
    let (key_type, owned) = hashable_key(catalog, names, parent, parent_column)?;
    let (child_type, _) = hashable_key(catalog, names, child, child_column)?;
    (key_type.to_string() == child_type.to_string()).then_some((key_type, owned))
}

/// `self.<name>(db)`: the rows `sql` finds for this row's key.
fn rows_method(
    name: &str,
    doc: &TokenStream,
    row: &TokenStream,
    sql: &str,
    key_arg: &TokenStream,
) -> TokenStream {
    let method = ident(name);
    let allow = convention_allow(name);
    quote! {
        #doc
        #allow
        pub async fn #method<'e, E>(&self, db: E) -> Result<Vec<#row>, Error>
        where
            E: ::sqlx::PgExecutor<'e>,
        {
            ::sqlx::query_as(#sql)
                .bind(#key_arg)
                .fetch_all(db)
                .await
                .map_err(Error::from)
        }
    }
}

fn has_many(catalog: &Catalog, names: &Names, l: &Link<'_>, name: &str) -> TokenStream {
    let child = row_type(names, l.child);
    let key_arg = self_arg(catalog, names, l.parent, l.parent_column);
    let key_field = ident(&names.field(l.parent, l.parent_column));
    let fk_field = ident(&names.field(l.child, l.column));
    let columns = select_list(catalog, names, l.child, None);
    let from = relation_ref(l.child);
    let live = live_filter(l.child, None);
    let order = order_by(l.child, None);
    let fk = quote_ident(l.column);
    let sql = format!("SELECT {columns} FROM {from} WHERE {fk} = $1{live}{order}");
    let doc = doc_sql(
        &format!(
            "The `{}` rows whose `{}` points at this row",
            display_name(l.child),
            l.column
        ),
        &sql,
    );
    let mut tokens = rows_method(name, &doc, &child, &sql, &key_arg);
    let Some((key_type, owned)) =
        preload_key(catalog, names, (l.parent, l.parent_column), (l.child, l.column))
    else {
        return tokens;
    };
    let preload = format_ident!("preload_{}", name);
    let sql = format!("SELECT {columns} FROM {from} WHERE {fk} = ANY($1){live}{order}");
    let doc = doc_sql(
        &format!(
            "For each of `parents`, its `{}` rows (as [`Self::{name}`]), in one query; the result is in the order of `parents`",
            display_name(l.child)
        ),
        &sql,
    );
    let child_key = if l.child.column(l.column).is_some_and(|c| c.nullable) {
        quote! { child.#fk_field #owned }
    } else {
        quote! { Some(child.#fk_field #owned) }
    };
    tokens.extend(quote! {
        #doc
        pub async fn #preload<'e, E>(db: E, parents: &[Self]) -> Result<Vec<Vec<#child>>, Error>
        where
            E: ::sqlx::PgExecutor<'e>,
        {
            let keys: Vec<#key_type> = parents.iter().map(|p| p.#key_field #owned).collect();
            let children: Vec<#child> = ::sqlx::query_as(#sql)
                .bind(&keys)
                .fetch_all(db)
                .await?;
            let keyed = children.into_iter().map(|child| (#child_key, child));
            Ok(super::runtime::group_by_parent(parents, keyed, |p| p.#key_field #owned))
        }
    });
    tokens
}

fn many_to_many(
    catalog: &Catalog,
    names: &Names,
    join: &Relation,
    from: &Link<'_>,
    to: &Link<'_>,
    name: &str,
) -> TokenStream {
    let target = row_type(names, to.parent);
    let key_arg = self_arg(catalog, names, from.parent, from.parent_column);
    let key_field = ident(&names.field(from.parent, from.parent_column));
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
    let doc = doc_sql(
        &format!(
            "The `{}` rows linked to this row through `{}`",
            display_name(to.parent),
            display_name(join)
        ),
        &sql,
    );
    let mut tokens = rows_method(name, &doc, &target, &sql, &key_arg);
    let Some((key_type, owned)) = preload_key(
        catalog,
        names,
        (from.parent, from.parent_column),
        (join, from.column),
    ) else {
        return tokens;
    };
    let preload = format_ident!("preload_{}", name);
    let sql = format!(
        "SELECT j.{near} AS \"__parent_key\", {columns} {sql_join} WHERE j.{near} = ANY($1){live}{order}"
    );
    let doc = doc_sql(
        &format!(
            "For each of `parents`, its linked `{}` rows (as [`Self::{name}`]), in one query; the result is in the order of `parents`",
            display_name(to.parent)
        ),
        &sql,
    );
    tokens.extend(quote! {
        #doc
        pub async fn #preload<'e, E>(db: E, parents: &[Self]) -> Result<Vec<Vec<#target>>, Error>
        where
            E: ::sqlx::PgExecutor<'e>,
        {
            use ::sqlx::Row as _;
            let keys: Vec<#key_type> = parents.iter().map(|p| p.#key_field #owned).collect();
            let rows = ::sqlx::query(#sql)
                .bind(&keys)
                .fetch_all(db)
                .await?;
            let mut keyed = Vec::with_capacity(rows.len());
            for row in &rows {
                let key: #key_type = row.try_get("__parent_key")?;
                keyed.push((Some(key), <#target as ::sqlx::FromRow<'_, ::sqlx::postgres::PgRow>>::from_row(row)?));
            }
            Ok(super::runtime::group_by_parent(parents, keyed, |p| p.#key_field #owned))
        }
    });
    tokens
}
