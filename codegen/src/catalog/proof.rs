//! Errors that are proofs, and the doubt that keeps them honest.
//!
//! The fold calls a statement an error only when it can show that PostgreSQL would reject it
//! ([`Proof`]): every error site says what its proof rests on, and [`Fold::reject`] checks that
//! the fold really knows that much. A proof rests on one of three things:
//!
//! - [`Proof::Rule`]: PostgreSQL's grammar or a rule of the statement itself (a column named
//!   twice in one `CREATE TABLE`): nothing the fold could have missed.
//! - [`Proof::Absent`]: that no object of a name exists. It holds only when no statement the
//!   fold could not read could have made one.
//! - [`Proof::Known`]: that objects are as the fold has them (they exist, with these columns,
//!   keys, kind). It holds only when every statement about them since they were made was read.
//!
//! What the fold cannot read or apply raises a [`Doubt`] instead: a warning at the statement,
//! naming the objects it may have changed ([`Reach`], found by a tolerant scan of its words).
//! Those objects are uncertain from then on. A rejection whose proof touches an uncertain
//! object is not an error: the statement is not applied, whatever it names joins the same
//! doubt, and the doubt's one warning counts it. So one unreadable view is one warning, however
//! many statements build on it. An object made again from scratch by a statement the fold reads
//! (or dropped by one) is certain again.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::catalog::fold::Fold;
use crate::catalog::model::Uncertain;
use crate::diagnostic::{Diagnostic, Location};
use crate::sql::QualifiedName;
use crate::sql::ddl::Reach;

/// The error PostgreSQL raises, by its condition name in the manual's Appendix A.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Condition {
    /// 42P07: a relation of that name exists.
    DuplicateTable,
    /// 42701: a column of that name exists.
    DuplicateColumn,
    /// 42710: another object (type, constraint, label) of that name exists.
    DuplicateObject,
    /// 42P06: the schema exists.
    DuplicateSchema,
    /// 42P01: no relation of that name.
    UndefinedTable,
    /// 42703: no column of that name.
    UndefinedColumn,
    /// 42704: no type, constraint, index or other object of that name.
    UndefinedObject,
    /// 3F000: no schema of that name.
    InvalidSchemaName,
    /// 2BP01: something depends on what is dropped.
    DependentObjectsStillExist,
    /// 42809: the object is of another kind than the statement needs.
    WrongObjectType,
    /// 42P16: the table definition is invalid (a second primary key, a bad partition).
    InvalidTableDefinition,
    /// 42804: types disagree.
    DatatypeMismatch,
    /// 42830: a foreign key does not match its key.
    InvalidForeignKey,
    /// 42P10: a column reference that cannot be used here.
    InvalidColumnReference,
    /// 42601: PostgreSQL's grammar has no such statement.
    SyntaxError,
    /// 25P01: a transaction command outside a transaction.
    NoActiveSqlTransaction,
    /// 3B001: no savepoint of that name.
    InvalidSavepointSpecification,
    /// 0A000: PostgreSQL does not support this.
    FeatureNotSupported,
    /// 55000: the object is not in a state that allows this.
    ObjectNotInPrerequisiteState,
    /// 22023: a value the statement names is not there (an enum label).
    InvalidParameterValue,
}

