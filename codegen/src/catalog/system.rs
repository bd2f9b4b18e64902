//! What every database has before the first migration: the relations of `pg_catalog` and
//! `information_schema` (`codegen/data/pg_relations.tsv`, `make pg-catalogs`), the system
//! columns of tables (`ctid`, `xmin`, `tableoid`, ...), and the columns of a sequence.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::catalog::model::{Column, Relation, RelationKind};

/// The relation `schema.name` of `pg_catalog` or `information_schema`.
pub(crate) fn system_relation(schema: &str, name: &str) -> Option<&'static Relation> {
    type BySchema = HashMap<&'static str, HashMap<&'static str, Relation>>;
    static TABLE: OnceLock<BySchema> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            let mut table = BySchema::new();
            for line in include_str!("../../data/pg_relations.tsv")
                .lines()
                .filter(|l| !l.starts_with('#'))
            {
                let f: Vec<&'static str> = line.split('\t').collect();
                let [schema, name, relkind, column, data_type, not_null] = f[..] else {
                    continue;
                };
                let kind = match relkind {
                    "v" => RelationKind::View,
                    "m" => RelationKind::MaterializedView,
                    "f" => RelationKind::ForeignTable,
                    _ => RelationKind::Table,
                };
                let relation = table
                    .entry(schema)
                    .or_default()
                    .entry(name)
                    .or_insert_with(|| Relation::new(schema, name, kind));
                relation
                    .columns
                    .push(column_of(column, data_type, not_null == "t"));
            }
            table
        })
        .get(schema)?
        .get(name)
}

/// The schemas whose relations every database has.
pub(crate) const SYSTEM_SCHEMAS: &[&str] = &["pg_catalog", "information_schema"];

/// The type of a system column every table (and materialized view, foreign table) has, by
/// name: `ctid`, `xmin`, `cmin`, `xmax`, `cmax`, `tableoid`. None is ever NULL.
pub(crate) fn system_column(name: &str) -> Option<&'static str> {
    Some(match name {
        "ctid" => "tid",
        "xmin" | "xmax" => "xid",
        "cmin" | "cmax" => "cid",
        "tableoid" => "oid",
        _ => return None,
    })
}

/// What `SELECT * FROM` a sequence returns: its state.
pub(crate) fn sequence_relation() -> &'static Relation {
    static SEQUENCE: OnceLock<Relation> = OnceLock::new();
    SEQUENCE.get_or_init(|| Relation {
        columns: vec![
            column_of("last_value", "bigint", true),
            column_of("log_cnt", "bigint", true),
            column_of("is_called", "boolean", true),
        ],
        ..Relation::new("pg_catalog", "sequence", RelationKind::Table)
    })
}

fn column_of(name: &str, data_type: &str, not_null: bool) -> Column {
    Column {
        name: name.to_string(),
        data_type: data_type.to_string(),
        nullable: !not_null,
        default: None,
        comment: None,
        identity: None,
        generated: None,
    }
}
