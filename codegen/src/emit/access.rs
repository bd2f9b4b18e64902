//! Data access for each table: insert, insert_many (and insert_many_count, copy_many), find,
//! find_by_<unique key>, list, count,
//! update, delete, and for soft-deleting tables (a nullable `deleted_at`) restore, hard_delete
//! and find_with_deleted.
//!
//! Every function is generic over `sqlx::PgExecutor` (pool, connection or transaction), makes
//! one round trip, and runs a statement fixed at generation time with bound parameters only.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::catalog::Relation;
use crate::emit::context::{Field, RelationContext, is_insertable, is_required, select_list_of, unique_keys};
use crate::emit::docs::{doc_literal, doc_sql};
use crate::emit::print::nested;
use crate::emit::sql::{
    DELETED_AT, insert_value, is_soft_deleting, live_filter, order_by, quote_ident, relation_ref,
};
use crate::emit::types::is_string;

/// How a function takes a key value: `&str` for text, a reference for heap types, else by value.
pub fn param_type(field: &Field<'_>) -> TokenStream {
    let base = &field.base;
    if is_string(base) {
        quote! { &str }
    } else if !field.is_copy() {
        quote! { &#base }
    } else {
        base.clone()
    }
}

/// `"a" = $1 AND "b" = $2::tsvector`, numbering from `first`, with the casts the fields' values
/// need.
pub fn key_where(fields: &[&Field<'_>], first: usize) -> String {
    fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut param = f.param(&format!("${}", first + i));
            // Text compares with `character(n)` as text, without the padding; compare as
            // `character` so a key reads back with or without it.
            if f.mapping.write_as.is_none() && f.is_string() && f.column.data_type.starts_with("character(") {
                param.push_str("::bpchar");
            }
            format!("{} = {param}", quote_ident(&f.column.name))
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The statements of one relation, collected as the functions are emitted and written out as
/// the constants of its `sql` module (so tests and reviewers can read and EXPLAIN them).
#[derive(Default)]
pub struct Statements(Vec<(String, String)>);

impl Statements {
    /// Records `sql` as the constant `sql::<NAME>` and returns the path to it.
    fn add(&mut self, name: &str, sql: &str) -> TokenStream {
        self.0.push((name.to_string(), sql.to_string()));
        let ident = format_ident!("{}", name);
        quote! { sql::#ident }
    }

    /// The `sql` module holding every recorded statement.
    fn module(&self, relation: &Relation) -> TokenStream {
        let doc = format!(
            " The SQL the functions of `{}` run, fixed at generation time.",
            relation.name
        );
        let consts = self.0.iter().map(|(name, sql)| {
            let ident = format_ident!("{}", name);
            let doc = doc_literal(&format!(" The statement of `{}`.", name.to_lowercase()));
            quote! {
                #[doc = #doc]
                pub const #ident: &str = #sql;
            }
        });
        quote! {
            #[doc = #doc]
            pub mod sql {
                #(#consts)*
            }
        }
    }
}

/// The generated data-access functions of a relation.
pub fn access_impl(ctx: &RelationContext<'_>, fields: &[Field<'_>]) -> TokenStream {
    let relation = ctx.relation;
    let row = format_ident!("{}", ctx.names.relation(relation).row);
    let from = relation_ref(relation);
    let columns = select_list_of(fields, None);
    let live = live_filter(relation, None);
    let order = order_by(relation, None);

    let only_live = live.replacen(" AND", " WHERE", 1);
    let list_sql = format!("SELECT {columns} FROM {from}{only_live}{order} LIMIT $1 OFFSET $2");
    let count_sql = format!("SELECT count(*) FROM {from}{only_live}");
    let list_doc = doc_sql(
        "Rows in primary-key order, `limit` at a time from `offset`",
        &list_sql,
    );
    let count_doc = doc_sql("Number of rows", &count_sql);
    let mut statements = Statements::default();
    let list_sql = statements.add("LIST", &list_sql);
    let count_sql = statements.add("COUNT", &count_sql);
    let reads = quote! {
        #list_doc
        pub async fn list<'e, E>(db: E, limit: i64, offset: i64) -> Result<Vec<Self>, Error>
        where
            E: ::sqlx::PgExecutor<'e>,
        {
            ::sqlx::query_as(#list_sql)
                .bind(limit)
                .bind(offset)
                .fetch_all(db)
                .await
                .map_err(Error::from)
        }

        #count_doc
        pub async fn count<'e, E>(db: E) -> Result<i64, Error>
        where
            E: ::sqlx::PgExecutor<'e>,
        {
            ::sqlx::query_scalar(#count_sql)
                .fetch_one(db)
                .await
                .map_err(Error::from)
        }
    };
    if !relation.is_table() {
        let refresh = if relation.kind == crate::catalog::RelationKind::MaterializedView {
            let sql = format!("REFRESH MATERIALIZED VIEW {from}");
            let doc = doc_sql("Recomputes the materialized view's rows from its query", &sql);
            let sql = statements.add("REFRESH", &sql);
            quote! {
                #doc
                pub async fn refresh<'e, E>(db: E) -> Result<(), Error>
                where
                    E: ::sqlx::PgExecutor<'e>,
                {
                    ::sqlx::query(#sql)
                        .execute(db)
                        .await
                        .map_err(Error::from)?;
                    Ok(())
                }
            }
        } else {
            quote! {}
        };
        let module = statements.module(relation);
        return quote! {
            impl #row {
                #reads
                #refresh
            }

            #module
        };
    }

    let writes = [
        insert_fn(ctx, fields, &mut statements),
        insert_many_fn(ctx, fields, &mut statements),
        key_functions(ctx, fields, &mut statements),
    ]
    .map(nested);
    let reads = nested(reads);
    let module = statements.module(relation);
    quote! {
        impl #row {
            #(#writes)*
            #reads
        }

        #module
    }
}

/// Whether the table gets `insert_many`: UNNEST flattens nested arrays and expands composite
/// values into their attributes, so array and composite columns cannot travel that way; such
/// tables (and tables with nothing to insert) insert row by row.
pub fn has_insert_many(fields: &[Field<'_>]) -> bool {
    let targets = insertable(fields);
    !targets.is_empty()
        && !targets.iter().any(|f| {
            f.column.data_type.ends_with("[]")
                || f.base
                    .to_string()
                    .replace(' ', "")
                    .starts_with("super::composites::")
        })
}

/// Whether the table gets `update`: a primary key and a column outside it that may be set.
pub fn has_update(relation: &Relation, fields: &[Field<'_>]) -> bool {
    !relation.primary_key.is_empty()
        && relation
            .primary_key
            .iter()
            .all(|k| fields.iter().any(|f| &f.column.name == k))
        && fields
            .iter()
            .any(|f| is_insertable(f.column) && !relation.primary_key.contains(&f.column.name))
}

fn insertable<'a>(fields: &'a [Field<'a>]) -> Vec<&'a Field<'a>> {
    fields.iter().filter(|f| is_insertable(f.column)).collect()
}

fn insert_fn(ctx: &RelationContext<'_>, fields: &[Field<'_>], statements: &mut Statements) -> TokenStream {
    let relation = ctx.relation;
    let insert = format_ident!("{}", ctx.names.relation(relation).insert);
    let targets = insertable(fields);
    let returning = select_list_of(fields, None);
    let sql = if targets.is_empty() {
        format!(
            "INSERT INTO {} DEFAULT VALUES RETURNING {returning}",
            relation_ref(relation)
        )
    } else {
        let names: Vec<String> = targets.iter().map(|f| quote_ident(&f.column.name)).collect();
        let values: Vec<String> = targets
            .iter()
            .enumerate()
            .map(|(i, f)| insert_value(f.column, &f.param(&format!("${}", i + 1)), !is_required(f.column)))
            .collect();
        format!(
            "INSERT INTO {} ({}) VALUES ({}) RETURNING {returning}",
            relation_ref(relation),
            names.join(", "),
            values.join(", ")
        )
    };
    let binds = targets.iter().map(|f| {
        let arg = f.bind_arg(quote! { new });
        quote! { .bind(#arg) }
    });
    let doc = doc_sql(
        "Inserts a row and returns it as stored (defaults and triggers applied); `None` fields get the database default",
        &sql,
    );
    let sql = statements.add("INSERT", &sql);
    // A table without insertable columns takes its insert struct only for symmetry.
    let new = if targets.is_empty() {
        format_ident!("_new")
    } else {
        format_ident!("new")
    };
    quote! {
        #doc
        pub async fn insert<'e, E>(db: E, #new: &#insert) -> Result<Self, Error>
        where
            E: ::sqlx::PgExecutor<'e>,
        {
            ::sqlx::query_as(#sql)
                #(#binds)*
                .fetch_one(db)
                .await
                .map_err(Error::from)
        }
    }
}

fn insert_many_fn(
    ctx: &RelationContext<'_>,
    fields: &[Field<'_>],
    statements: &mut Statements,
) -> TokenStream {
    let relation = ctx.relation;
    let insert = format_ident!("{}", ctx.names.relation(relation).insert);
    let targets = insertable(fields);
    if !has_insert_many(fields) {
        return quote! {};
    }
    let names: Vec<String> = targets.iter().map(|f| quote_ident(&f.column.name)).collect();
    let params: Vec<String> = (1..=targets.len()).map(|i| format!("${i}")).collect();
    let values: Vec<String> = targets
        .iter()
        .map(|f| {
            insert_value(
                f.column,
                &f.param(&format!("u.{}", quote_ident(&f.column.name))),
                !is_required(f.column),
            )
        })
        .collect();
    let insert_sql = format!(
        "INSERT INTO {} ({names}) SELECT {values} FROM UNNEST({params}) WITH ORDINALITY AS u({names}, __ordinality) ORDER BY u.__ordinality",
        relation_ref(relation),
        names = names.join(", "),
        values = values.join(", "),
        params = params.join(", "),
    );
    let sql = format!("{insert_sql} RETURNING {}", select_list_of(fields, None));
    let idents = targets.iter().map(|f| &f.ident);
    let doc = doc_sql(
        "Inserts many rows in one statement (each column sent as one array) and returns them in the order given",
        &sql,
    );
    let sql = statements.add("INSERT_MANY", &sql);
    let count_doc = doc_sql(
        "Inserts many rows as [`Self::insert_many`] does and returns how many were stored, sending no rows back",
        &insert_sql,
    );
    let count_sql = statements.add("INSERT_MANY_COUNT", &insert_sql);
    let mut out = quote! {
        #doc
        pub async fn insert_many<'e, E>(db: E, rows: &[#insert]) -> Result<Vec<Self>, Error>
        where
            E: ::sqlx::PgExecutor<'e>,
        {
            if rows.is_empty() {
                return Ok(Vec::new());
            }
            let arguments = Self::insert_many_arguments(rows).map_err(super::runtime::encoding)?;
            ::sqlx::query_as_with(#sql, arguments)
                .fetch_all(db)
                .await
                .map_err(Error::from)
        }

        #count_doc
        pub async fn insert_many_count<'e, E>(db: E, rows: &[#insert]) -> Result<u64, Error>
        where
            E: ::sqlx::PgExecutor<'e>,
        {
            if rows.is_empty() {
                return Ok(0);
            }
            let arguments = Self::insert_many_arguments(rows).map_err(super::runtime::encoding)?;
            let done = ::sqlx::query_with(#count_sql, arguments)
                .execute(db)
                .await?;
            Ok(done.rows_affected())
        }

        /// The parameters of `insert_many`: each column of `rows` as one array.
        fn insert_many_arguments(rows: &[#insert]) -> Result<::sqlx::postgres::PgArguments, ::sqlx::error::BoxDynError> {
            use ::sqlx::Arguments as _;
            let mut arguments = ::sqlx::postgres::PgArguments::default();
            #(
                arguments.add(rows.iter().map(|row| &row.#idents).collect::<Vec<_>>())?;
            )*
            Ok(arguments)
        }
    };
    if copy_applies(ctx, fields) {
        out.extend(copy_many_fn(ctx, &targets));
    }
    out
}

/// Whether the table gets `copy_many`: binary COPY takes each value in exactly the column's
/// binary format, so every inserted column must be sent as its own type. Left out: arrays
/// (an element type must match exactly) and composites (as for `insert_many`), values sent
/// with a cast (text fallbacks), `json` (sqlx writes jsonb's format), and configured type
/// overrides (their encoding is not known here).
pub fn copy_applies(ctx: &RelationContext<'_>, fields: &[Field<'_>]) -> bool {
    has_insert_many(fields)
        && insertable(fields).iter().all(|f| {
            f.mapping.write_as.is_none()
                && ctx.names.type_override(ctx.relation, f.column).is_none()
                && crate::emit::types::without_domains(ctx.catalog, &f.column.data_type) != "json"
        })
}

fn copy_many_fn(ctx: &RelationContext<'_>, targets: &[&Field<'_>]) -> TokenStream {
    let relation = ctx.relation;
    let insert = format_ident!("{}", ctx.names.relation(relation).insert);
    let table = relation_ref(relation);
    let names: Vec<String> = targets.iter().map(|f| quote_ident(&f.column.name)).collect();
    let sql = format!("COPY {table} ({}) FROM STDIN (FORMAT binary)", names.join(", "));
    let doc = doc_sql(
        "Loads many rows with binary `COPY` (the fastest way in) and returns how many were stored; `None` fields get the database default (rows are grouped by which defaulted columns they set, one COPY per group: run it in a transaction to make several groups all-or-nothing)",
        &sql,
    );
    let values = targets.iter().map(|f| {
        let ident = &f.ident;
        if f.column.default.is_some() {
            quote! { out.defaulted(&row.#ident)?; }
        } else {
            quote! { out.field(&row.#ident)?; }
        }
    });
    quote! {
        #doc
        pub async fn copy_many(conn: &mut ::sqlx::PgConnection, rows: &[#insert]) -> Result<u64, Error> {
            super::runtime::copy_in(conn, #table, &[#(#names),*], rows, |row, out| {
                #(#values)*
                Ok(())
            })
            .await
        }
    }
}

/// Functions that need a key: find, find_by_*, update, delete (and the soft-delete ones).
fn key_functions(
    ctx: &RelationContext<'_>,
    fields: &[Field<'_>],
    statements: &mut Statements,
) -> TokenStream {
    let relation = ctx.relation;
    let table = relation.name.as_str();
    let from = relation_ref(relation);
    let columns = select_list_of(fields, None);
    let live = live_filter(relation, None);
    let field_of = |name: &str| fields.iter().find(|f| f.column.name == name);

    let mut out = TokenStream::new();
    for key in unique_keys(relation) {
        let Some(key_fields) = key.iter().map(|c| field_of(c)).collect::<Option<Vec<_>>>() else {
            continue;
        };
        let is_pk = key == relation.primary_key;
        let name = format_ident!("{}", ctx.names.find_by(relation, &key));
        let sql = format!(
            "SELECT {columns} FROM {from} WHERE {}{live}",
            key_where(&key_fields, 1)
        );
        let args = key_fields.iter().map(|f| {
            let ident = &f.ident;
            let ty = param_type(f);
            quote! { #ident: #ty }
        });
        let binds = key_fields.iter().map(|f| {
            let ident = &f.ident;
            quote! { .bind(#ident) }
        });
        let what = if is_pk {
            "The row with this primary key".to_string()
        } else {
            format!("The row with this {}", key.join(" and "))
        };
        let what = if live.is_empty() {
            what
        } else {
            format!("{what}, unless soft-deleted")
        };
        let doc = doc_sql(&what, &sql);
        let sql = statements.add(&name.to_string().to_uppercase(), &sql);
        out.extend(quote! {
            #doc
            pub async fn #name<'e, E>(db: E, #(#args),*) -> Result<Option<Self>, Error>
            where
                E: ::sqlx::PgExecutor<'e>,
            {
                ::sqlx::query_as(#sql)
                    #(#binds)*
                    .fetch_optional(db)
                    .await
                    .map_err(Error::from)
            }
        });
    }

    let Some(pk) = relation
        .primary_key
        .iter()
        .map(|c| field_of(c))
        .collect::<Option<Vec<_>>>()
    else {
        return out;
    };
    if pk.is_empty() {
        return out;
    }
    let pk_names: Vec<&str> = pk.iter().map(|f| f.column.name.as_str()).collect();
    let pk_args: Vec<TokenStream> = pk
        .iter()
        .map(|f| {
            let ident = &f.ident;
            let ty = param_type(f);
            quote! { #ident: #ty }
        })
        .collect();
    let pk_binds: Vec<TokenStream> = pk
        .iter()
        .map(|f| {
            let ident = &f.ident;
            quote! { .bind(#ident) }
        })
        .collect();
    let not_found = quote! { Error::NotFound { table: #table } };

    // update: every column but the key, identity and generated ones, from `self`.
    let settable: Vec<&Field<'_>> = fields
        .iter()
        .filter(|f| is_insertable(f.column) && !pk_names.contains(&f.column.name.as_str()))
        .collect();
    if !settable.is_empty() {
        let sets: Vec<String> = settable
            .iter()
            .enumerate()
            .map(|(i, f)| {
                format!(
                    "{} = {}",
                    quote_ident(&f.column.name),
                    f.param(&format!("${}", pk.len() + i + 1))
                )
            })
            .collect();
        let sql = format!(
            "UPDATE {from} SET {} WHERE {} RETURNING {columns}",
            sets.join(", "),
            key_where(&pk, 1)
        );
        let self_pk_binds = pk.iter().map(|f| {
            let arg = f.bind_arg(quote! { self });
            quote! { .bind(#arg) }
        });
        let set_binds = settable.iter().map(|f| {
            let arg = f.bind_arg(quote! { self });
            quote! { .bind(#arg) }
        });
        let doc = doc_sql(
            "Writes every column of `self` to its row and returns the row as stored (so trigger-maintained columns such as `updated_at` are current); `Error::NotFound` when the row is gone",
            &sql,
        );
        let sql = statements.add("UPDATE", &sql);
        out.extend(quote! {
            #doc
            pub async fn update<'e, E>(&self, db: E) -> Result<Self, Error>
            where
                E: ::sqlx::PgExecutor<'e>,
            {
                ::sqlx::query_as(#sql)
                    #(#self_pk_binds)*
                    #(#set_binds)*
                    .fetch_optional(db)
                    .await
                    .map_err(Error::from)?
                    .ok_or(#not_found)
            }
        });
    }

    let key_where = key_where(&pk, 1);
    let mut execute = |name: TokenStream, doc: String, sql: String| {
        let doc = doc_sql(&doc, &sql);
        let sql = statements.add(&name.to_string().to_uppercase(), &sql);
        quote! {
            #doc
            pub async fn #name<'e, E>(db: E, #(#pk_args),*) -> Result<(), Error>
            where
                E: ::sqlx::PgExecutor<'e>,
            {
                let done = ::sqlx::query(#sql)
                    #(#pk_binds)*
                    .execute(db)
                    .await?;
                super::runtime::affected(done, #table)
            }
        }
    };
    let deleted_at = quote_ident(DELETED_AT);
    if is_soft_deleting(relation) {
        out.extend(execute(
            quote! { delete },
            "Soft-deletes the row: sets `deleted_at`, after which reads skip it; `Error::NotFound` when there is no live row".into(),
            format!("UPDATE {from} SET {deleted_at} = now() WHERE {key_where} AND {deleted_at} IS NULL"),
        ));
        out.extend(execute(
            quote! { restore },
            "Undoes a soft delete; `Error::NotFound` when there is no soft-deleted row".into(),
            format!("UPDATE {from} SET {deleted_at} = NULL WHERE {key_where} AND {deleted_at} IS NOT NULL"),
        ));
        out.extend(execute(
            quote! { hard_delete },
            "Deletes the row for good, soft-deleted or not; `Error::NotFound` when there is none".into(),
            format!("DELETE FROM {from} WHERE {key_where}"),
        ));
        let sql = format!("SELECT {columns} FROM {from} WHERE {key_where}");
        let doc = doc_sql("The row with this primary key, soft-deleted or not", &sql);
        let sql = statements.add("FIND_WITH_DELETED", &sql);
        out.extend(quote! {
            #doc
            pub async fn find_with_deleted<'e, E>(db: E, #(#pk_args),*) -> Result<Option<Self>, Error>
            where
                E: ::sqlx::PgExecutor<'e>,
            {
                ::sqlx::query_as(#sql)
                    #(#pk_binds)*
                    .fetch_optional(db)
                    .await
                    .map_err(Error::from)
            }
        });
    } else {
        out.extend(execute(
            quote! { delete },
            "Deletes the row; `Error::NotFound` when there is none".into(),
            format!("DELETE FROM {from} WHERE {key_where}"),
        ));
    }
    out
}