/// Condition names a `DO` block's `EXCEPTION WHEN` may name, with their SQLSTATEs.
const CONDITIONS: &[(Condition, &str, &str)] = &[
    (Condition::DuplicateTable, "duplicate_table", "42P07"),
    (Condition::DuplicateColumn, "duplicate_column", "42701"),
    (Condition::DuplicateObject, "duplicate_object", "42710"),
    (Condition::DuplicateSchema, "duplicate_schema", "42P06"),
    (Condition::UndefinedTable, "undefined_table", "42P01"),
    (Condition::UndefinedColumn, "undefined_column", "42703"),
    (Condition::UndefinedObject, "undefined_object", "42704"),
    (Condition::InvalidSchemaName, "invalid_schema_name", "3F000"),
    (
        Condition::DependentObjectsStillExist,
        "dependent_objects_still_exist",
        "2BP01",
    ),
    (Condition::WrongObjectType, "wrong_object_type", "42809"),
    (
        Condition::InvalidTableDefinition,
        "invalid_table_definition",
        "42P16",
    ),
    (Condition::DatatypeMismatch, "datatype_mismatch", "42804"),
    (Condition::InvalidForeignKey, "invalid_foreign_key", "42830"),
    (
        Condition::InvalidColumnReference,
        "invalid_column_reference",
        "42P10",
    ),
    (Condition::SyntaxError, "syntax_error", "42601"),
    (
        Condition::NoActiveSqlTransaction,
        "no_active_sql_transaction",
        "25P01",
    ),
    (
        Condition::InvalidSavepointSpecification,
        "invalid_savepoint_specification",
        "3B001",
    ),
    (Condition::FeatureNotSupported, "feature_not_supported", "0A000"),
    (
        Condition::ObjectNotInPrerequisiteState,
        "object_not_in_prerequisite_state",
        "55000",
    ),
    (
        Condition::InvalidParameterValue,
        "invalid_parameter_value",
        "22023",
    ),
];

impl Condition {
    fn entry(self) -> &'static (Condition, &'static str, &'static str) {
        CONDITIONS
            .iter()
            .find(|(c, _, _)| *c == self)
            .expect("every condition is listed")
    }

    /// The SQLSTATE (`42P07`).
    pub(crate) fn sqlstate(self) -> &'static str {
        self.entry().2
    }

    /// Whether an `EXCEPTION WHEN` naming `condition` (a name, a SQLSTATE, a class such as
    /// `syntax_error_or_access_rule_violation`, or `others`) catches an error with `sqlstate`.
    pub(crate) fn caught_by(sqlstate: &str, condition: &str) -> bool {
        condition == "others"
            || condition.eq_ignore_ascii_case(sqlstate)
            || CONDITIONS
                .iter()
                .any(|(_, name, code)| *name == condition && *code == sqlstate)
            || (condition == "syntax_error_or_access_rule_violation" && sqlstate.starts_with("42"))
            || (condition == "dependent_objects_still_exist" && sqlstate.starts_with("2B"))
    }
}

/// A relation, type or schema the fold has (or misses), by schema and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Subject {
    /// Its schema.
    pub schema: String,
    /// Its name.
    pub name: String,
}

/// What an error rests on (see the module documentation).
#[derive(Debug, Clone)]
pub(crate) enum Proof {
    /// PostgreSQL's grammar or a rule of the statement alone.
    Rule(Condition),
    /// That nothing called this exists (on the search path when unqualified).
    Absent(Condition, QualifiedName),
    /// That these objects are exactly as the fold has them.
    Known(Condition, Vec<Subject>),
    /// That the relations a query reads are as the fold has them, or absent where the fold
    /// has none of that name.
    Reads(Condition, Vec<QualifiedName>),
}

impl Proof {
    /// A proof resting on the statement alone.
    pub(crate) fn rule(condition: Condition) -> Self {
        Proof::Rule(condition)
    }

    /// A proof resting on no object called `name` existing.
    pub(crate) fn absent(condition: Condition, name: &QualifiedName) -> Self {
        Proof::Absent(condition, name.clone())
    }

    /// A proof resting on no schema called `schema` existing.
    pub(crate) fn no_schema(schema: &str) -> Self {
        Proof::Absent(
            Condition::InvalidSchemaName,
            QualifiedName {
                schema: Some(schema.to_string()),
                name: schema.to_string(),
            },
        )
    }

    /// A proof resting on the schema `schema` existing as the fold has it.
    pub(crate) fn schema_exists(condition: Condition, schema: &str) -> Self {
        Proof::known(condition, schema, schema)
    }

