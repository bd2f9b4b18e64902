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

/// A value sqlx could not encode, as the error the generated functions return.
pub fn encoding(error: ::sqlx::error::BoxDynError) -> Error {
    Error::Database(::sqlx::Error::Encode(error))
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

/// The values of one row in a `copy_many`, in the order of its columns. A row is read twice:
/// first to find which defaulted columns it sets, then to write its values in PostgreSQL's
/// binary `COPY` format.
pub struct CopyRow<'a> {
    /// `None` while finding which columns the row sets.
    buffer: Option<&'a mut ::sqlx::postgres::PgArgumentBuffer>,
    /// Writing: whether this COPY includes each column. Finding: filled with whether the row
    /// gives each column a value.
    included: &'a mut Vec<bool>,
    next: usize,
}

impl CopyRow<'_> {
    /// A column every row gives a value (NULL included).
    pub fn field<'q, T: ::sqlx::Encode<'q, ::sqlx::Postgres>>(
        &mut self,
        value: &T,
    ) -> Result<(), ::sqlx::error::BoxDynError> {
        self.column(true, value)
    }

    /// A column with a default: `None` leaves it to the database.
    pub fn defaulted<'q, T>(&mut self, value: &Option<T>) -> Result<(), ::sqlx::error::BoxDynError>
    where
        Option<T>: ::sqlx::Encode<'q, ::sqlx::Postgres>,
    {
        self.column(value.is_some(), value)
    }

    fn column<'q, T: ::sqlx::Encode<'q, ::sqlx::Postgres>>(
        &mut self,
        set: bool,
        value: &T,
    ) -> Result<(), ::sqlx::error::BoxDynError> {
        let at = self.next;
        self.next += 1;
        let Some(buffer) = self.buffer.as_deref_mut() else {
            self.included.push(set);
            return Ok(());
        };
        if !self.included.get(at).copied().unwrap_or(false) {
            return Ok(());
        }
        // Length, then the value's binary encoding; length -1 for NULL.
        let start = buffer.len();
        buffer.extend_from_slice(&0i32.to_be_bytes());
        let length = match value.encode_by_ref(buffer)? {
            ::sqlx::encode::IsNull::Yes => {
                buffer.truncate(start + 4);
                -1
            }
            ::sqlx::encode::IsNull::No => i32::try_from(buffer.len() - start - 4)
                .map_err(|_| "a value longer than 2 GiB cannot be copied")?,
        };
        buffer[start..start + 4].copy_from_slice(&length.to_be_bytes());
        Ok(())
    }
}

/// COPY data is sent in pieces of about this size.
const COPY_CHUNK: usize = 1 << 20;

/// The signature and flags that open binary COPY data, and the mark that ends it.
const COPY_HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";
const COPY_TRAILER: &[u8] = &(-1i16).to_be_bytes();

/// Loads `rows` into `table` with binary `COPY ... FROM STDIN` and returns how many were
/// stored. `columns` are the columns' names as SQL; `write` gives a row's values in their
/// order, through [`CopyRow::field`] and [`CopyRow::defaulted`].
///
/// A defaulted column is left out of the COPY for rows that leave it `None`, so the database
/// fills it in as an INSERT would: rows are grouped by which such columns they set, one COPY
/// per group in the order the groups first appear (one COPY when every row sets the same
/// ones). Run it in a transaction to make several groups all-or-nothing.
///
/// # Errors
/// What the database reports (a constraint, a bad value), as [`Error`]; a value that cannot be
/// encoded, as `Error::Database(sqlx::Error::Encode)`.
pub async fn copy_in<R>(
    conn: &mut ::sqlx::PgConnection,
    table: &str,
    columns: &[&str],
    rows: &[R],
    write: fn(&R, &mut CopyRow<'_>) -> Result<(), ::sqlx::error::BoxDynError>,
) -> Result<u64, Error> {
    let mut groups: Vec<(Vec<bool>, Vec<&R>)> = Vec::new();
    let mut sets = Vec::with_capacity(columns.len());
    for row in rows {
        sets.clear();
        write(row, &mut CopyRow { buffer: None, included: &mut sets, next: 0 }).map_err(encoding)?;
        match groups.iter_mut().find(|(key, _)| *key == sets) {
            Some((_, members)) => members.push(row),
            None => groups.push((sets.clone(), vec![row])),
        }
    }
    let mut stored = 0;
    for (mut included, members) in groups {
        let names: Vec<&str> = columns
            .iter()
            .zip(&included)
            .filter(|(_, included)| **included)
            .map(|(column, _)| *column)
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
            let mut out = CopyRow { buffer: Some(&mut buffer), included: &mut included, next: 0 };
            if let Err(error) = write(row, &mut out) {
                copy.abort("a value could not be encoded").await.ok();
                return Err(encoding(error));
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
