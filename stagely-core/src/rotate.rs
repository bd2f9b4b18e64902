//! `stagely-core rotate-key`: re-encrypts every stored secret with the current key.
//!
//! The columns come from the generated models ([`stagely_models::ENCRYPTED_COLUMNS`]), so a
//! new `encrypted_*` column is rotated without anyone remembering to add it here. For each
//! column, in two passes:
//!
//! 1. **Check** (reads only): every value must open with `ENCRYPTION_KEY` or
//!    `ENCRYPTION_KEY_PREVIOUS`; the first that opens with neither stops the command before
//!    anything is changed, naming its table, column and row id (never the value).
//! 2. **Rotate**: rows in primary-key order, in batches; each batch is one transaction that
//!    locks its rows (`FOR UPDATE`, so a concurrent update is neither lost nor overwritten),
//!    re-encrypts the values still under the previous key, and writes them back.
//!
//! A value already under the current key is left alone, which makes the command resumable:
//! after a crash or a kill, run it again and it finishes what is left (committed batches stay
//! done, the interrupted one was rolled back whole). Rotated rows get a new `updated_at` from
//! the tables' triggers. Values must have been encrypted without associated data.

use std::fmt;

use sqlx::postgres::PgPool;
use sqlx::{AssertSqlSafe, Row};

use crate::crypto::{CryptoError, KeyRing, KeyUsed};
use crate::db::explain;

/// How many rows one transaction re-encrypts unless told otherwise.
pub const DEFAULT_BATCH_SIZE: u32 = 500;

/// One encrypted column, as `(schema, table, column)` ([`stagely_models::ENCRYPTED_COLUMNS`]).
pub type EncryptedColumn = (&'static str, &'static str, &'static str);

/// Why the rotation stopped.
#[derive(Debug, thiserror::Error)]
pub enum RotateError {
    /// A value opens with neither key; no value after it was touched.
    #[error(
        "{table}.{column} of the row with {key} = {id} cannot be decrypted with ENCRYPTION_KEY nor \
         ENCRYPTION_KEY_PREVIOUS ({reason}); set ENCRYPTION_KEY_PREVIOUS to the key that value was \
         encrypted with and run rotate-key again"
    )]
    Undecryptable {
        /// The table (schema-qualified outside `public`).
        table: String,
        /// The column.
        column: String,
        /// The primary-key column.
        key: String,
        /// The row's primary key, as text.
        id: String,
        /// Why it did not open (never the value itself).
        reason: CryptoError,
    },
    /// Rows cannot be visited in order without a one-column primary key.
    #[error("{table} has no one-column primary key, so rotate-key cannot visit its rows in batches")]
    NoPrimaryKey {
        /// The table.
        table: String,
    },
    /// `--batch-size 0`.
    #[error("the batch size must be at least 1")]
    ZeroBatchSize,
    /// The database failed.
    #[error("database error while rotating {table}.{column}: {}", explain(.source))]
    Database {
        /// The table being rotated.
        table: String,
        /// The column being rotated.
        column: String,
        /// What the database said.
        #[source]
        source: sqlx::Error,
    },
}

/// What happened to one column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnReport {
    /// The table (schema-qualified outside `public`).
    pub table: String,
    /// The column.
    pub column: String,
    /// Values re-encrypted with the current key by this run.
    pub rotated: u64,
    /// Values that were under the current key already (left alone).
    pub current: u64,
}

/// What `rotate-key` did, column by column; `Display` is what the command prints.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RotateReport {
    /// One entry per encrypted column, in the order rotated.
    pub columns: Vec<ColumnReport>,
}

impl fmt::Display for RotateReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rotated: u64 = self.columns.iter().map(|c| c.rotated).sum();
        write!(f, "Re-encrypted {rotated} values with the current key:")?;
        for c in &self.columns {
            write!(
                f,
                "\n  {}.{}: {} re-encrypted, {} already on the current key",
                c.table, c.column, c.rotated, c.current
            )?;
        }
        Ok(())
    }
}

/// Re-encrypts every value of `columns` that opens with the previous key of `keys` with its
/// current key, `batch_size` rows per transaction (see the module documentation).
///
/// # Errors
/// [`RotateError`]: a value neither key opens (found before anything changes, unless it was
/// written during the run), a table without a one-column primary key, a database failure.
pub async fn rotate(
    pool: &PgPool,
    keys: &KeyRing,
    columns: &[EncryptedColumn],
    batch_size: u32,
) -> Result<RotateReport, RotateError> {
    if batch_size == 0 {
        return Err(RotateError::ZeroBatchSize);
    }
    let mut targets = Vec::new();
    for &(schema, table, column) in columns {
        targets.push(Target::resolve(pool, schema, table, column).await?);
    }
    for target in &targets {
        target.check(pool, keys, batch_size).await?;
    }
    let mut report = RotateReport::default();
    for target in &targets {
        report.columns.push(target.rotate(pool, keys, batch_size).await?);
    }
    Ok(report)
}

/// One column and the statements that visit it.
struct Target {
    table: String,
    column: String,
    key: String,
    /// `SELECT key::text, column ... WHERE key > $1 ORDER BY key LIMIT $2` (+ `FOR UPDATE`).
    select: String,
    /// `UPDATE ... FROM UNNEST($1 keys, $2 values)`.
    update: String,
}