    /// A proof resting on one object being as the fold has it.
    pub(crate) fn known(condition: Condition, schema: &str, name: &str) -> Self {
        Proof::Known(
            condition,
            vec![Subject {
                schema: schema.to_string(),
                name: name.to_string(),
            }],
        )
    }

    fn condition(&self) -> Condition {
        match self {
            Proof::Rule(c) | Proof::Absent(c, _) | Proof::Known(c, _) | Proof::Reads(c, _) => *c,
        }
    }
}

/// One name a doubt covers: an object (`schema` `None` when written unqualified: any schema),
/// the names PostgreSQL derives from a table's (`t_pkey`, `t_id_seq`), or a whole schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    schema: Option<String>,
    /// `None`: every object of the schema.
    name: Option<String>,
    /// Also names that start with `name_` (what PostgreSQL derives from a table's name).
    derived: bool,
}

impl Target {
    fn covers(&self, schema: &str, name: &str) -> bool {
        if self.schema.as_deref().is_some_and(|s| s != schema) {
            return false;
        }
        match &self.name {
            None => true,
            Some(n) => {
                n == name
                    || (self.derived
                        && name.len() > n.len()
                        && name.starts_with(n.as_str())
                        && name[n.len()..].starts_with('_'))
            }
        }
    }

    fn object(name: &QualifiedName) -> Self {
        Target {
            schema: name.schema.clone(),
            name: Some(name.name.clone()),
            derived: false,
        }
    }

    fn display(&self) -> String {
        match (&self.schema, &self.name) {
            (Some(s), Some(n)) => format!("{s}.{n}"),
            (None, Some(n)) => n.clone(),
            (Some(s), None) => format!("schema {s}"),
            (None, None) => "anything".into(),
        }
    }
}

/// Something the fold could not read or apply, and what it may have changed.
#[derive(Debug, Clone)]
pub(crate) struct Doubt {
    /// Where, and what: `003_views.sql:4:1: CREATE VIEW v could not be read`.
    pub cause: String,
    /// The names it covers; `None` when it may have changed anything.
    targets: Option<Vec<Target>>,
    /// It may have made new objects, but changed none the fold has: it covers only proofs
    /// that something does not exist.
    new_only: bool,
    /// The file and place of its warning.
    path: PathBuf,
    at: Location,
    /// The warning's text as first written, to find it again at the end.
    message: String,
    /// Later statements not applied because of it.
    dependents: usize,
    /// Where the first of them is (`004_more.sql:12:1`).
    first_dependent: Option<String>,
}

/// The fold's doubts and when objects last became certain.
#[derive(Debug, Clone, Default)]
pub(crate) struct Doubts {
    doubts: Vec<Doubt>,
    /// Per (schema, name): how many doubts there were when a statement the fold read made (or
    /// dropped) it from scratch; only later doubts cover it.
    settled: HashMap<(String, String), usize>,
    /// The doubt that stopped the current statement, if one did.
    stopped: Option<usize>,
}

impl Doubts {
    /// The doubt covering `schema.name`, the latest first; `absent` when the proof is that
    /// no such object exists (which doubts about new objects cover too).
    fn covering(&self, schema: &str, name: &str, absent: bool) -> Option<usize> {
        let since = self
            .settled
            .get(&(schema.to_string(), name.to_string()))
            .copied()
            .unwrap_or(0);
        (since..self.doubts.len()).rev().find(|&i| {
            let d = &self.doubts[i];
            (absent || !d.new_only)
                && match &d.targets {
                    None => true,
                    Some(targets) => targets.iter().any(|t| t.covers(schema, name)),
                }
        })
    }

    /// True when nothing is in doubt (the usual case: most checks stop here).
    fn is_empty(&self) -> bool {
        self.doubts.is_empty()
    }
}

