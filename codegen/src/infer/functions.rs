//! PostgreSQL's own functions (`codegen/data/pg_procs.tsv`, every overload of `pg_catalog`,
//! `make pg-catalogs`) and choosing among overloads as PostgreSQL does.
//!
//! [`resolve`] follows `func_select_candidate` (`parse_func.c`, documented in the manual's
//! "Type Conversion: Functions"): candidates of the right name and arity whose parameters every
//! typed argument reaches by an implicit cast (`pg_cast`, [`implicit_cast`]); then those with
//! the most exact matches; then those with the most preferred types where a cast is needed;
//! then, for untyped arguments (literals), the string category when any candidate takes it,
//! else the one category all take, preferring that category's preferred type. Polymorphic
//! results (`anyelement`, `anyarray`, `anycompatible`, ...) take the type their arguments bind.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::Ty;
use super::rules::{common, without_modifier};
use crate::catalog::types::builtin_by_format;

/// One overload of a `pg_catalog` function.
#[derive(Debug)]
pub(super) struct Proc {
    /// `f` function, `a` aggregate, `w` window, `p` procedure.
    pub(super) kind: char,
    /// Input argument types, `format_type()` spelling.
    pub(super) args: Vec<&'static str>,
    /// The element type of a `VARIADIC` last argument.
    pub(super) variadic: Option<&'static str>,
    /// The result type.
    pub(super) result: &'static str,
    /// Returns a set of rows.
    pub(super) set: bool,
    /// NULL in, NULL out.
    pub(super) strict: bool,
    /// `OUT` columns (name, type), for functions returning `record`.
    pub(super) out: Vec<(&'static str, &'static str)>,
    /// How many of the last input arguments have defaults (and may be left out).
    pub(super) defaults: usize,
}

/// Every `pg_catalog` function by name, each overload once.
pub(super) fn procs(name: &str) -> &'static [Proc] {
    static TABLE: OnceLock<HashMap<&'static str, Vec<Proc>>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            let mut table: HashMap<&'static str, Vec<Proc>> = HashMap::new();
            for line in include_str!("../../data/pg_procs.tsv")
                .lines()
                .filter(|l| !l.starts_with('#'))
            {
                let f: Vec<&'static str> = line.split('\t').collect();
                let [name, kind, args, variadic, result, set, strict, out, defaults] = f[..] else {
                    continue;
                };
                table.entry(name).or_default().push(Proc {
                    kind: kind.chars().next().unwrap_or('f'),
                    args: if args.is_empty() {
                        Vec::new()
                    } else {
                        args.split(',').collect()
                    },
                    variadic: (!variadic.is_empty()).then_some(variadic),
                    result,
                    set: set == "t",
                    strict: strict == "t",
                    out: out.split(';').filter_map(|c| c.split_once(':')).collect(),
                    defaults: defaults.parse().unwrap_or(0),
                });
            }
            table
        })
        .get(name)
        .map_or(&[], Vec::as_slice)
}

/// Whether PostgreSQL casts `from` to `to` implicitly (`pg_cast` with context `i`).
pub(super) fn implicit_cast(from: &str, to: &str) -> bool {
    static TABLE: OnceLock<HashSet<(&'static str, &'static str)>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            include_str!("../../data/pg_casts.tsv")
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| {
                    let mut f = l.split('\t');
                    let (source, target, context) = (f.next()?, f.next()?, f.next()?);
                    (context == "i").then_some((source, target))
                })
                .collect()
        })
        .contains(&(from, to))
}

/// What a call of a `pg_catalog` function resolves to.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Call {
    /// The result type (polymorphic results resolved).
    pub(super) result: Ty,
    /// NULL in, NULL out.
    pub(super) strict: bool,
    /// Returns a set.
    pub(super) set: bool,
    /// An aggregate or window function.
    pub(super) aggregate: bool,
    /// `OUT` columns (name, type) of a function returning `record`.
    pub(super) out: Vec<(String, String)>,
}

/// The polymorphic pseudo-types a parameter may have.
fn is_polymorphic(t: &str) -> bool {
    matches!(
        t,
        "anyelement"
            | "anyarray"
            | "anynonarray"
            | "anyenum"
            | "anyrange"
            | "anymultirange"
            | "anycompatible"
            | "anycompatiblearray"
            | "anycompatiblenonarray"
            | "anycompatiblerange"
            | "anycompatiblemultirange"
            | "\"any\""
    )
}

