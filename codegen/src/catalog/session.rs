//! The session a migration file runs in: the search path that decides where unqualified names
//! are created and found, and the open transaction (with its savepoints) that a `ROLLBACK`
//! undoes.

use crate::catalog::fold::{DEFAULT_SCHEMA, Fold};
use crate::sql::ddl::Transaction;

/// PostgreSQL's default `search_path`.
const DEFAULT_SEARCH_PATH: &[&str] = &["$user", DEFAULT_SCHEMA];

/// Session state of the file being folded.
#[derive(Debug, Clone, Default)]
pub(crate) struct Session {
    /// `SET search_path`; `None` for the default.
    search_path: Option<Vec<String>>,
    /// `SET LOCAL search_path`, until the transaction ends (`Some(None)`: the default).
    local: Option<Option<Vec<String>>>,
    /// The open transaction and its savepoints, innermost last.
    pub(crate) frames: Vec<Frame>,
}

/// A point a rollback returns to: the start of the transaction or a savepoint.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    /// The savepoint's name; `None` for the transaction itself.
    savepoint: Option<String>,
    /// The fold as it was.
    before: Box<Fold>,
}

impl Session {
    /// Back to the defaults of a new session.
    pub(crate) fn reset(&mut self) {
        self.search_path = None;
        self.local = None;
    }

    /// The schemas unqualified names are created in and looked up in, in order. `$user` is
    /// left out: the generator does not know which role applies the migrations.
    pub(crate) fn search_path(&self) -> Vec<String> {
        let path = match &self.local {
            Some(local) => local.as_ref(),
            None => self.search_path.as_ref(),
        };
        match path {
            Some(schemas) => schemas.iter().filter(|s| *s != "$user").cloned().collect(),
            None => DEFAULT_SEARCH_PATH
                .iter()
                .filter(|s| **s != "$user")
                .map(|s| s.to_string())
                .collect(),
        }
    }

    /// `SET [LOCAL] search_path`; a `SET LOCAL` outside a transaction has no effect.
    pub(crate) fn set_search_path(&mut self, schemas: Option<Vec<String>>, local: bool) {
        if local {
            if self.in_transaction() {
                self.local = Some(schemas);
            }
        } else {
            self.search_path = schemas;
            self.local = None;
        }
    }

    /// The search path settings, to put back with [`Self::restore_settings`].
    pub(crate) fn clone_settings(&self) -> (Option<Vec<String>>, Option<Option<Vec<String>>>) {
        (self.search_path.clone(), self.local.clone())
    }

    /// Puts back settings taken with [`Self::clone_settings`].
    pub(crate) fn restore_settings(
        &mut self,
        (search_path, local): (Option<Vec<String>>, Option<Option<Vec<String>>>),
    ) {
        self.search_path = search_path;
        self.local = local;
    }

    pub(crate) fn in_transaction(&self) -> bool {
        !self.frames.is_empty()
    }
}

impl Fold {
    /// `BEGIN`, `COMMIT`, `ROLLBACK` and savepoints.
    pub(crate) fn transaction(&mut self, t: &Transaction) {
        match t {
            Transaction::Begin => {
                if self.session.in_transaction() {
                    // PostgreSQL warns and goes on in the same transaction.
                    return;
                }
                let before = self.snapshot();
                self.session.frames.push(Frame {
                    savepoint: None,
                    before,
                });
            }
            Transaction::Commit => {
                self.session.frames.clear();
                self.session.local = None;
            }
            Transaction::Rollback => self.rollback(),
            Transaction::Savepoint(name) => {
                if !self.session.in_transaction() {
                    // The migration tool may run the file in a transaction of its own (sqlx,
                    // Flyway and dbmate do): not a proof that PostgreSQL rejects it.
                    self.warn("SAVEPOINT outside a transaction block: PostgreSQL takes it only when the migration tool runs the file in a transaction; the fold ignores it");
                    return;
                }
                let before = self.snapshot();
                self.session.frames.push(Frame {
                    savepoint: Some(name.clone()),
                    before,
                });
            }
            Transaction::RollbackTo(name) => {
                let Some(i) = self.savepoint(name) else {
                    self.warn(format!(
                        "savepoint \"{name}\" is not open here; the fold ignores ROLLBACK TO it"
                    ));
                    return;
                };
                // The savepoint stays; those after it go.
                let before = (*self.session.frames[i].before).clone();
                self.session.frames.truncate(i + 1);
                self.restore(before);
            }
            Transaction::Release(name) => {
                let Some(i) = self.savepoint(name) else {
                    self.warn(format!(
                        "savepoint \"{name}\" is not open here; the fold ignores RELEASE of it"
                    ));
                    return;
                };
                self.session.frames.truncate(i);
            }
        }
    }

    /// Undoes the open transaction, if there is one.
    pub(crate) fn rollback(&mut self) {
        if let Some(first) = self.session.frames.first().cloned() {
            self.session.frames.clear();
            self.restore(*first.before);
            self.session.local = None;
        }
    }

    fn savepoint(&self, name: &str) -> Option<usize> {
        self.session
            .frames
            .iter()
            .rposition(|f| f.savepoint.as_deref() == Some(name))
    }
}
