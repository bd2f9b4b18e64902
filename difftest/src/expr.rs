//! Random expressions, built by the class of value wanted so that PostgreSQL accepts most of
//! them: column references, literals, parameters (in queries), operators, PostgreSQL's
//! functions, `CASE`, `COALESCE`, `NULLIF`, casts, aggregates (with `DISTINCT`, `ORDER BY` and
//! `FILTER`), window functions, and scalar, `EXISTS`, `IN` and `ARRAY` subqueries, correlated
//! or not. What PostgreSQL rejects anyway is dropped by the caller.

use stagely_codegen::catalog::Catalog;

use crate::choices::{Forms, Picks};
use crate::types::{Class, SqlTy, literal, quote_ident};

/// A column of a relation in FROM, or of one a subquery may read.
#[derive(Debug, Clone)]
pub struct Col {
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: SqlTy,
}

/// A relation a query may read: its name as SQL writes it and its columns.
#[derive(Debug, Clone)]
pub struct Source {
    /// Qualified and quoted as needed (`s1."Items"`).
    pub sql: String,
    /// Its columns in order.
    pub columns: Vec<Col>,
}

/// A column reference an expression may use: `alias.column` and its type.
#[derive(Debug, Clone)]
pub struct Visible {
    /// `t1.amount`, quoted as needed.
    pub sql: String,
    /// Its type.
    pub ty: SqlTy,
}

/// What an expression may refer to and contain.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Columns that may appear bare (the group keys, in a grouped query).
    pub columns: Vec<Visible>,
    /// Columns aggregate arguments may read; aggregates are allowed when this is set.
    pub aggregate_over: Option<Vec<Visible>>,
    /// Window functions are allowed (a select list without GROUP BY).
    pub windows: bool,
}

impl Scope {
    /// A scope of plain columns, without aggregates or windows.
    pub fn plain(columns: Vec<Visible>) -> Self {
        Self {
            columns,
            aggregate_over: None,
            windows: false,
        }
    }

    fn inner(&self) -> Scope {
        Scope::plain(
            self.aggregate_over
                .clone()
                .unwrap_or_else(|| self.columns.clone()),
        )
    }
}

/// Classes every scope can build a value of, with or without columns.
pub const BASIC: &[Class] = &[
    Class::Int,
    Class::Text,
    Class::Bool,
    Class::Num,
    Class::Stamp,
    Class::Date,
    Class::Jsonb,
    Class::Interval,
    Class::Array,
    Class::Float,
    Class::Uuid,
    Class::Bytea,
    Class::Range,
];

/// The generator of one statement or query: its choices, the catalog, what subqueries may
/// read, and the parameters written so far.
pub struct Gen<'a> {
    /// The choices.
    pub p: Picks<'a>,
    /// Forms produced.
    pub forms: Forms,
    /// The catalog the statement is written against.
    pub catalog: &'a Catalog,
    /// Relations subqueries may read.
    pub sources: Vec<Source>,
    /// Parameters may be written (queries, not views); how many were.
    pub params: Option<u32>,
    /// Aliases made so far (`q1`, `q2`, ...).
    pub aliases: u32,
    /// How deep subqueries are nested.
    pub nesting: u32,
}

impl<'a> Gen<'a> {
    /// A generator reading `numbers` against `catalog`.
    pub fn new(numbers: &'a [u16], catalog: &'a Catalog, sources: Vec<Source>) -> Self {
        Self {
            p: Picks::new(numbers),
            forms: Forms::default(),
            catalog,
            sources,
            params: None,
            aliases: 0,
            nesting: 0,
        }
    }

    /// A fresh alias (`q3`).
    pub fn alias(&mut self) -> String {
        self.aliases += 1;
        format!("q{}", self.aliases)
    }

    /// A class this scope can build: mostly those of its columns.
    pub fn class(&mut self, scope: &Scope) -> Class {
        if !scope.columns.is_empty() && !self.p.chance(25) {
            return scope.columns[self.p.below(scope.columns.len())].ty.class;
        }
        BASIC[self.p.below(BASIC.len())]
    }