/// How well an argument of type `arg` (`None`: untyped) fits a parameter of type `param`:
/// `None` when it does not.
fn fit(arg: Option<&str>, param: &str) -> Option<Fit> {
    let Some(arg) = arg else {
        return Some(Fit::Untyped);
    };
    if arg == param {
        return Some(Fit::Exact);
    }
    let array = arg.ends_with("[]");
    let fits_polymorphic = match param {
        "anyarray" | "anycompatiblearray" => array,
        "anynonarray" | "anycompatiblenonarray" => !array,
        "anyrange" | "anycompatiblerange" => builtin_by_format(arg).is_none_or(|b| b.typtype == 'r'),
        "anymultirange" | "anycompatiblemultirange" => {
            builtin_by_format(arg).is_none_or(|b| b.typtype == 'm')
        }
        "anyenum" => builtin_by_format(arg).is_none(),
        p => is_polymorphic(p),
    };
    if fits_polymorphic {
        return Some(Fit::Polymorphic);
    }
    let castable = implicit_cast(arg, param)
        || (array
            && param.ends_with("[]")
            && implicit_cast(arg.trim_end_matches("[]"), param.trim_end_matches("[]")));
    castable.then_some(Fit::Cast)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fit {
    Exact,
    Cast,
    Polymorphic,
    Untyped,
}

/// The parameter types of `p` for `n` arguments (a `VARIADIC` parameter repeated, arguments
/// with defaults left out), if it takes that many.
fn params_for(p: &Proc, n: usize) -> Option<Vec<&'static str>> {
    match p.variadic {
        Some(element) if n + 1 >= p.args.len() => {
            let fixed = p.args.len() - 1;
            let mut params = p.args[..fixed].to_vec();
            params.extend(std::iter::repeat_n(element, n - fixed));
            Some(params)
        }
        _ if p.args.len() >= n && p.args.len() - n <= p.defaults => Some(p.args[..n].to_vec()),
        _ => None,
    }
}