impl Fold {
    /// A proof resting on the relation at `table` being as the fold has it.
    pub(crate) fn on_relation(&self, condition: Condition, table: usize) -> Proof {
        let r = &self.catalog.tables[table];
        Proof::known(condition, &r.schema, &r.name)
    }

    /// A proof resting on the relations at `tables` being as the fold has them.
    pub(crate) fn on_relations(&self, condition: Condition, tables: &[usize]) -> Proof {
        Proof::Known(
            condition,
            tables
                .iter()
                .map(|&t| Subject {
                    schema: self.catalog.tables[t].schema.clone(),
                    name: self.catalog.tables[t].name.clone(),
                })
                .collect(),
        )
    }

    /// A proof resting on the relation at `table` and the tables it inherits from (or is a
    /// partition of) being as the fold has them: what it inherited comes from them.
    pub(crate) fn on_family(&self, condition: Condition, table: usize) -> Proof {
        let r = &self.catalog.tables[table];
        Proof::Known(
            condition,
            std::iter::once((r.schema.clone(), r.name.clone()))
                .chain(
                    r.inherits
                        .iter()
                        .chain(&r.partition_of)
                        .map(|p| (p.schema.clone(), p.name.clone())),
                )
                .map(|(schema, name)| Subject { schema, name })
                .collect(),
        )
    }

    /// Reports a statement PostgreSQL would reject, at the statement: an error when the proof
    /// holds, else nothing but a count on the doubt that undoes it.
    pub(crate) fn reject(&mut self, proof: Proof, message: impl Into<String>) {
        let at = self.at;
        self.reject_at(at, proof, message);
    }

    /// [`Self::reject`] at a place in the current file.
    pub(crate) fn reject_at(&mut self, at: Location, proof: Proof, message: impl Into<String>) {
        match self.doubt_about(&proof) {
            Some(doubt) => self.depend_on(doubt),
            None => {
                let sqlstate = proof.condition().sqlstate();
                self.diagnostics
                    .push(Diagnostic::error_at(&self.path, at, message).with_code(sqlstate));
            }
        }
    }

    /// The doubt that keeps `proof` from holding, if any.
    fn doubt_about(&self, proof: &Proof) -> Option<usize> {
        if self.doubts.is_empty() {
            return None;
        }
        match proof {
            Proof::Rule(_) => None,
            Proof::Absent(_, name) => self.doubt_about_absence(name),
            Proof::Known(_, subjects) => subjects
                .iter()
                .filter_map(|s| self.doubts.covering(&s.schema, &s.name, false))
                .max(),
            Proof::Reads(_, names) => names
                .iter()
                .filter_map(|name| match self.find_relation(name) {
                    Some(i) => {
                        let r = &self.catalog.tables[i];
                        self.doubts.covering(&r.schema, &r.name, false)
                    }
                    None => self.doubt_about_absence(name),
                })
                .max(),
        }
    }

    /// True when something called `name` could exist for all the fold knows.
    pub(crate) fn doubts_name(&self, name: &QualifiedName) -> bool {
        !self.doubts.is_empty() && self.doubt_about_absence(name).is_some()
    }

    /// The doubt that an object `name` could exist for all the fold knows.
    fn doubt_about_absence(&self, name: &QualifiedName) -> Option<usize> {
        let schemas = match &name.schema {
            Some(s) => vec![s.clone()],
            None => {
                let mut path = self.session.search_path();
                path.push(self.schema_of(name));
                path
            }
        };
        schemas
            .iter()
            .filter_map(|s| self.doubts.covering(s, &name.name, true))
            .max()
    }

    /// Counts the current statement against a doubt; what it names joins the doubt when the
    /// statement ends.
    fn depend_on(&mut self, doubt: usize) {
        let here = self.here();
        let d = &mut self.doubts.doubts[doubt];
        d.dependents += 1;
        d.first_dependent.get_or_insert(here);
        self.doubts.stopped = Some(doubt);
    }