    /// A new parameter, `$n`, when parameters are allowed.
    fn param(&mut self) -> Option<String> {
        let n = self.params.as_mut()?;
        *n += 1;
        Some(format!("${n}"))
    }

    /// A column of `class` in scope, if any.
    fn column(&mut self, scope: &Scope, class: Class) -> Option<Visible> {
        let matching: Vec<&Visible> = scope.columns.iter().filter(|c| c.ty.class == class).collect();
        (!matching.is_empty()).then(|| matching[self.p.below(matching.len())].clone())
    }

    /// A leaf: a column of the class, a literal, or a parameter cast to the class's type.
    fn leaf(&mut self, scope: &Scope, class: Class) -> String {
        if !self.p.chance(30)
            && let Some(c) = self.column(scope, class)
        {
            self.forms.saw("expr: column");
            return c.sql;
        }
        if self.params.is_some() && self.p.chance(20) && canonical(class).is_some() {
            self.forms.saw("expr: $n::type");
            let param = self.param().unwrap_or_default();
            return format!("{param}::{}", canonical(class).unwrap_or("text"));
        }
        match class {
            Class::Enum | Class::Composite | Class::Other => match self.column(scope, class) {
                Some(c) => c.sql,
                None => "NULL::text".into(),
            },
            _ => {
                self.forms.saw("expr: literal");
                literal(class, &mut self.p)
            }
        }
    }

    /// An expression of `class`, at most `depth` levels deep.
    pub fn expr(&mut self, scope: &Scope, class: Class, depth: u32) -> String {
        if depth == 0 || self.p.chance(30) {
            return self.leaf(scope, class);
        }
        let d = depth - 1;
        // Forms every class has: CASE, COALESCE, NULLIF, aggregates, windows, subqueries.
        match self.p.weighted(&[12, 2, 2, 2, 2, 2, 2, 1]) {
            1 => return self.case(scope, class, d),
            2 => {
                self.forms.saw("expr: COALESCE");
                let a = self.expr(scope, class, d);
                let b = self.expr(scope, class, d);
                return format!("COALESCE({a}, {b})");
            }
            3 if !matches!(class, Class::Jsonb | Class::Other | Class::Composite) => {
                self.forms.saw("expr: NULLIF");
                let a = self.expr(scope, class, d);
                let b = self.leaf(scope, class);
                return format!("NULLIF({a}, {b})");
            }
            4 if scope.aggregate_over.is_some() => {
                if let Some(a) = self.aggregate(scope, class, d) {
                    return a;
                }
            }
            5 if scope.windows => {
                if let Some(w) = self.window(scope, class, d) {
                    return w;
                }
            }
            6 if self.nesting < 2 => {
                if let Some(s) = self.scalar_subquery(scope, class) {
                    return s;
                }
            }
            7 => {
                self.forms.saw("expr: cast to text and back");
                if let Some(ty) = canonical(class) {
                    let inner = self.expr(scope, class, d);
                    return format!("CAST(CAST({inner} AS text) AS {ty})");
                }
            }
            _ => {}
        }
        self.by_class(scope, class, d)
    }

    fn case(&mut self, scope: &Scope, class: Class, d: u32) -> String {
        let when = self.expr(scope, Class::Bool, d);
        let then = self.expr(scope, class, d);
        if self.p.chance(40) {
            self.forms.saw("expr: CASE without ELSE");
            format!("CASE WHEN {when} THEN {then} END")
        } else {
            self.forms.saw("expr: CASE");
            let other = self.expr(scope, class, d);
            format!("CASE WHEN {when} THEN {then} ELSE {other} END")
        }
    }

    /// Two expressions of `class` as `name(a, b)` or `a op b`.
    fn two(&mut self, scope: &Scope, class: Class, d: u32, form: &'static str, shape: &str) -> String {
        self.forms.saw(form);
        let a = self.expr(scope, class, d);
        let b = self.expr(scope, class, d);
        shape.replace("{a}", &a).replace("{b}", &b)
    }