/// The call `name(args)` resolved among `pg_catalog`'s overloads, when one (or several with
/// the same result) is left.
pub(super) fn resolve(name: &str, args: &[Ty]) -> Option<Call> {
    let types: Vec<Option<String>> = args
        .iter()
        .map(|a| match a {
            Ty::Known(t) => Some(without_modifier(t)),
            _ => None,
        })
        .collect();
    let mut candidates: Vec<(&Proc, Vec<&'static str>, Vec<Fit>)> = procs(name)
        .iter()
        .filter(|p| p.kind != 'p')
        .filter_map(|p| {
            let params = params_for(p, args.len())?;
            let fits = types
                .iter()
                .zip(&params)
                .map(|(a, param)| fit(a.as_deref(), param))
                .collect::<Option<Vec<Fit>>>()?;
            Some((p, params, fits))
        })
        .collect();
    let keep_best = |candidates: &mut Vec<(&Proc, Vec<&'static str>, Vec<Fit>)>,
                     score: &dyn Fn(&[&str], &[Fit]) -> usize| {
        let best = candidates.iter().map(|(_, p, f)| score(p, f)).max().unwrap_or(0);
        candidates.retain(|(_, p, f)| score(p, f) == best);
    };
    if candidates.len() > 1 {
        keep_best(&mut candidates, &|_, fits| {
            fits.iter().filter(|f| **f == Fit::Exact).count()
        });
    }
    if candidates.len() > 1 {
        keep_best(&mut candidates, &|params, fits| {
            params
                .iter()
                .zip(fits)
                .filter(|(p, f)| **f == Fit::Cast && builtin_by_format(p).is_some_and(|b| b.preferred))
                .count()
        });
    }
    if candidates.len() > 1 {
        for position in (0..args.len()).filter(|&i| types[i].is_none()) {
            let category = |params: &[&str]| builtin_by_format(params[position]).map(|b| b.category);
            let categories: Vec<Option<char>> = candidates.iter().map(|(_, p, _)| category(p)).collect();
            let chosen = if categories.contains(&Some('S')) {
                Some('S')
            } else if categories.windows(2).all(|w| w[0] == w[1]) {
                categories[0]
            } else {
                None
            };
            if let Some(chosen) = chosen {
                candidates.retain(|(_, p, _)| category(p) == Some(chosen));
                let preferred =
                    |params: &[&str]| builtin_by_format(params[position]).is_some_and(|b| b.preferred);
                if candidates.iter().any(|(_, p, _)| preferred(p)) {
                    candidates.retain(|(_, p, _)| preferred(p));
                }
            }
        }
    }
    let (first, params, _) = candidates.first()?;
    let result = resolved_result(first.result, params, &types);
    if candidates
        .iter()
        .any(|(p, params, _)| resolved_result(p.result, params, &types) != result || p.set != first.set)
    {
        return None;
    }
    Some(Call {
        result,
        strict: candidates.iter().all(|(p, _, _)| p.strict),
        set: first.set,
        aggregate: matches!(first.kind, 'a' | 'w'),
        out: first
            .out
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect(),
    })
}

/// A polymorphic result type made concrete by what the arguments bind it to.
fn resolved_result(result: &str, params: &[&str], types: &[Option<String>]) -> Ty {
    if !is_polymorphic(result) {
        return Ty::known(result);
    }
    let compatible = result.starts_with("anycompatible");
    // The element type each polymorphic argument binds.
    let bound: Vec<Ty> = params
        .iter()
        .zip(types)
        .filter(|(p, _)| {
            is_polymorphic(p) && p.starts_with("anycompatible") == compatible && **p != "\"any\""
        })
        .filter_map(|(p, t)| {
            let t = t.as_deref()?;
            Some(if matches!(*p, "anyarray" | "anycompatiblearray") {
                Ty::known(t.strip_suffix("[]")?)
            } else {
                Ty::known(t)
            })
        })
        .collect();
    let element = if compatible {
        common(&bound)
    } else {
        bound.into_iter().next().unwrap_or(Ty::Unknown)
    };
    match (result, element) {
        (_, Ty::Known(e)) if matches!(result, "anyarray" | "anycompatiblearray") => {
            Ty::Known(format!("{e}[]"))
        }
        (_, Ty::Known(e)) if !result.ends_with("range") => Ty::Known(e),
        _ => Ty::Unresolved(format!("the result type {result} is not inferred")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(name: &str, args: &[&str]) -> Option<Ty> {
        let args: Vec<Ty> = args
            .iter()
            .map(|a| if a.is_empty() { Ty::Unknown } else { Ty::known(a) })
            .collect();
        resolve(name, &args).map(|c| c.result)
    }

    #[test]
    fn chooses_overloads_as_postgresql_does() {
        // Each checked against PostgreSQL 15 (`SELECT pg_typeof(...)`).
        assert_eq!(result("btrim", &["bytea", "bytea"]), Some(Ty::known("bytea")));
        assert_eq!(result("btrim", &["character varying"]), Some(Ty::known("text")));
        assert_eq!(result("btrim", &[""]), Some(Ty::known("text")));
        assert_eq!(result("sum", &["integer"]), Some(Ty::known("bigint")));
        assert_eq!(result("sum", &["smallint"]), Some(Ty::known("bigint")));
        assert_eq!(
            result("generate_series", &["integer", "integer"]),
            Some(Ty::known("integer"))
        );
        // Not unique for PostgreSQL either.
        assert_eq!(result("generate_series", &["", ""]), None);
        assert_eq!(result("array_agg", &["uuid"]), Some(Ty::known("uuid[]")));
        assert_eq!(result("unnest", &["text[]"]), Some(Ty::known("text")));
        assert_eq!(result("max", &["character varying"]), Some(Ty::known("text")));
        assert_eq!(
            result("round", &["numeric", "integer"]),
            Some(Ty::known("numeric"))
        );
        assert_eq!(result("concat", &["integer", "text"]), Some(Ty::known("text")));
        assert_eq!(result("no_such_function", &[]), None);
    }

    #[test]
    fn knows_out_columns() {
        let keywords = resolve("pg_get_keywords", &[]).unwrap();
        assert_eq!(keywords.out[0], ("word".to_string(), "text".to_string()));
        assert!(keywords.set);
    }
}
