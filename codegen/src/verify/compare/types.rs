//! Comparing the types and sequences of the two catalogs: enums, domains (base type, NOT
//! NULL, default, checks), composite types, range types, sequences.

use super::{Differences, named, normalize_expr};
use crate::catalog::model::Catalog;

/// Compares everything but the relations.
pub(super) fn compare_types(d: &mut Differences, expected: &Catalog, live: &Catalog) {
    objects(
        d,
        "enum",
        &expected.enums,
        &live.enums,
        |e| (&e.schema, &e.name),
        |d, s, e, l| {
            d.check(s, "labels", &e.values, &l.values);
            d.check(s, "comment", &e.comment, &l.comment);
        },
    );
    objects(
        d,
        "domain",
        &expected.domains,
        &live.domains,
        |e| (&e.schema, &e.name),
        |d, s, e, l| {
            d.check(s, "base type", &e.data_type, &l.data_type);
            d.check(s, "nullability", e.nullable, l.nullable);
            d.check(
                s,
                "default",
                e.default.as_deref().map(normalize_expr),
                l.default.as_deref().map(normalize_expr),
            );
            named(
                d,
                s,
                "check",
                &e.checks,
                &l.checks,
                |c| &c.name,
                |d, s, a, b| {
                    d.check(
                        s,
                        "condition",
                        normalize_expr(&a.expression),
                        normalize_expr(&b.expression),
                    )
                },
            );
        },
    );
    objects(
        d,
        "composite type",
        &expected.composite_types,
        &live.composite_types,
        |e| (&e.schema, &e.name),
        |d, s, e, l| {
            d.check(s, "attributes", &e.attributes, &l.attributes);
            d.check(s, "comment", &e.comment, &l.comment);
        },
    );
    objects(
        d,
        "range type",
        &expected.range_types,
        &live.range_types,
        |e| (&e.schema, &e.name),
        |d, s, e, l| {
            d.check(s, "subtype", &e.subtype, &l.subtype);
            d.check(s, "multirange type", &e.multirange, &l.multirange);
        },
    );
    objects(
        d,
        "sequence",
        &expected.sequences.iter().cloned().collect::<Vec<_>>(),
        &live.sequences.iter().cloned().collect::<Vec<_>>(),
        |e| (&e.schema, &e.name),
        |d, s, e, l| {
            d.check(s, "type", &e.data_type, &l.data_type);
            d.check(s, "owner", &e.owned_by, &l.owned_by);
        },
    );
}

/// Compares two lists of schema objects: missing, extra, and `each` on the pairs.
fn objects<T>(
    d: &mut Differences,
    what: &str,
    expected: &[T],
    live: &[T],
    key: impl Fn(&T) -> (&String, &String),
    each: impl Fn(&mut Differences, &str, &T, &T),
) {
    for e in expected {
        let (schema, name) = key(e);
        d.about(schema, name);
        let subject = format!("{what} {schema}.{name}");
        match live.iter().find(|l| key(l) == key(e)) {
            Some(l) => each(d, &subject, e, l),
            None => d.add(subject, "in the migrations but not in the database"),
        }
    }
    for l in live {
        if !expected.iter().any(|e| key(e) == key(l)) {
            let (schema, name) = key(l);
            d.about(schema, name);
            d.add(
                format!("{what} {schema}.{name}"),
                "in the database but not in the migrations",
            );
        }
    }
}