    fn one(&mut self, scope: &Scope, class: Class, d: u32, form: &'static str, shape: &str) -> String {
        self.forms.saw(form);
        let a = self.expr(scope, class, d);
        shape.replace("{a}", &a)
    }

    fn by_class(&mut self, scope: &Scope, class: Class, d: u32) -> String {
        match class {
            Class::Int => match self.p.below(12) {
                0 => self.two(scope, Class::Int, d, "expr: int + int", "({a} + {b})"),
                1 => self.two(scope, Class::Int, d, "expr: int * int", "({a} * {b})"),
                2 => self.one(scope, Class::Text, d, "expr: length(text)", "length({a})"),
                3 => self.one(scope, Class::Int, d, "expr: abs(int)", "abs({a})"),
                4 => self.two(scope, Class::Int, d, "expr: greatest", "greatest({a}, {b})"),
                5 => self.one(
                    scope,
                    Class::Array,
                    d,
                    "expr: cardinality(array)",
                    "cardinality({a})",
                ),
                6 => self.one(scope, Class::Num, d, "expr: numeric::int", "CAST({a} AS integer)"),
                7 => self.one(scope, Class::Int, d, "expr: -int", "(- {a})"),
                8 => self.two(scope, Class::Text, d, "expr: strpos", "strpos({a}, {b})"),
                9 => self.two(scope, Class::Date, d, "expr: date - date", "({a} - {b})"),
                10 => self.one(scope, Class::Int, d, "expr: int::bigint", "{a}::bigint"),
                _ => self.one(
                    scope,
                    Class::Jsonb,
                    d,
                    "expr: jsonb_array_length",
                    "jsonb_array_length({a})",
                ),
            },
            Class::Num => match self.p.below(6) {
                0 => self.two(scope, Class::Num, d, "expr: numeric + numeric", "({a} + {b})"),
                1 => self.one(scope, Class::Int, d, "expr: int / 2.0", "({a} / 2.0)"),
                2 => self.one(scope, Class::Num, d, "expr: round(numeric, 1)", "round({a}, 1)"),
                3 => self.one(scope, Class::Stamp, d, "expr: EXTRACT", "EXTRACT(YEAR FROM {a})"),
                4 => self.one(
                    scope,
                    Class::Int,
                    d,
                    "expr: int::numeric",
                    "CAST({a} AS numeric(12,2))",
                ),
                _ => self.two(scope, Class::Num, d, "expr: numeric * numeric", "({a} * {b})"),
            },
            Class::Float => match self.p.below(3) {
                0 => self.one(scope, Class::Int, d, "expr: int::float8", "{a}::double precision"),
                1 => self.one(scope, Class::Float, d, "expr: sqrt(abs(float))", "sqrt(abs({a}))"),
                _ => self.two(scope, Class::Float, d, "expr: float * float", "({a} * {b})"),
            },
            Class::Text => match self.p.below(14) {
                0 => self.two(scope, Class::Text, d, "expr: text || text", "({a} || {b})"),
                1 => self.one(scope, Class::Text, d, "expr: lower", "lower({a})"),
                2 => self.one(
                    scope,
                    Class::Text,
                    d,
                    "expr: substring from for",
                    "substring({a} FROM 1 FOR 3)",
                ),
                3 => self.two(scope, Class::Text, d, "expr: concat", "concat({a}, {b})"),
                4 => {
                    let class = self.class(scope);
                    self.one(scope, class, d, "expr: ::text", "CAST({a} AS text)")
                }
                5 => self.one(scope, Class::Jsonb, d, "expr: jsonb ->> key", "({a} ->> 'k')"),
                6 => self.one(
                    scope,
                    Class::Text,
                    d,
                    "expr: trim both from",
                    "trim(BOTH ' ' FROM {a})",
                ),
                7 => self.two(scope, Class::Text, d, "expr: format", "format('%s-%s', {a}, {b})"),
                8 => self.one(scope, Class::Date, d, "expr: to_char", "to_char({a}, 'YYYY-MM')"),
                9 => self.two(
                    scope,
                    Class::Text,
                    d,
                    "expr: concat_ws",
                    "concat_ws(',', {a}, {b})",
                ),
                10 => self.one(scope, Class::Text, d, "expr: COLLATE", "({a} COLLATE \"C\")"),
                11 => self.one(scope, Class::Text, d, "expr: left", "left({a}, 2)"),
                12 => self.one(
                    scope,
                    Class::Array,
                    d,
                    "expr: array_to_string",
                    "array_to_string({a}, ',')",
                ),
                _ => self.one(scope, Class::Text, d, "expr: md5", "md5({a})"),
            },
            Class::Bool => self.predicate(scope, d),
            Class::Date => match self.p.below(4) {
                0 => self.one(
                    scope,
                    Class::Stamp,
                    d,
                    "expr: timestamp::date",
                    "CAST({a} AS date)",
                ),
                1 => self.one(scope, Class::Date, d, "expr: date + int", "({a} + 1)"),
                2 => "CURRENT_DATE".into(),
                _ => self.one(
                    scope,
                    Class::Int,
                    d,
                    "expr: make_date",
                    "make_date(2024, 1, least(greatest({a}, 1), 28)::int)",
                ),
            },
            Class::Stamp => match self.p.below(5) {
                0 => self.one(
                    scope,
                    Class::Stamp,
                    d,
                    "expr: timestamp + interval",
                    "({a} + INTERVAL '1 hour')",
                ),
                1 => self.one(
                    scope,
                    Class::Stamp,
                    d,
                    "expr: date_trunc",
                    "date_trunc('day', {a})",
                ),
                2 => "CURRENT_TIMESTAMP".into(),
                3 => self.one(
                    scope,
                    Class::Date,
                    d,
                    "expr: date::timestamp",
                    "CAST({a} AS timestamp)",
                ),
                _ => "LOCALTIMESTAMP".into(),
            },
            Class::Interval => match self.p.below(3) {
                0 => self.two(
                    scope,
                    Class::Stamp,
                    d,
                    "expr: timestamp - timestamp",
                    "({a} - {b})",
                ),
                1 => self.one(scope, Class::Interval, d, "expr: interval * 2", "({a} * 2)"),
                _ => self.one(
                    scope,
                    Class::Int,
                    d,
                    "expr: make_interval",
                    "make_interval(days => {a})",
                ),
            },
            Class::Jsonb => match self.p.below(6) {
                0 => self.one(scope, Class::Jsonb, d, "expr: jsonb -> key", "({a} -> 'a')"),
                1 => {
                    let class = self.class(scope);
                    self.one(
                        scope,
                        class,
                        d,
                        "expr: jsonb_build_object",
                        "jsonb_build_object('k', {a})",
                    )
                }
                2 => {
                    let class = self.class(scope);
                    self.one(scope, class, d, "expr: to_jsonb", "to_jsonb({a})")
                }
                3 => self.two(scope, Class::Jsonb, d, "expr: jsonb || jsonb", "({a} || {b})"),
                4 => self.one(scope, Class::Jsonb, d, "expr: jsonb #> path", "({a} #> '{a,0}')"),
                _ => self.one(scope, Class::Jsonb, d, "expr: jsonb - key", "({a} - 'k')"),
            },
            Class::Array => match self.p.below(5) {
                0 => self.two(scope, Class::Int, d, "expr: ARRAY[...]", "ARRAY[{a}, {b}]"),
                1 => self.two(scope, Class::Text, d, "expr: ARRAY[text]", "ARRAY[{a}, {b}]"),
                2 => self.one(
                    scope,
                    Class::Text,
                    d,
                    "expr: string_to_array",
                    "string_to_array({a}, ',')",
                ),
                3 if self.nesting < 2 => self.array_subquery(scope),
                _ => self.one(
                    scope,
                    Class::Int,
                    d,
                    "expr: array_append",
                    "array_append(ARRAY[1], {a})",
                ),
            },
            Class::Range => match self.p.below(3) {
                0 => self.two(
                    scope,
                    Class::Int,
                    d,
                    "expr: int4range",
                    "int4range(least({a}, {b}), greatest({a}, {b}))",
                ),
                1 => self.one(
                    scope,
                    Class::Range,
                    d,
                    "expr: range * range",
                    "({a} * int4range(0, 5))",
                ),
                _ => self.leaf(scope, Class::Range),
            },
            Class::Uuid => match self.p.below(2) {
                0 => "gen_random_uuid()".into(),
                _ => self.one(scope, Class::Text, d, "expr: md5::uuid", "CAST(md5({a}) AS uuid)"),
            },
            Class::Bytea => self.one(
                scope,
                Class::Text,
                d,
                "expr: convert_to",
                "convert_to({a}, 'UTF8')",
            ),
            Class::Enum | Class::Composite | Class::Other => self.leaf(scope, class),
        }
    }