    /// A statement the fold could not read or apply: one warning, and what it may have
    /// changed is uncertain from here on.
    pub(crate) fn doubt(&mut self, reach: &Reach, what: &str) {
        let at = self.at;
        self.doubt_at(at, reach, what);
    }

    /// [`Self::doubt`] at a place in the current file.
    pub(crate) fn doubt_at(&mut self, at: Location, reach: &Reach, what: &str) {
        self.raise_doubt(at, reach, what, false);
    }

    /// A statement that may have made objects the fold does not know of (an extension it has
    /// never seen), without changing any it has: proofs that something does not exist in
    /// what it reaches no longer hold.
    pub(crate) fn new_objects_doubt(&mut self, reach: &Reach, what: &str) {
        let at = self.at;
        self.raise_doubt(at, reach, what, true);
    }

    fn raise_doubt(&mut self, at: Location, reach: &Reach, what: &str, new_only: bool) {
        let targets = self.targets(reach);
        let scope = match &targets {
            None => "anything it could have changed is uncertain from here on".to_string(),
            Some(t) if t.is_empty() => String::new(),
            Some(t) if new_only => {
                let names: Vec<String> = t.iter().map(Target::display).collect();
                format!("new objects in {} are uncertain from here on", list(&names))
            }
            Some(t) => {
                let mut names: Vec<String> = t
                    .iter()
                    .filter(|t| !t.derived || t.name.is_none())
                    .map(Target::display)
                    .collect();
                if names.is_empty() {
                    names = t.iter().map(Target::display).collect();
                }
                names.dedup();
                let verb = if names.len() == 1 && !names[0].starts_with("schema ") {
                    "is"
                } else {
                    "are"
                };
                format!("{} {verb} uncertain from here on", list(&names))
            }
        };
        let message = if scope.is_empty() {
            what.to_string()
        } else {
            format!("{what}; {scope}")
        };
        self.diagnostics
            .push(Diagnostic::warning_at(&self.path, at, message.clone()));
        if targets.as_ref().is_some_and(Vec::is_empty) {
            return;
        }
        let file = self.path.file_name().unwrap_or_default().to_string_lossy();
        self.doubts.doubts.push(Doubt {
            cause: format!("{file}:{}:{}: {what}", at.line, at.column),
            targets,
            new_only,
            path: self.path.clone(),
            at,
            message,
            dependents: 0,
            first_dependent: None,
        });
    }

    /// The targets of a reach, resolved where the statement runs; `None` for "anything".
    fn targets(&self, reach: &Reach) -> Option<Vec<Target>> {
        if reach.anything {
            return None;
        }
        let mut out: Vec<Target> = reach.objects.iter().map(Target::object).collect();
        out.extend(reach.derived.iter().map(|n| Target {
            derived: true,
            ..Target::object(n)
        }));
        out.extend(reach.schemas.iter().map(|s| Target {
            schema: Some(s.clone()),
            name: None,
            derived: false,
        }));
        Some(out)
    }

    /// Ends a statement: when a doubt stopped it, what it names is covered by that doubt too.
    pub(crate) fn end_statement(&mut self, reach: impl FnOnce() -> Reach) {
        let Some(doubt) = self.doubts.stopped.take() else {
            return;
        };
        match self.targets(&reach()) {
            Some(more) => {
                // What the statement made from scratch is not certain after all.
                self.doubts
                    .settled
                    .retain(|(s, n), since| *since <= doubt || !more.iter().any(|t| t.covers(s, n)));
                if let Some(targets) = &mut self.doubts.doubts[doubt].targets {
                    targets.extend(more);
                }
            }
            None => self.doubts.doubts[doubt].targets = None,
        }
    }

    /// A statement the fold read made `schema.name` from scratch, or dropped it: it is
    /// certain from here on.
    pub(crate) fn settle(&mut self, schema: &str, name: &str) {
        if self.doubts.is_empty() {
            return;
        }
        let now = self.doubts.doubts.len();
        self.doubts
            .settled
            .insert((schema.to_string(), name.to_string()), now);
    }

