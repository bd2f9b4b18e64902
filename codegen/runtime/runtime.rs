//! What every table's data access shares, written once: the checks and loops the table
//! modules call instead of each repeating them, and binary `COPY` for `copy_many`.
//!
//! Hand-written (its source is `codegen/runtime/runtime.rs`) and copied into every generated
//! crate as it is; the tests in `stagely-models/tests/runtime.rs` run it against PostgreSQL.

use std::collections::HashMap;
use std::hash::Hash;

use super::error::Error;

/// `Ok` when a statement touched a row, `Error::NotFound` for `table` when it touched none.
pub fn affected(done: ::sqlx::postgres::PgQueryResult, table: &'static str) -> Result<(), Error> {
    if done.rows_affected() == 0 {
        return Err(Error::NotFound { table });
    }
    Ok(())
}

/// For each parent, its children (those whose key equals the parent's), in the order of
/// `parents`; children keep the order they came in. A child without a key belongs to no parent.
pub fn group_by_parent<P, C: Clone, K: Hash + Eq>(
    parents: &[P],
    children: impl IntoIterator<Item = (Option<K>, C)>,
    parent_key: impl Fn(&P) -> K,
) -> Vec<Vec<C>> {
    let mut by_key: HashMap<K, Vec<C>> = HashMap::new();
    for (key, child) in children {
        if let Some(key) = key {
            by_key.entry(key).or_default().push(child);
        }
    }
    parents
        .iter()
        .map(|parent| by_key.get(&parent_key(parent)).cloned().unwrap_or_default())
        .collect()
}

/// One column of a `copy_many`: its name as SQL (quoted where needed), and for a column the
/// database fills in when a row leaves it `None`, how to tell whether a row sets it.
pub struct CopyColumn<R> {
    /// The column's name as it appears in SQL.
    pub name: &'static str,
    /// `Some` for a column with a default: whether a row gives it a value.
    pub set: Option<fn(&R) -> bool>,
}

/// The values of one row being written in PostgreSQL's binary `COPY` format.
pub struct CopyRow<'a> {
    buffer: &'a mut ::sqlx::postgres::PgArgumentBuffer,
    included: &'a [bool],
    next: usize,
}

impl CopyRow<'_> {
    /// Writes the next column's value (skipped when this batch leaves the column to its
    /// default): its length, then its binary encoding, or length -1 for NULL.
    pub fn field<'q, T: ::sqlx::Encode<'q, ::sqlx::Postgres>>(
        &mut self,
        value: &T,
    ) -> Result<(), ::sqlx::error::BoxDynError> {
        let included = self.included.get(self.next).copied().unwrap_or(false);
        self.next += 1;
        if !included {
            return Ok(());
        }
        let start = self.buffer.len();
        self.buffer.extend_from_slice(&0i32.to_be_bytes());
        let length = match value.encode_by_ref(self.buffer)? {
            ::sqlx::encode::IsNull::Yes => {
                self.buffer.truncate(start + 4);
                -1
            }
            ::sqlx::encode::IsNull::No => i32::try_from(self.buffer.len() - start - 4)
                .map_err(|_| "a value longer than 2 GiB cannot be copied")?,
        };
        self.buffer[start..start + 4].copy_from_slice(&length.to_be_bytes());
        Ok(())
    }
}

/// COPY data is sent in pieces of about this size.
const COPY_CHUNK: usize = 1 << 20;

/// The signature and flags that open binary COPY data, and the mark that ends it.
const COPY_HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";
const COPY_TRAILER: &[u8] = &(-1i16).to_be_bytes();

/// Loads `rows` into `table` with binary `COPY ... FROM STDIN` and returns how many were
/// stored. `write` writes a row's values in the order of `columns`.
///
/// A column with a default is left out of the COPY for rows that do not set it, so the
/// database fills it in as an INSERT would: rows are grouped by which such columns they set,
/// one COPY per group in the order the groups first appear (one COPY when every row sets the
/// same ones). Run it in a transaction to make several groups all-or-nothing.
///
/// # Errors
/// What the database reports (a constraint, a bad value), as [`Error`]; a value that cannot be
/// encoded, as `Error::Database(sqlx::Error::Encode)`.
pub async fn copy_in<R>(
    conn: &mut ::sqlx::PgConnection,
    table: &str,
    columns: &[CopyColumn<R>],
    rows: &[R],
    write: fn(&R, &mut CopyRow<'_>) -> Result<(), ::sqlx::error::BoxDynError>,
) -> Result<u64, Error> {
    let mut groups: Vec<(Vec<bool>, Vec<&R>)> = Vec::new();
    for row in rows {
        let included: Vec<bool> = columns
            .iter()
            .map(|column| column.set.is_none_or(|set| set(row)))
            .collect();
        match groups.iter_mut().find(|(key, _)| *key == included) {
            Some((_, members)) => members.push(row),
            None => groups.push((included, vec![row])),
        }
    }
    let mut stored = 0;
    for (included, members) in groups {
        let names: Vec<&str> = columns
            .iter()
            .zip(&included)
            .filter(|(_, included)| **included)
            .map(|(column, _)| column.name)
            .collect();
        let statement = format!("COPY {table} ({}) FROM STDIN (FORMAT binary)", names.join(", "));
        let field_count = i16::try_from(names.len()).map_err(|_| {
            Error::Database(::sqlx::Error::Protocol("COPY takes at most 32767 columns".into()))
        })?;
        let mut copy = conn.copy_in_raw(&statement).await?;
        let mut buffer = ::sqlx::postgres::PgArgumentBuffer::default();
        buffer.extend_from_slice(COPY_HEADER);
        for row in members {
            buffer.extend_from_slice(&field_count.to_be_bytes());
            let mut out = CopyRow {
                buffer: &mut buffer,
                included: &included,
                next: 0,
            };
            if let Err(error) = write(row, &mut out) {
                copy.abort("a value could not be encoded").await.ok();
                return Err(Error::Database(::sqlx::Error::Encode(error)));
            }
            if buffer.len() >= COPY_CHUNK {
                copy.send(buffer.as_slice()).await?;
                buffer.clear();
            }
        }
        buffer.extend_from_slice(COPY_TRAILER);
        copy.send(buffer.as_slice()).await?;
        stored += copy.finish().await?;
    }
    Ok(stored)
}