    /// A boolean: comparisons, NULL tests, logic, IN, BETWEEN, LIKE, EXISTS, jsonb and array
    /// operators.
    pub fn predicate(&mut self, scope: &Scope, d: u32) -> String {
        match self.p.below(14) {
            0 | 1 => {
                let class = self.comparable(scope);
                self.forms.saw("expr: comparison");
                let a = self.expr(scope, class, d);
                let op = ["=", "<", "<>", ">=", "IS DISTINCT FROM"][self.p.below(5)];
                // `column = $n`: the parameter takes the column's type.
                let b = match self.params.is_some() && self.p.chance(40) {
                    true => {
                        self.forms.saw("expr: column = $n");
                        self.param().unwrap_or_default()
                    }
                    false => self.expr(scope, class, d),
                };
                format!("({a} {op} {b})")
            }
            2 => {
                let class = self.class(scope);
                let a = self.expr(scope, class, d);
                let not = if self.p.chance(50) { " NOT" } else { "" };
                self.forms.saw("expr: IS NULL");
                format!("({a} IS{not} NULL)")
            }
            3 => self.one(scope, Class::Bool, d, "expr: NOT", "(NOT {a})"),
            4 => self.two(scope, Class::Bool, d, "expr: AND", "({a} AND {b})"),
            5 => self.two(scope, Class::Bool, d, "expr: OR", "({a} OR {b})"),
            6 => {
                self.forms.saw("expr: IN (list)");
                let a = self.expr(scope, Class::Int, d);
                let not = if self.p.chance(30) { "NOT " } else { "" };
                format!("({a} {not}IN (1, 2, 42))")
            }
            7 => {
                let a = self.expr(scope, Class::Int, d);
                let lo = self.leaf(scope, Class::Int);
                self.forms.saw("expr: BETWEEN");
                format!("({a} BETWEEN {lo} AND 100)")
            }
            8 => self.one(scope, Class::Text, d, "expr: LIKE", "({a} LIKE 'a%')"),
            9 if self.nesting < 2 => self.exists(scope),
            10 => self.one(scope, Class::Jsonb, d, "expr: jsonb ? key", "({a} ? 'k')"),
            11 => self.one(
                scope,
                Class::Array,
                d,
                "expr: array && array",
                "({a} && ARRAY[1, 2])",
            ),
            12 if self.nesting < 2 => self.in_subquery(scope),
            _ => {
                let a = self.expr(scope, Class::Int, d);
                self.forms.saw("expr: = ANY(array)");
                format!("({a} = ANY (ARRAY[1, 2, 3]))")
            }
        }
    }