    /// `from` became `to` (a rename or a move): the doubts about `from` cover `to`.
    pub(crate) fn carry_doubt(&mut self, from: (&str, &str), to: (&str, &str)) {
        if self.doubts.is_empty() {
            return;
        }
        let since = self
            .doubts
            .settled
            .get(&(from.0.to_string(), from.1.to_string()))
            .copied()
            .unwrap_or(0);
        let target = Target {
            schema: Some(to.0.to_string()),
            name: Some(to.1.to_string()),
            derived: false,
        };
        for d in &mut self.doubts.doubts[since..] {
            if let Some(targets) = &mut d.targets
                && targets.iter().any(|t| t.covers(from.0, from.1))
            {
                targets.push(target.clone());
            }
        }
        self.doubts
            .settled
            .insert((to.0.to_string(), to.1.to_string()), since);
    }

    /// The doubts' warnings completed with what depended on them, and the uncertain objects
    /// of the final catalog.
    pub(crate) fn finish_doubts(&mut self) {
        let doubts = std::mem::take(&mut self.doubts.doubts);
        for d in &doubts {
            if d.dependents == 0 {
                continue;
            }
            let Some(warning) = self
                .diagnostics
                .iter_mut()
                .find(|w| w.path == d.path && w.location == Some(d.at) && w.message == d.message)
            else {
                continue;
            };
            let first = d.first_dependent.as_deref().unwrap_or_default();
            warning.message.push_str(&match d.dependents {
                1 => format!(" (1 later statement depends on it and was not applied: {first})"),
                n => {
                    format!(" ({n} later statements depend on it and were not applied, the first at {first})")
                }
            });
        }
        self.doubts.doubts = doubts;
        let mut uncertain = Vec::new();
        let mut mark = |schema: &str, name: &str, kind: &str| {
            if let Some(d) = self.doubts.covering(schema, name, false) {
                uncertain.push(Uncertain {
                    schema: Some(schema.to_string()),
                    name: Some(name.to_string()),
                    kind: kind.to_string(),
                    cause: self.doubts.doubts[d].cause.clone(),
                });
            }
        };
        for r in self.catalog.tables.iter() {
            mark(&r.schema, &r.name, "relation");
        }
        for e in &self.catalog.enums {
            mark(&e.schema, &e.name, "type");
        }
        for d in &self.catalog.domains {
            mark(&d.schema, &d.name, "type");
        }
        for c in &self.catalog.composite_types {
            mark(&c.schema, &c.name, "type");
        }
        for r in &self.catalog.range_types {
            mark(&r.schema, &r.name, "type");
        }
        for s in self.catalog.sequences.iter() {
            mark(&s.schema, &s.name, "sequence");
        }
        // Names no statement the fold read made: they may exist in PostgreSQL all the same.
        for d in &self.doubts.doubts {
            let targets = match &d.targets {
                None => vec![Target {
                    schema: None,
                    name: None,
                    derived: false,
                }],
                Some(t) => t.clone(),
            };
            for t in targets {
                let present = t.name.as_ref().is_some_and(|n| {
                    uncertain.iter().any(|u: &Uncertain| {
                        u.name.as_ref() == Some(n) && (t.schema.is_none() || u.schema == t.schema)
                    })
                });
                if present && !t.derived {
                    continue;
                }
                uncertain.push(Uncertain {
                    schema: t.schema.clone(),
                    name: t
                        .name
                        .clone()
                        .map(|n| if t.derived { format!("{n}_*") } else { n }),
                    kind: "name".into(),
                    cause: d.cause.clone(),
                });
            }
        }
        uncertain.dedup();
        self.catalog.uncertain = uncertain;
    }
}

/// `a`, `a and b`, `a, b and c`.
fn list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
