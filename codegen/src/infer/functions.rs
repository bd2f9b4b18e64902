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
    /// The parameter types of the overload chosen.
    pub(super) params: Vec<&'static str>,
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

/// One candidate of an overloaded call: a function's overload or an operator.
struct Candidate<'p> {
    kind: char,
    params: Vec<&'static str>,
    result: &'static str,
    set: bool,
    strict: bool,
    out: &'p [(&'static str, &'static str)],
}

/// The call `name(args)` resolved among `pg_catalog`'s overloads, when one (or several with
/// the same result) is left.
pub(super) fn resolve(name: &str, args: &[Ty]) -> Option<Call> {
    let candidates = procs(name)
        .iter()
        .filter(|p| p.kind != 'p')
        .filter_map(|p| {
            Some(Candidate {
                kind: p.kind,
                params: params_for(p, args.len())?,
                result: p.result,
                set: p.set,
                strict: p.strict,
                out: &p.out,
            })
        })
        .collect();
    choose(candidates, &known_types(args))
}

/// A `pg_catalog` binary operator's (left, right, result) types.
type Signature = (&'static str, &'static str, &'static str);

/// Every `pg_catalog` binary operator by name.
fn operators(name: &str) -> &'static [Signature] {
    static TABLE: OnceLock<HashMap<&'static str, Vec<Signature>>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            let mut table: HashMap<&'static str, Vec<_>> = HashMap::new();
            for line in include_str!("../../data/pg_operators.tsv")
                .lines()
                .filter(|l| !l.starts_with('#'))
            {
                if let [name, left, right, result] = line.split('\t').collect::<Vec<_>>()[..] {
                    table.entry(name).or_default().push((left, right, result));
                }
            }
            table
        })
        .get(name)
        .map_or(&[], Vec::as_slice)
}

/// The result type of `left op right` resolved among `pg_catalog`'s operators as PostgreSQL
/// does ("Type Conversion: Operators"): an exact match first, an untyped operand taken to be
/// of the other's type for it; then the best candidate as for functions. Operand types are
/// given without modifiers and domains as their base types.
pub(super) fn resolve_operator(op: &str, left: &Ty, right: &Ty) -> Option<Operator> {
    let types = known_types(&[left.clone(), right.clone()]);
    let table = operators(op);
    let exact = match (&types[0], &types[1]) {
        (Some(l), Some(r)) => Some((l.as_str(), r.as_str())),
        (Some(t), None) | (None, Some(t)) => Some((t.as_str(), t.as_str())),
        (None, None) => None,
    };
    if let Some((l, r)) = exact
        && let Some((a, b, result)) = table.iter().find(|(a, b, _)| *a == l && *b == r)
    {
        return Some(Operator {
            result: Ty::known(result),
            operands: [a.to_string(), b.to_string()],
        });
    }
    let candidates = table
        .iter()
        .map(|(l, r, result)| Candidate {
            kind: 'o',
            params: vec![*l, *r],
            result,
            set: false,
            strict: true,
            out: &[],
        })
        .collect();
    let call = choose(candidates, &types)?;
    Some(Operator {
        result: call.result,
        operands: [call.params[0].to_string(), call.params[1].to_string()],
    })
}

/// A binary operator chosen: its result and the operand types it takes.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Operator {
    /// The result type (polymorphic results resolved).
    pub(super) result: Ty,
    /// The types its left and right operands are taken as (pseudo-types for polymorphic ones).
    pub(super) operands: [String; 2],
}

fn known_types(args: &[Ty]) -> Vec<Option<String>> {
    args.iter()
        .map(|a| match a {
            Ty::Known(t) => Some(without_modifier(t)),
            _ => None,
        })
        .collect()
}