/// A quoted SQL identifier.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl Target {
    async fn resolve(pool: &PgPool, schema: &str, table: &str, column: &str) -> Result<Self, RotateError> {
        let shown = if schema == "public" {
            table.to_string()
        } else {
            format!("{schema}.{table}")
        };
        let relation = format!("{}.{}", quoted(schema), quoted(table));
        let database = |source| RotateError::Database {
            table: shown.clone(),
            column: column.to_string(),
            source,
        };
        let key: Vec<(String, String)> = sqlx::query_as(
            "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod) \
             FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) \
             WHERE i.indrelid = to_regclass($1) AND i.indisprimary",
        )
        .bind(&relation)
        .fetch_all(pool)
        .await
        .map_err(database)?;
        let [(key, key_type)] = key.as_slice() else {
            return Err(RotateError::NoPrimaryKey { table: shown });
        };
        let (k, c) = (quoted(key), quoted(column));
        Ok(Self {
            select: format!(
                "SELECT {k}::text AS key, {c} AS value FROM {relation} \
                 WHERE {c} IS NOT NULL AND ($1::text IS NULL OR {k} > $1::text::{key_type}) \
                 ORDER BY {k} LIMIT $2"
            ),
            update: format!(
                "UPDATE {relation} AS t SET {c} = u.value \
                 FROM UNNEST($1::text[], $2::text[]) AS u(key, value) WHERE t.{k} = u.key::{key_type}"
            ),
            table: shown,
            column: column.to_string(),
            key: key.clone(),
        })
    }

    fn database(&self, source: sqlx::Error) -> RotateError {
        RotateError::Database {
            table: self.table.clone(),
            column: self.column.clone(),
            source,
        }
    }

    fn undecryptable(&self, id: String, reason: CryptoError) -> RotateError {
        RotateError::Undecryptable {
            table: self.table.clone(),
            column: self.column.clone(),
            key: self.key.clone(),
            id,
            reason,
        }
    }

    /// Pass 1: every value opens with one of the keys.
    async fn check(&self, pool: &PgPool, keys: &KeyRing, batch_size: u32) -> Result<(), RotateError> {
        let mut after: Option<String> = None;
        loop {
            let rows = sqlx::query(AssertSqlSafe(self.select.as_str()))
                .bind(&after)
                .bind(i64::from(batch_size))
                .fetch_all(pool)
                .await
                .map_err(|e| self.database(e))?;
            for row in &rows {
                let (id, value): (String, String) = (row.get(0), row.get(1));
                if let Err(reason) = keys.open(&value) {
                    return Err(self.undecryptable(id, reason));
                }
            }
            match rows.last() {
                Some(last) if rows.len() == batch_size as usize => after = Some(last.get(0)),
                _ => return Ok(()),
            }
        }
    }

    /// Pass 2: batch after batch, one transaction each.
    async fn rotate(
        &self,
        pool: &PgPool,
        keys: &KeyRing,
        batch_size: u32,
    ) -> Result<ColumnReport, RotateError> {
        let locking = format!("{} FOR UPDATE", self.select);
        let mut report = ColumnReport {
            table: self.table.clone(),
            column: self.column.clone(),
            rotated: 0,
            current: 0,
        };
        let mut after: Option<String> = None;
        loop {
            let mut tx = pool.begin().await.map_err(|e| self.database(e))?;
            let rows = sqlx::query(AssertSqlSafe(locking.as_str()))
                .bind(&after)
                .bind(i64::from(batch_size))
                .fetch_all(&mut *tx)
                .await
                .map_err(|e| self.database(e))?;
            let (mut ids, mut values) = (Vec::new(), Vec::new());
            for row in &rows {
                let (id, value): (String, String) = (row.get(0), row.get(1));
                match keys.open(&value) {
                    Ok((_, KeyUsed::Current)) => report.current += 1,
                    Ok((plaintext, KeyUsed::Previous)) => {
                        let fresh = crate::crypto::encrypt_bytes(&plaintext, keys.current())
                            .map_err(|reason| self.undecryptable(id.clone(), reason))?;
                        ids.push(id);
                        values.push(fresh);
                    }
                    // Dropping `tx` rolls the batch back: nothing of it is written.
                    Err(reason) => return Err(self.undecryptable(id, reason)),
                }
            }
            if !ids.is_empty() {
                sqlx::query(AssertSqlSafe(self.update.as_str()))
                    .bind(&ids)
                    .bind(&values)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| self.database(e))?;
            }
            tx.commit().await.map_err(|e| self.database(e))?;
            report.rotated += ids.len() as u64;
            tracing::info!(
                table = %self.table, column = %self.column, rotated = report.rotated,
                current = report.current, "rotate-key: batch committed"
            );
            match rows.last() {
                Some(last) if rows.len() == batch_size as usize => after = Some(last.get(0)),
                _ => return Ok(report),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_identifiers() {
        assert_eq!(quoted("secrets"), "\"secrets\"");
        assert_eq!(quoted("we\"ird"), "\"we\"\"ird\"");
    }

    #[test]
    fn reports_counts_per_column() {
        let report = RotateReport {
            columns: vec![ColumnReport {
                table: "secrets".into(),
                column: "encrypted_value".into(),
                rotated: 3,
                current: 2,
            }],
        };
        assert_eq!(
            report.to_string(),
            "Re-encrypted 3 values with the current key:\n  \
             secrets.encrypted_value: 3 re-encrypted, 2 already on the current key"
        );
    }
}