    /// A class values can be compared in (`<` is defined).
    fn comparable(&mut self, scope: &Scope) -> Class {
        match self.class(scope) {
            Class::Jsonb | Class::Composite | Class::Other | Class::Range | Class::Array => Class::Int,
            class => class,
        }
    }

    fn aggregate(&mut self, scope: &Scope, class: Class, d: u32) -> Option<String> {
        let inner = scope.inner();
        let filter = |g: &mut Gen<'_>| -> String {
            if g.p.chance(20) {
                g.forms.saw("expr: aggregate FILTER");
                format!(" FILTER (WHERE {})", g.predicate(&inner, d.min(1)))
            } else {
                String::new()
            }
        };
        let call = match class {
            Class::Int => match self.p.below(4) {
                0 => {
                    self.forms.saw("expr: count(*)");
                    format!("count(*){}", filter(self))
                }
                1 => {
                    let c = self.class(&inner);
                    let a = self.expr(&inner, c, d);
                    let distinct = if self.p.chance(30) { "DISTINCT " } else { "" };
                    self.forms.saw("expr: count(x)");
                    format!("count({distinct}{a}){}", filter(self))
                }
                2 => {
                    let a = self.expr(&inner, Class::Int, d);
                    self.forms.saw("expr: max(int)");
                    format!("max({a}){}", filter(self))
                }
                _ => {
                    let a = self.expr(&inner, Class::Int, d);
                    self.forms.saw("expr: sum(int)");
                    format!("sum({a}){}", filter(self))
                }
            },
            Class::Num => {
                let a = self.expr(&inner, Class::Int, d);
                self.forms.saw("expr: avg");
                format!("avg({a}){}", filter(self))
            }
            Class::Text => {
                let a = self.expr(&inner, Class::Text, d);
                let order = if self.p.chance(40) {
                    self.forms.saw("expr: aggregate ORDER BY");
                    format!(" ORDER BY {a} DESC")
                } else {
                    String::new()
                };
                self.forms.saw("expr: string_agg");
                format!("string_agg({a}, ','{order}){}", filter(self))
            }
            Class::Bool => {
                let a = self.predicate(&inner, d);
                self.forms.saw("expr: bool_and");
                format!("bool_and({a})")
            }
            Class::Array => {
                let a = self.expr(&inner, Class::Int, d);
                self.forms.saw("expr: array_agg");
                format!("array_agg({a})")
            }
            Class::Jsonb => {
                let c = self.class(&inner);
                let a = self.expr(&inner, c, d);
                self.forms.saw("expr: jsonb_agg");
                format!("jsonb_agg({a})")
            }
            Class::Stamp | Class::Date | Class::Interval | Class::Float | Class::Enum => {
                let a = self.expr(&inner, class, d);
                self.forms.saw("expr: min(x)");
                format!("min({a})")
            }
            _ => return None,
        };
        Some(call)
    }

    fn window(&mut self, scope: &Scope, class: Class, d: u32) -> Option<String> {
        let inner = scope.inner();
        let mut over = Vec::new();
        if self.p.chance(50) {
            let c = self.comparable(&inner);
            over.push(format!("PARTITION BY {}", self.expr(&inner, c, 0)));
        }
        if self.p.chance(60) {
            let c = self.comparable(&inner);
            over.push(format!("ORDER BY {}", self.expr(&inner, c, 0)));
        }
        if self.p.chance(20) {
            self.forms.saw("expr: window frame");
            over.push("ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW".into());
        }
        let over = over.join(" ");
        let call = match class {
            Class::Int => match self.p.below(3) {
                0 => {
                    self.forms.saw("expr: row_number()");
                    "row_number()".to_string()
                }
                1 => {
                    self.forms.saw("expr: rank()");
                    "rank()".to_string()
                }
                _ => {
                    let a = self.expr(&inner, Class::Int, d);
                    self.forms.saw("expr: sum() OVER");
                    format!("sum({a})")
                }
            },
            Class::Text | Class::Date | Class::Stamp | Class::Bool => {
                let a = self.expr(&inner, class, d);
                self.forms.saw("expr: lag()");
                format!("lag({a})")
            }
            Class::Float => {
                self.forms.saw("expr: percent_rank()");
                "percent_rank()".into()
            }
            _ => return None,
        };
        Some(format!("{call} OVER ({over})"))
    }

    /// A source subqueries may read, with an alias for it.
    fn subquery_source(&mut self) -> Option<(Source, String)> {
        let source = self.p.pick(&self.sources)?.clone();
        let alias = self.alias();
        Some((source, alias))
    }

    /// The columns of `source` as `alias.column`.
    pub fn visible(source: &Source, alias: &str) -> Vec<Visible> {
        source
            .columns
            .iter()
            .map(|c| Visible {
                sql: format!("{alias}.{}", quote_ident(&c.name)),
                ty: c.ty.clone(),
            })
            .collect()
    }

    /// `WHERE` of a subquery over `inner`: sometimes correlated with `outer`.
    fn sub_where(&mut self, outer: &Scope, inner: &[Visible]) -> String {
        if !self.p.chance(60) {
            return String::new();
        }
        let mut both = inner.to_vec();
        if self.p.chance(60) {
            self.forms.saw("expr: correlated subquery");
            both.extend(outer.columns.iter().cloned());
        }
        self.nesting += 1;
        let cond = self.predicate(&Scope::plain(both), 1);
        self.nesting -= 1;
        format!(" WHERE {cond}")
    }

    fn scalar_subquery(&mut self, outer: &Scope, class: Class) -> Option<String> {
        let (source, alias) = self.subquery_source()?;
        let inner = Self::visible(&source, &alias);
        let where_ = self.sub_where(outer, &inner);
        self.nesting += 1;
        let scope = Scope {
            columns: Vec::new(),
            aggregate_over: Some(inner.clone()),
            windows: false,
        };
        let value = if self.p.chance(50) {
            self.aggregate(&scope, class, 1)
        } else {
            None
        };
        let value = match value {
            Some(v) => v,
            // A plain column: LIMIT 1 keeps it one row.
            None => {
                let v = self.expr(&Scope::plain(inner), class, 1);
                self.nesting -= 1;
                self.forms.saw("expr: scalar subquery LIMIT 1");
                return Some(format!(
                    "(SELECT {v} FROM {} {alias}{where_} LIMIT 1)",
                    source.sql
                ));
            }
        };
        self.nesting -= 1;
        self.forms.saw("expr: scalar subquery");
        Some(format!("(SELECT {value} FROM {} {alias}{where_})", source.sql))
    }

    fn exists(&mut self, outer: &Scope) -> String {
        let Some((source, alias)) = self.subquery_source() else {
            return "true".into();
        };
        let inner = Self::visible(&source, &alias);
        let where_ = self.sub_where(outer, &inner);
        let not = if self.p.chance(30) { "NOT " } else { "" };
        self.forms.saw("expr: EXISTS");
        format!("({not}EXISTS (SELECT 1 FROM {} {alias}{where_}))", source.sql)
    }

    fn in_subquery(&mut self, outer: &Scope) -> String {
        let Some((source, alias)) = self.subquery_source() else {
            return "false".into();
        };
        let inner = Self::visible(&source, &alias);
        let Some(column) = self.p.pick(&inner).cloned() else {
            return "false".into();
        };
        let class = match column.ty.class {
            Class::Jsonb | Class::Composite | Class::Other => return "false".into(),
            class => class,
        };
        let a = self.expr(outer, class, 1);
        let where_ = self.sub_where(outer, &inner);
        self.forms.saw("expr: IN (subquery)");
        format!(
            "({a} IN (SELECT {} FROM {} {alias}{where_}))",
            column.sql, source.sql
        )
    }

    fn array_subquery(&mut self, outer: &Scope) -> String {
        let Some((source, alias)) = self.subquery_source() else {
            return "ARRAY[1]".into();
        };
        let inner = Self::visible(&source, &alias);
        let where_ = self.sub_where(outer, &inner);
        self.nesting += 1;
        let v = self.expr(&Scope::plain(inner), Class::Int, 1);
        self.nesting -= 1;
        self.forms.saw("expr: ARRAY(subquery)");
        format!("ARRAY(SELECT {v} FROM {} {alias}{where_})", source.sql)
    }
}

/// The type a class's values are written as when a cast must name one.
pub fn canonical(class: Class) -> Option<&'static str> {
    Some(match class {
        Class::Int => "integer",
        Class::Num => "numeric",
        Class::Float => "double precision",
        Class::Text => "text",
        Class::Bool => "boolean",
        Class::Date => "date",
        Class::Stamp => "timestamp with time zone",
        Class::Interval => "interval",
        Class::Jsonb => "jsonb",
        Class::Uuid => "uuid",
        Class::Bytea => "bytea",
        Class::Array => "integer[]",
        Class::Range => "int4range",
        Class::Enum | Class::Composite | Class::Other => return None,
    })
}