/// The one candidate PostgreSQL chooses for arguments of `types` (`None`: untyped), following
/// `func_select_candidate`; `None` when none fits or several with different results are left.
fn choose(all: Vec<Candidate<'_>>, types: &[Option<String>]) -> Option<Call> {
    let mut candidates: Vec<(Candidate<'_>, Vec<Fit>)> = all
        .into_iter()
        .filter_map(|c| {
            let fits = types
                .iter()
                .zip(&c.params)
                .map(|(a, param)| fit(a.as_deref(), param))
                .collect::<Option<Vec<Fit>>>()?;
            Some((c, fits))
        })
        .collect();
    let keep_best = |candidates: &mut Vec<(Candidate<'_>, Vec<Fit>)>,
                     score: &dyn Fn(&[&str], &[Fit]) -> usize| {
        let best = candidates
            .iter()
            .map(|(c, f)| score(&c.params, f))
            .max()
            .unwrap_or(0);
        candidates.retain(|(c, f)| score(&c.params, f) == best);
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
    let untyped: Vec<usize> = (0..types.len()).filter(|&i| types[i].is_none()).collect();
    if candidates.len() > 1 {
        for &position in &untyped {
            let category = |params: &[&str]| builtin_by_format(params[position]).map(|b| b.category);
            let categories: Vec<Option<char>> = candidates.iter().map(|(c, _)| category(&c.params)).collect();
            let chosen = if categories.contains(&Some('S')) {
                Some('S')
            } else if categories.windows(2).all(|w| w[0] == w[1]) {
                categories[0]
            } else {
                None
            };
            if let Some(chosen) = chosen {
                candidates.retain(|(c, _)| category(&c.params) == Some(chosen));
                let preferred =
                    |params: &[&str]| builtin_by_format(params[position]).is_some_and(|b| b.preferred);
                if candidates.iter().any(|(c, _)| preferred(&c.params)) {
                    candidates.retain(|(c, _)| preferred(&c.params));
                }
            }
        }
    }
    // Untyped and typed arguments, the typed all of one type: the untyped are taken to be of
    // that type, and only candidates that accept it there are kept (when any does).
    let known: Vec<&String> = types.iter().flatten().collect();
    if candidates.len() > 1
        && !untyped.is_empty()
        && !known.is_empty()
        && known.windows(2).all(|w| w[0] == w[1])
    {
        let accepts = |c: &Candidate<'_>| {
            untyped
                .iter()
                .all(|&i| fit(Some(known[0]), c.params[i]).is_some())
        };
        if candidates.iter().any(|(c, _)| accepts(c)) {
            candidates.retain(|(c, _)| accepts(c));
        }
    }
    let (first, _) = candidates.first()?;
    let result = resolved_result(first.result, &first.params, types);
    if candidates
        .iter()
        .any(|(c, _)| resolved_result(c.result, &c.params, types) != result || c.set != first.set)
    {
        return None;
    }
    Some(Call {
        result,
        strict: candidates.iter().all(|(c, _)| c.strict),
        set: first.set,
        aggregate: matches!(first.kind, 'a' | 'w'),
        out: first
            .out
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect(),
        params: first.params.clone(),
    })
}

/// A polymorphic result type made concrete by what the arguments bind it to.
fn resolved_result(result: &str, params: &[&str], types: &[Option<String>]) -> Ty {
    if !is_polymorphic(result) {
        return Ty::known(result);
    }
    // An argument of the result's own pseudo-type binds it whole (`anyrange * anyrange`).
    if let Some(t) = params
        .iter()
        .zip(types)
        .find_map(|(p, t)| (*p == result).then_some(t.as_deref()).flatten())
        && !result.starts_with("anycompatible")
    {
        return Ty::known(t);
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
            Some(match *p {
                "anyarray" | "anycompatiblearray" => Ty::known(t.strip_suffix("[]")?),
                // A range binds its subtype (a range the migrations made is not known here).
                "anyrange" | "anycompatiblerange" | "anymultirange" | "anycompatiblemultirange" => {
                    Ty::known(builtin_by_format(t)?.range_subtype?)
                }
                _ => Ty::known(t),
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
