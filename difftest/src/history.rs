//! Random DDL over a growing schema: each statement is written against the catalog folded from
//! the statements PostgreSQL accepted before it, so most of them name what exists. Tables
//! (identity, generated, defaults, arrays, domains, enums, composites, ranges, keys, checks,
//! foreign keys, partitions, inheritance, `LIKE`), every kind of `ALTER TABLE` action,
//! views and materialized views over earlier objects, indexes, types, domains, sequences,
//! schemas and `search_path`, renames, moves, comments and drops of every object kind.

use stagely_codegen::catalog::{Catalog, Relation, RelationKind};

use crate::choices::Forms;
use crate::expr::{Col, Gen, Scope, Source, Visible};
use crate::types::{BUILTIN, Class, SqlTy, classify, quote_ident, quote_literal, value_of};

/// What a history knows beside the catalog: the schemas it made, the search path it set, and
/// a counter for fresh names.
#[derive(Debug, Clone)]
pub struct State {
    /// Schemas that exist (`public` first).
    pub schemas: Vec<String>,
    /// The search path as set (`None`: the default, `"$user", public`).
    pub path: Option<Vec<String>>,
    /// Names made so far.
    pub counter: u32,
}

impl Default for State {
    fn default() -> Self {
        Self {
            schemas: vec!["public".into()],
            path: None,
            counter: 0,
        }
    }
}

/// One statement: its SQL, the forms it used, and the state after it if PostgreSQL accepts it.
#[derive(Debug)]
pub struct Statement {
    /// The SQL, without a trailing `;`.
    pub sql: String,
    /// Forms produced.
    pub forms: Forms,
    /// The state once it is applied.
    pub after: State,
}

/// The weights of the statement kinds, in [`statement`]'s order.
const KINDS: &[u16] = &[14, 18, 8, 4, 2, 2, 2, 1, 2, 1, 1, 2, 2, 2, 4, 4, 1, 2, 1];

/// Writes one statement from `numbers`, against `catalog` and `state`.
pub fn statement(numbers: &[u16], catalog: &Catalog, state: &State) -> Statement {
    let mut w = Writer {
        g: Gen::new(numbers, catalog, sources(catalog, state)),
        state: state.clone(),
    };
    let sql = match w.g.p.weighted(KINDS) {
        0 => w.create_table(),
        1 => w.alter_table(),
        2 => w.create_view(),
        3 => w.create_index(),
        4 => w.create_enum(),
        5 => w.alter_enum(),
        6 => w.create_domain(),
        7 => w.alter_domain(),
        8 => w.create_composite(),
        9 => w.alter_composite(),
        10 => w.create_range(),
        11 => w.sequence(),
        12 => w.schema(),
        13 => w.search_path(),
        14 => w.rename(),
        15 => w.drop(),
        16 => w.comment(),
        17 => w.partition_or_child(),
        _ => w.table_as(),
    };
    // Names are fresh whether or not PostgreSQL takes the statement.
    Statement {
        sql,
        forms: w.g.forms,
        after: w.state,
    }
}

/// The relations with known columns, as sources for views and queries (named as SQL must
/// name them from the current search path).
pub fn sources(catalog: &Catalog, state: &State) -> Vec<Source> {
    catalog
        .tables
        .iter()
        .filter(|r| r.unknown.is_none() && r.partition_of.is_none())
        .map(|r| Source {
            sql: qualified(&r.schema, &r.name, state, catalog),
            columns: r
                .columns
                .iter()
                .map(|c| Col {
                    name: c.name.clone(),
                    ty: SqlTy::of(&c.data_type, catalog),
                })
                .collect(),
        })
        .collect()
}

/// `schema.name` quoted as needed; bare when the search path finds it there anyway.
pub fn qualified(schema: &str, name: &str, state: &State, catalog: &Catalog) -> String {
    let path = state.path.clone().unwrap_or_else(|| vec!["public".into()]);
    let first = path.iter().find(|s| {
        state.schemas.contains(s) && catalog.tables.iter().any(|r| &r.schema == *s && r.name == name)
    });
    if first.is_some_and(|s| s == schema) {
        quote_ident(name)
    } else {
        format!("{}.{}", quote_ident(schema), quote_ident(name))
    }
}

struct Writer<'a> {
    g: Gen<'a>,
    state: State,
}

impl Writer<'_> {
    fn fresh(&mut self, prefix: &str) -> String {
        self.state.counter += 1;
        format!("{prefix}{}", self.state.counter)
    }

    /// A new relation's name: mostly bare (created where the search path says), sometimes in
    /// a schema of the history's, sometimes needing quotes.
    fn new_name(&mut self, prefix: &str) -> (Option<String>, String) {
        let mut name = self.fresh(prefix);
        if self.g.p.chance(8) {
            self.g.forms.saw("name: quoted mixed case");
            name = name.to_uppercase();
        }
        let schema = if self.g.p.chance(25) {
            self.g.p.pick(&self.state.schemas).cloned()
        } else {
            None
        };
        (schema, name)
    }

    fn written(schema: &Option<String>, name: &str) -> String {
        match schema {
            Some(s) => format!("{}.{}", quote_ident(s), quote_ident(name)),
            None => quote_ident(name),
        }
    }

    fn pick_relation(&mut self, kinds: &[RelationKind]) -> Option<Relation> {
        let all = relations(self.g.catalog, kinds);
        self.g.p.pick(&all).map(|r| (*r).clone())
    }

    fn name_of(&self, r: &Relation) -> String {
        qualified(&r.schema, &r.name, &self.state, self.g.catalog)
    }

    /// A column type: built in (sometimes an array of one) or one of the history's types.
    fn column_type(&mut self) -> SqlTy {
        let catalog = self.g.catalog;
        let mut user: Vec<String> = Vec::new();
        user.extend(catalog.enums.iter().map(|e| type_name(&e.schema, &e.name)));
        user.extend(catalog.domains.iter().map(|d| type_name(&d.schema, &d.name)));
        user.extend(
            catalog
                .composite_types
                .iter()
                .map(|c| type_name(&c.schema, &c.name)),
        );
        user.extend(catalog.range_types.iter().map(|r| type_name(&r.schema, &r.name)));
        if !user.is_empty() && self.g.p.chance(20) {
            self.g.forms.saw("column: user type");
            let sql = self.g.p.pick(&user).cloned().unwrap_or_default();
            return SqlTy::of(&sql, catalog);
        }
        let (sql, class) = BUILTIN[self.g.p.below(BUILTIN.len())];
        SqlTy {
            sql: sql.into(),
            class,
        }
    }

    /// A column definition for a table being made or altered; `others` are the columns
    /// already defined (for generated columns).
    fn column_def(&mut self, name: &str, others: &[Visible], table_has_key: &mut bool) -> (String, SqlTy) {
        let ty = self.column_type();
        let mut def = format!("{} {}", quote_ident(name), ty.sql);
        let int = ty.class == Class::Int && !ty.sql.contains('.');
        if int && self.g.p.chance(12) {
            let kind = ["ALWAYS", "BY DEFAULT"][self.g.p.below(2)];
            self.g.forms.saw("column: identity");
            def.push_str(&format!(" GENERATED {kind} AS IDENTITY"));
            if !*table_has_key && self.g.p.chance(60) {
                def.push_str(" PRIMARY KEY");
                *table_has_key = true;
            }
            return (def, ty);
        }
        if int && self.g.p.chance(6) {
            self.g.forms.saw("column: serial");
            let serial = if ty.sql == "bigint" { "bigserial" } else { "serial" };
            return (
                format!("{} {serial}", quote_ident(name)),
                SqlTy::of("integer", self.g.catalog),
            );
        }
        if !others.is_empty() && self.g.p.chance(8) {
            // A generated column: an immutable expression of the columns before it.
            let scope = Scope::plain(others.to_vec());
            let class = match ty.class {
                Class::Int | Class::Text | Class::Bool | Class::Num => ty.class,
                _ => Class::Int,
            };
            let sql_ty = crate::expr::canonical(class).unwrap_or("integer");
            let mut gen_expr = self.g.expr(&scope, class, 1);
            // Volatile and stable functions are rejected by PostgreSQL; keep it simple.
            if gen_expr.contains('(') && self.g.p.chance(50) {
                gen_expr = others[0].sql.clone();
            }
            self.g.forms.saw("column: generated stored");
            return (
                format!(
                    "{} {sql_ty} GENERATED ALWAYS AS ({gen_expr}) STORED",
                    quote_ident(name)
                ),
                SqlTy::of(sql_ty, self.g.catalog),
            );
        }
        if ty.class == Class::Text && self.g.p.chance(10) {
            self.g.forms.saw("column: COLLATE");
            def.push_str(" COLLATE \"C\"");
        }
        if self.g.p.chance(30) {
            self.g.forms.saw("column: NOT NULL");
            def.push_str(" NOT NULL");
        } else if self.g.p.chance(5) {
            def.push_str(" NULL");
        }
        if self.g.p.chance(20) {
            self.g.forms.saw("column: DEFAULT");
            let v = value_of(&ty, self.g.catalog, &mut self.g.p);
            def.push_str(&format!(" DEFAULT {v}"));
        }
        if !*table_has_key && self.g.p.chance(25) {
            self.g.forms.saw("column: PRIMARY KEY");
            def.push_str(" PRIMARY KEY");
            *table_has_key = true;
        } else if self.g.p.chance(8) {
            self.g.forms.saw("column: UNIQUE");
            def.push_str(" UNIQUE");
        }
        if ty.class == Class::Int && self.g.p.chance(8) {
            self.g.forms.saw("column: CHECK");
            def.push_str(&format!(" CHECK ({} > 0)", quote_ident(name)));
        }
        if let Some(reference) = self.reference_to(&ty) {
            def.push_str(&format!(" REFERENCES {reference}"));
        }
        (def, ty)
    }

    /// `other(key) [ON DELETE ...]` for a column of type `ty`: a key of an existing table of
    /// the same type, sometimes.
    fn reference_to(&mut self, ty: &SqlTy) -> Option<String> {
        if !self.g.p.chance(12) {
            return None;
        }
        let catalog = self.g.catalog;
        let targets: Vec<(String, String)> = catalog
            .tables
            .iter()
            .filter(|r| r.kind == RelationKind::Table && r.primary_key.len() == 1)
            .filter_map(|r| {
                let key = r.columns.iter().find(|c| c.name == r.primary_key[0])?;
                (classify(&key.data_type, catalog) == ty.class).then(|| (self.name_of(r), key.name.clone()))
            })
            .collect();
        let (table, key) = self.g.p.pick(&targets)?.clone();
        self.g.forms.saw("column: REFERENCES");
        let action = [
            "",
            " ON DELETE CASCADE",
            " ON DELETE SET NULL",
            " ON UPDATE RESTRICT",
        ][self.g.p.below(4)];
        Some(format!("{table} ({}){action}", quote_ident(&key)))
    }

    fn column_name(&mut self) -> String {
        // Shared names make USING and NATURAL joins possible.
        if self.g.p.chance(30) {
            ["id", "name", "amount", "created_at", "kind"][self.g.p.below(5)].into()
        } else {
            self.fresh("c")
        }
    }

    fn create_table(&mut self) -> String {
        self.g.forms.saw("stmt: CREATE TABLE");
        let (schema, name) = self.new_name("t");
        let mut defs = Vec::new();
        let mut visible: Vec<Visible> = Vec::new();
        let mut has_key = false;
        if self.g.p.chance(8)
            && let Some(like) = self.pick_relation(&[RelationKind::Table])
        {
            self.g.forms.saw("stmt: CREATE TABLE (LIKE ...)");
            let including = [
                "",
                " INCLUDING ALL",
                " INCLUDING DEFAULTS",
                " INCLUDING CONSTRAINTS INCLUDING INDEXES",
            ][self.g.p.below(4)];
            defs.push(format!("LIKE {}{including}", self.name_of(&like)));
            has_key = true;
        }
        let n = 1 + self.g.p.below(5);
        for _ in 0..n {
            let column = self.column_name();
            let (def, ty) = self.column_def(&column, &visible, &mut has_key);
            if !def.contains("GENERATED ALWAYS AS (") {
                visible.push(Visible {
                    sql: quote_ident(&column),
                    ty,
                });
            }
            defs.push(def);
        }
        // Table constraints.
        if !has_key && visible.len() >= 2 && self.g.p.chance(15) {
            self.g.forms.saw("table: PRIMARY KEY (a, b)");
            defs.push(format!("PRIMARY KEY ({}, {})", visible[0].sql, visible[1].sql));
        }
        if !visible.is_empty() && self.g.p.chance(10) {
            let c = self
                .g
                .p
                .pick(&visible)
                .cloned()
                .map(|c| c.sql)
                .unwrap_or_default();
            let named = self.fresh("uq");
            self.g.forms.saw("table: CONSTRAINT UNIQUE");
            defs.push(format!("CONSTRAINT {named} UNIQUE ({c})"));
        }
        if !visible.is_empty() && self.g.p.chance(10) {
            self.g.forms.saw("table: CHECK");
            let check = self.g.predicate(&Scope::plain(visible.clone()), 1);
            defs.push(format!("CHECK ({check})"));
        }
        let mut sql = format!(
            "CREATE {}TABLE {}{} ({})",
            if self.g.p.chance(5) { "UNLOGGED " } else { "" },
            if self.g.p.chance(5) { "IF NOT EXISTS " } else { "" },
            Self::written(&schema, &name),
            defs.join(", ")
        );
        if !visible.is_empty() && self.g.p.chance(12) {
            let key = self
                .g
                .p
                .pick(&visible)
                .cloned()
                .unwrap_or_else(|| visible[0].clone());
            let strategy = match key.ty.class {
                Class::Int | Class::Date | Class::Stamp => ["RANGE", "LIST", "HASH"][self.g.p.below(3)],
                Class::Text => ["LIST", "HASH"][self.g.p.below(2)],
                _ => "HASH",
            };
            self.g.forms.saw("table: PARTITION BY");
            sql.push_str(&format!(" PARTITION BY {strategy} ({})", key.sql));
        } else if self.g.p.chance(6)
            && let Some(parent) = self.pick_relation(&[RelationKind::Table])
            && parent.partition_by.is_none()
        {
            self.g.forms.saw("table: INHERITS");
            sql.push_str(&format!(" INHERITS ({})", self.name_of(&parent)));
        }
        sql
    }

    /// A partition of a partitioned table (with a bound that fits its key), or a child table.
    fn partition_or_child(&mut self) -> String {
        let partitioned: Vec<Relation> = relations(self.g.catalog, &[RelationKind::Table])
            .into_iter()
            .filter(|r| r.partition_by.is_some())
            .cloned()
            .collect();
        let (schema, name) = self.new_name("p");
        let Some(parent) = self.g.p.pick(&partitioned).cloned() else {
            return self.create_table();
        };
        self.g.forms.saw("stmt: CREATE TABLE PARTITION OF");
        let bound = self.bound(&parent);
        let mut sql = format!(
            "CREATE TABLE {} PARTITION OF {} {bound}",
            Self::written(&schema, &name),
            self.name_of(&parent)
        );
        if self.g.p.chance(20)
            && let Some(c) = parent.columns.first()
        {
            self.g.forms.saw("table: partition of, itself partitioned");
            sql.push_str(&format!(" PARTITION BY LIST ({})", quote_ident(&c.name)));
        }
        sql
    }

    /// `FOR VALUES ...` or `DEFAULT` for a partition of `parent`.
    fn bound(&mut self, parent: &Relation) -> String {
        let by = parent.partition_by.clone().unwrap_or_default();
        let key_column = by
            .split_once('(')
            .map(|(_, rest)| rest.trim_end_matches(')').trim().trim_matches('"').to_string())
            .unwrap_or_default();
        let class = parent
            .columns
            .iter()
            .find(|c| c.name == key_column)
            .map_or(Class::Int, |c| classify(&c.data_type, self.g.catalog));
        if !by.starts_with("HASH") && self.g.p.chance(15) {
            return "DEFAULT".into();
        }
        let k = self.g.p.below(8) as i64;
        if by.starts_with("RANGE") {
            match class {
                Class::Date | Class::Stamp => {
                    format!(
                        "FOR VALUES FROM ('2024-{:02}-01') TO ('2024-{:02}-01')",
                        k + 1,
                        k + 2
                    )
                }
                _ => format!("FOR VALUES FROM ({}) TO ({})", k * 10, k * 10 + 10),
            }
        } else if by.starts_with("LIST") {
            match class {
                Class::Text => format!("FOR VALUES IN ('v{k}', 'w{k}')"),
                Class::Date | Class::Stamp => format!("FOR VALUES IN ('2024-01-{:02}')", k + 1),
                _ => format!("FOR VALUES IN ({k}, {})", k + 100),
            }
        } else {
            format!("FOR VALUES WITH (MODULUS 4, REMAINDER {})", k % 4)
        }
    }

    fn table_as(&mut self) -> String {
        let (schema, name) = self.new_name("ta");
        let select = self.g.select(None, true, 1);
        if self.g.p.chance(30) {
            self.g.forms.saw("stmt: SELECT INTO");
            // SELECT ... INTO name FROM ...: the INTO goes after the select list.
            let sql = select.sql.clone();
            if let Some((list, rest)) = split_select_list(&sql) {
                return format!("{list} INTO {}{rest}", Self::written(&schema, &name));
            }
        }
        self.g.forms.saw("stmt: CREATE TABLE AS");
        let data = if self.g.p.chance(30) { " WITH NO DATA" } else { "" };
        format!(
            "CREATE TABLE {} AS {}{data}",
            Self::written(&schema, &name),
            select.sql
        )
    }

    fn alter_table(&mut self) -> String {
        let Some(table) = self.pick_relation(&[RelationKind::Table]) else {
            return self.create_table();
        };
        let n = if self.g.p.chance(15) { 2 } else { 1 };
        let mut actions = Vec::new();
        for _ in 0..n {
            actions.push(self.alter_action(&table));
        }
        let only = if self.g.p.chance(5) { "ONLY " } else { "" };
        let if_exists = if self.g.p.chance(5) { "IF EXISTS " } else { "" };
        format!(
            "ALTER TABLE {if_exists}{only}{} {}",
            self.name_of(&table),
            actions.join(", ")
        )
    }

    fn pick_column(&mut self, table: &Relation) -> String {
        self.g
            .p
            .pick(&table.columns)
            .map_or_else(|| "nope".into(), |c| quote_ident(&c.name))
    }

    fn pick_constraint(&mut self, table: &Relation) -> String {
        let mut names: Vec<String> = table.checks.iter().map(|c| c.name.clone()).collect();
        names.extend(table.unique.iter().map(|u| u.name.clone()));
        names.extend(table.foreign_keys.iter().map(|f| f.name.clone()));
        names.extend(table.primary_key_name.clone());
        self.g
            .p
            .pick(&names)
            .map_or_else(|| "nope".into(), |n| quote_ident(n))
    }

    fn alter_action(&mut self, table: &Relation) -> String {
        let visible: Vec<Visible> = table
            .columns
            .iter()
            .map(|c| Visible {
                sql: quote_ident(&c.name),
                ty: SqlTy::of(&c.data_type, self.g.catalog),
            })
            .collect();
        match self
            .g
            .p
            .weighted(&[8, 4, 3, 4, 4, 3, 2, 2, 2, 3, 2, 1, 1, 1, 2, 1, 2, 1])
        {
            0 => {
                self.g.forms.saw("stmt: ALTER TABLE ADD COLUMN");
                let name = self.column_name();
                let mut has_key = !table.primary_key.is_empty();
                let (def, _) = self.column_def(&name, &visible, &mut has_key);
                let if_not = if self.g.p.chance(10) { "IF NOT EXISTS " } else { "" };
                format!("ADD COLUMN {if_not}{def}")
            }
            1 => {
                self.g.forms.saw("stmt: ALTER TABLE DROP COLUMN");
                let c = self.pick_column(table);
                let cascade = if self.g.p.chance(40) { " CASCADE" } else { "" };
                let if_exists = if self.g.p.chance(10) { "IF EXISTS " } else { "" };
                format!("DROP COLUMN {if_exists}{c}{cascade}")
            }
            2 => {
                self.g.forms.saw("stmt: ALTER TABLE RENAME COLUMN");
                let c = self.pick_column(table);
                let new = self.column_name();
                format!("RENAME COLUMN {c} TO {}", quote_ident(&new))
            }
            3 => {
                self.g.forms.saw("stmt: ALTER TABLE ALTER COLUMN TYPE");
                let c = self.pick_column(table);
                let ty = self.column_type();
                let using = if self.g.p.chance(40) {
                    format!(" USING {c}::text::{}", ty.sql)
                } else {
                    String::new()
                };
                format!("ALTER COLUMN {c} TYPE {}{using}", ty.sql)
            }
            4 => {
                let c = self.pick_column(table);
                if self.g.p.chance(50) {
                    self.g.forms.saw("stmt: ALTER COLUMN SET NOT NULL");
                    format!("ALTER COLUMN {c} SET NOT NULL")
                } else {
                    self.g.forms.saw("stmt: ALTER COLUMN DROP NOT NULL");
                    format!("ALTER COLUMN {c} DROP NOT NULL")
                }
            }
            5 => {
                let column = self.g.p.pick(&visible).cloned();
                match column {
                    Some(c) if self.g.p.chance(60) => {
                        self.g.forms.saw("stmt: ALTER COLUMN SET DEFAULT");
                        let v = value_of(&c.ty, self.g.catalog, &mut self.g.p);
                        format!("ALTER COLUMN {} SET DEFAULT {v}", c.sql)
                    }
                    _ => {
                        self.g.forms.saw("stmt: ALTER COLUMN DROP DEFAULT");
                        let c = self.pick_column(table);
                        format!("ALTER COLUMN {c} DROP DEFAULT")
                    }
                }
            }
            6 => {
                let c = self.pick_column(table);
                match self.g.p.below(4) {
                    0 => {
                        self.g.forms.saw("stmt: ALTER COLUMN ADD IDENTITY");
                        format!("ALTER COLUMN {c} ADD GENERATED BY DEFAULT AS IDENTITY")
                    }
                    1 => {
                        self.g.forms.saw("stmt: ALTER COLUMN DROP IDENTITY");
                        format!("ALTER COLUMN {c} DROP IDENTITY IF EXISTS")
                    }
                    2 => {
                        self.g.forms.saw("stmt: ALTER COLUMN SET GENERATED");
                        format!("ALTER COLUMN {c} SET GENERATED ALWAYS")
                    }
                    _ => {
                        self.g.forms.saw("stmt: ALTER COLUMN DROP EXPRESSION");
                        format!("ALTER COLUMN {c} DROP EXPRESSION IF EXISTS")
                    }
                }
            }
            7 => {
                let c = self.pick_column(table);
                self.g.forms.saw("stmt: ALTER COLUMN SET STATISTICS/STORAGE");
                match self.g.p.below(2) {
                    0 => format!("ALTER COLUMN {c} SET STATISTICS 200"),
                    _ => format!("ALTER COLUMN {c} SET STORAGE EXTERNAL"),
                }
            }
            8 => {
                self.g.forms.saw("stmt: ADD PRIMARY KEY");
                let c = self.pick_column(table);
                if self.g.p.chance(50) {
                    let name = self.fresh("pk");
                    format!("ADD CONSTRAINT {name} PRIMARY KEY ({c})")
                } else {
                    format!("ADD PRIMARY KEY ({c})")
                }
            }
            9 => {
                let c = self.pick_column(table);
                let named = if self.g.p.chance(50) {
                    format!("CONSTRAINT {} ", self.fresh("k"))
                } else {
                    String::new()
                };
                match self.g.p.below(3) {
                    0 => {
                        self.g.forms.saw("stmt: ADD UNIQUE");
                        format!("ADD {named}UNIQUE ({c})")
                    }
                    1 => {
                        self.g.forms.saw("stmt: ADD CHECK");
                        let check = self.g.predicate(&Scope::plain(visible.clone()), 1);
                        let valid = if self.g.p.chance(30) { " NOT VALID" } else { "" };
                        format!("ADD {named}CHECK ({check}){valid}")
                    }
                    _ => {
                        let column = self.g.p.pick(&visible).cloned();
                        match column.and_then(|col| Some((self.reference_to(&col.ty)?, col))) {
                            Some((reference, col)) => {
                                self.g.forms.saw("stmt: ADD FOREIGN KEY");
                                let valid = if self.g.p.chance(30) { " NOT VALID" } else { "" };
                                format!(
                                    "ADD {named}FOREIGN KEY ({}) REFERENCES {reference}{valid}",
                                    col.sql
                                )
                            }
                            None => format!("ADD {named}UNIQUE ({c})"),
                        }
                    }
                }
            }
            10 => {
                self.g.forms.saw("stmt: DROP CONSTRAINT");
                let name = self.pick_constraint(table);
                let cascade = if self.g.p.chance(30) { " CASCADE" } else { "" };
                let if_exists = if self.g.p.chance(10) { "IF EXISTS " } else { "" };
                format!("DROP CONSTRAINT {if_exists}{name}{cascade}")
            }
            11 => {
                self.g.forms.saw("stmt: RENAME CONSTRAINT");
                let name = self.pick_constraint(table);
                let new = self.fresh("k");
                format!("RENAME CONSTRAINT {name} TO {new}")
            }
            12 => {
                self.g.forms.saw("stmt: VALIDATE CONSTRAINT");
                let name = self.pick_constraint(table);
                format!("VALIDATE CONSTRAINT {name}")
            }
            13 => {
                let parent = self.pick_relation(&[RelationKind::Table]);
                let parent = parent.map_or_else(|| "nope".into(), |p| self.name_of(&p));
                if table.inherits.is_empty() || self.g.p.chance(50) {
                    self.g.forms.saw("stmt: INHERIT");
                    format!("INHERIT {parent}")
                } else {
                    self.g.forms.saw("stmt: NO INHERIT");
                    let p = &table.inherits[0];
                    format!(
                        "NO INHERIT {}",
                        qualified(&p.schema, &p.name, &self.state, self.g.catalog)
                    )
                }
            }
            14 if table.partition_by.is_some() => {
                let tables = relations(self.g.catalog, &[RelationKind::Table]);
                let attached: Vec<Relation> = tables
                    .iter()
                    .filter(|r| {
                        r.partition_of
                            .as_ref()
                            .is_some_and(|p| p.schema == table.schema && p.name == table.name)
                    })
                    .map(|r| (*r).clone())
                    .collect();
                let loose: Vec<Relation> = tables
                    .iter()
                    .filter(|r| r.partition_of.is_none() && r.partition_by.is_none() && r.inherits.is_empty())
                    .map(|r| (*r).clone())
                    .collect();
                if !attached.is_empty() && self.g.p.chance(50) {
                    self.g.forms.saw("stmt: DETACH PARTITION");
                    let p = self
                        .g
                        .p
                        .pick(&attached)
                        .cloned()
                        .unwrap_or_else(|| attached[0].clone());
                    format!("DETACH PARTITION {}", self.name_of(&p))
                } else {
                    self.g.forms.saw("stmt: ATTACH PARTITION");
                    let p = self
                        .g
                        .p
                        .pick(&loose)
                        .map_or_else(|| "nope".into(), |r| self.name_of(r));
                    let bound = self.bound(table);
                    format!("ATTACH PARTITION {p} {bound}")
                }
            }
            15 => {
                self.g.forms.saw("stmt: ALTER TABLE SET/OWNER");
                [
                    "SET (fillfactor = 70)",
                    "OWNER TO CURRENT_USER",
                    "SET UNLOGGED",
                    "SET LOGGED",
                    "SET WITHOUT CLUSTER",
                ][self.g.p.below(5)]
                .to_string()
            }
            16 => {
                self.g.forms.saw("stmt: ALTER TABLE RENAME TO");
                let new = self.fresh("t");
                format!("RENAME TO {}", quote_ident(&new))
            }
            _ => {
                self.g.forms.saw("stmt: ALTER TABLE SET SCHEMA");
                let to = self
                    .g
                    .p
                    .pick(&self.state.schemas)
                    .cloned()
                    .unwrap_or_else(|| "public".into());
                format!("SET SCHEMA {}", quote_ident(&to))
            }
        }
    }

    fn create_view(&mut self) -> String {
        let (schema, name) = self.new_name("v");
        let materialized = self.g.p.chance(20);
        let select = self.g.select(None, false, 2);
        let columns = if self.g.p.chance(15) {
            self.g.forms.saw("stmt: CREATE VIEW (columns)");
            let names: Vec<String> = (1..=select.columns.len()).map(|i| format!("vc{i}")).collect();
            format!(" ({})", names.join(", "))
        } else {
            String::new()
        };
        if materialized {
            self.g.forms.saw("stmt: CREATE MATERIALIZED VIEW");
            let data = if self.g.p.chance(30) { " WITH NO DATA" } else { "" };
            format!(
                "CREATE MATERIALIZED VIEW {}{columns} AS {}{data}",
                Self::written(&schema, &name),
                select.sql
            )
        } else if self.g.p.chance(10)
            && let Some(view) = self.pick_relation(&[RelationKind::View])
        {
            // Replacing a view: PostgreSQL takes it only when the old columns stay first,
            // with their types.
            self.g.forms.saw("stmt: CREATE OR REPLACE VIEW");
            let mut keep: Vec<String> = view
                .columns
                .iter()
                .map(|c| format!("NULL::{} AS {}", c.data_type, quote_ident(&c.name)))
                .collect();
            let extra = self.g.expr(&Scope::default(), Class::Int, 1);
            keep.push(format!("{extra} AS {}", self.fresh("vc")));
            format!(
                "CREATE OR REPLACE VIEW {} AS SELECT {}",
                self.name_of(&view),
                keep.join(", ")
            )
        } else {
            self.g.forms.saw("stmt: CREATE VIEW");
            let replace = if self.g.p.chance(10) { "OR REPLACE " } else { "" };
            format!(
                "CREATE {replace}VIEW {}{columns} AS {}",
                Self::written(&schema, &name),
                select.sql
            )
        }
    }

    fn create_index(&mut self) -> String {
        let Some(table) = self.pick_relation(&[RelationKind::Table, RelationKind::MaterializedView]) else {
            return self.create_table();
        };
        let c = self.pick_column(&table);
        self.g.forms.saw("stmt: CREATE INDEX");
        let unique = if self.g.p.chance(20) { "UNIQUE " } else { "" };
        let name = if self.g.p.chance(70) {
            format!("{} ", self.fresh("ix"))
        } else {
            String::new()
        };
        let key = match self.g.p.below(4) {
            0 => {
                self.g.forms.saw("index: expression");
                format!("(({c}::text))")
            }
            1 => format!("({c} DESC NULLS LAST)"),
            _ => format!("({c})"),
        };
        let mut sql = format!("CREATE {unique}INDEX {name}ON {} {key}", self.name_of(&table));
        if self.g.p.chance(15) {
            let other = self.pick_column(&table);
            self.g.forms.saw("index: INCLUDE");
            sql.push_str(&format!(" INCLUDE ({other})"));
        }
        if self.g.p.chance(15) {
            self.g.forms.saw("index: WHERE");
            sql.push_str(&format!(" WHERE {c} IS NOT NULL"));
        }
        sql
    }

    fn create_enum(&mut self) -> String {
        self.g.forms.saw("stmt: CREATE TYPE AS ENUM");
        let (schema, name) = self.new_name("e");
        let n = 1 + self.g.p.below(3);
        let labels: Vec<String> = (0..n).map(|i| quote_literal(&format!("l{i}"))).collect();
        format!(
            "CREATE TYPE {} AS ENUM ({})",
            Self::written(&schema, &name),
            labels.join(", ")
        )
    }

    fn alter_enum(&mut self) -> String {
        let enums = self.g.catalog.enums.clone();
        let Some(e) = self.g.p.pick(&enums).cloned() else {
            return self.create_enum();
        };
        let name = type_name(&e.schema, &e.name);
        let label = self.g.p.pick(&e.values).cloned().unwrap_or_default();
        match self.g.p.below(4) {
            0 | 1 => {
                self.g.forms.saw("stmt: ALTER TYPE ADD VALUE");
                let new = self.fresh("l");
                let place = match self.g.p.below(3) {
                    0 => format!(" BEFORE {}", quote_literal(&label)),
                    1 => format!(" AFTER {}", quote_literal(&label)),
                    _ => String::new(),
                };
                format!(
                    "ALTER TYPE {name} ADD VALUE IF NOT EXISTS {}{place}",
                    quote_literal(&new)
                )
            }
            2 => {
                self.g.forms.saw("stmt: ALTER TYPE RENAME VALUE");
                let new = self.fresh("l");
                format!(
                    "ALTER TYPE {name} RENAME VALUE {} TO {}",
                    quote_literal(&label),
                    quote_literal(&new)
                )
            }
            _ => {
                self.g.forms.saw("stmt: ALTER TYPE RENAME TO");
                let new = self.fresh("e");
                format!("ALTER TYPE {name} RENAME TO {new}")
            }
        }
    }

    fn create_domain(&mut self) -> String {
        self.g.forms.saw("stmt: CREATE DOMAIN");
        let (schema, name) = self.new_name("d");
        let (base, class) = [
            ("integer", Class::Int),
            ("text", Class::Text),
            ("numeric(8,2)", Class::Num),
        ][self.g.p.below(3)];
        let mut sql = format!("CREATE DOMAIN {} AS {base}", Self::written(&schema, &name));
        if self.g.p.chance(30) {
            sql.push_str(" NOT NULL");
        }
        if self.g.p.chance(30) {
            let ty = SqlTy {
                sql: base.into(),
                class,
            };
            sql.push_str(&format!(
                " DEFAULT {}",
                value_of(&ty, self.g.catalog, &mut self.g.p)
            ));
        }
        if self.g.p.chance(40) {
            sql.push_str(match class {
                Class::Text => " CHECK (VALUE <> '')",
                _ => " CHECK (VALUE > 0)",
            });
        }
        sql
    }

    fn alter_domain(&mut self) -> String {
        let domains = self.g.catalog.domains.clone();
        let Some(d) = self.g.p.pick(&domains).cloned() else {
            return self.create_domain();
        };
        let name = type_name(&d.schema, &d.name);
        self.g.forms.saw("stmt: ALTER DOMAIN");
        match self.g.p.below(6) {
            0 => format!("ALTER DOMAIN {name} SET NOT NULL"),
            1 => format!("ALTER DOMAIN {name} DROP NOT NULL"),
            2 => format!("ALTER DOMAIN {name} DROP DEFAULT"),
            3 => format!(
                "ALTER DOMAIN {name} ADD CONSTRAINT {} CHECK (VALUE IS NOT NULL)",
                self.fresh("dk")
            ),
            4 => match d.checks.first() {
                Some(c) => format!("ALTER DOMAIN {name} DROP CONSTRAINT {}", quote_ident(&c.name)),
                None => format!("ALTER DOMAIN {name} DROP CONSTRAINT IF EXISTS nope"),
            },
            _ => format!("ALTER DOMAIN {name} RENAME TO {}", self.fresh("d")),
        }
    }

    fn create_composite(&mut self) -> String {
        self.g.forms.saw("stmt: CREATE TYPE AS (composite)");
        let (schema, name) = self.new_name("r");
        let n = 1 + self.g.p.below(3);
        let mut attrs = Vec::new();
        for _ in 0..n {
            let attr = self.fresh("a");
            let (ty, _) = [("integer", 0), ("text", 0), ("boolean", 0), ("numeric", 0)][self.g.p.below(4)];
            attrs.push(format!("{attr} {ty}"));
        }
        format!(
            "CREATE TYPE {} AS ({})",
            Self::written(&schema, &name),
            attrs.join(", ")
        )
    }

    fn alter_composite(&mut self) -> String {
        let types = self.g.catalog.composite_types.clone();
        let Some(t) = self.g.p.pick(&types).cloned() else {
            return self.create_composite();
        };
        let name = type_name(&t.schema, &t.name);
        let attr = self
            .g
            .p
            .pick(&t.attributes)
            .map_or_else(|| "nope".into(), |a| quote_ident(&a.name));
        self.g.forms.saw("stmt: ALTER TYPE attribute");
        let cascade = if self.g.p.chance(50) { " CASCADE" } else { "" };
        match self.g.p.below(4) {
            0 => format!(
                "ALTER TYPE {name} ADD ATTRIBUTE {} bigint{cascade}",
                self.fresh("a")
            ),
            1 => format!("ALTER TYPE {name} DROP ATTRIBUTE {attr}{cascade}"),
            2 => format!(
                "ALTER TYPE {name} RENAME ATTRIBUTE {attr} TO {}{cascade}",
                self.fresh("a")
            ),
            _ => format!("ALTER TYPE {name} ALTER ATTRIBUTE {attr} TYPE text{cascade}"),
        }
    }

    fn create_range(&mut self) -> String {
        self.g.forms.saw("stmt: CREATE TYPE AS RANGE");
        let (schema, name) = self.new_name("rg");
        let subtype = ["float8", "timestamptz", "numeric"][self.g.p.below(3)];
        format!(
            "CREATE TYPE {} AS RANGE (subtype = {subtype})",
            Self::written(&schema, &name)
        )
    }

    fn sequence(&mut self) -> String {
        let sequences: Vec<(String, String)> = self
            .g
            .catalog
            .sequences
            .iter()
            .map(|s| (s.schema.clone(), s.name.clone()))
            .collect();
        if sequences.is_empty() || self.g.p.chance(50) {
            self.g.forms.saw("stmt: CREATE SEQUENCE");
            let (schema, name) = self.new_name("s");
            let ty = ["", " AS integer", " AS smallint", " AS bigint"][self.g.p.below(4)];
            let start = if self.g.p.chance(30) {
                " START 5 INCREMENT 2"
            } else {
                ""
            };
            return format!("CREATE SEQUENCE {}{ty}{start}", Self::written(&schema, &name));
        }
        let (schema, name) = self.g.p.pick(&sequences).cloned().unwrap_or_default();
        let seq = format!("{}.{}", quote_ident(&schema), quote_ident(&name));
        self.g.forms.saw("stmt: ALTER SEQUENCE");
        match self.g.p.below(3) {
            0 => {
                let table = self.pick_relation(&[RelationKind::Table]);
                match table {
                    Some(t) if !t.columns.is_empty() => {
                        let c = self.pick_column(&t);
                        format!("ALTER SEQUENCE {seq} OWNED BY {}.{c}", self.name_of(&t))
                    }
                    _ => format!("ALTER SEQUENCE {seq} OWNED BY NONE"),
                }
            }
            1 => format!("ALTER SEQUENCE {seq} AS integer"),
            _ => format!("ALTER SEQUENCE {seq} RESTART WITH 10"),
        }
    }

    fn schema(&mut self) -> String {
        let mine: Vec<String> = self
            .state
            .schemas
            .iter()
            .filter(|s| *s != "public")
            .cloned()
            .collect();
        if mine.is_empty() || self.g.p.chance(60) {
            self.g.forms.saw("stmt: CREATE SCHEMA");
            let name = self.fresh("s");
            self.state.schemas.push(name.clone());
            return if self.g.p.chance(20) {
                format!("CREATE SCHEMA IF NOT EXISTS {name} AUTHORIZATION CURRENT_USER")
            } else {
                format!("CREATE SCHEMA {name}")
            };
        }
        let s = self.g.p.pick(&mine).cloned().unwrap_or_default();
        if self.g.p.chance(50) {
            self.g.forms.saw("stmt: ALTER SCHEMA RENAME");
            let new = self.fresh("s");
            for known in &mut self.state.schemas {
                if *known == s {
                    *known = new.clone();
                }
            }
            format!("ALTER SCHEMA {s} RENAME TO {new}")
        } else {
            self.g.forms.saw("stmt: DROP SCHEMA CASCADE");
            self.state.schemas.retain(|k| *k != s);
            format!("DROP SCHEMA {s} CASCADE")
        }
    }

    fn search_path(&mut self) -> String {
        let mine: Vec<String> = self
            .state
            .schemas
            .iter()
            .filter(|s| *s != "public")
            .cloned()
            .collect();
        match self.g.p.below(4) {
            0 => {
                self.g.forms.saw("stmt: RESET search_path");
                self.state.path = None;
                "RESET search_path".into()
            }
            1 if !mine.is_empty() => {
                self.g.forms.saw("stmt: set_config('search_path')");
                let s = self.g.p.pick(&mine).cloned().unwrap_or_default();
                self.state.path = Some(vec![s.clone(), "public".into()]);
                format!("SELECT set_config('search_path', '{s}, public', false)")
            }
            _ => {
                self.g.forms.saw("stmt: SET search_path");
                let mut path = Vec::new();
                if let Some(s) = self.g.p.pick(&mine).cloned() {
                    path.push(s);
                }
                if path.is_empty() || self.g.p.chance(70) {
                    path.push("public".into());
                }
                self.state.path = Some(path.clone());
                format!("SET search_path TO {}", path.join(", "))
            }
        }
    }

    fn rename(&mut self) -> String {
        match self.g.p.below(4) {
            0 => {
                let Some(view) = self.pick_relation(&[RelationKind::View, RelationKind::MaterializedView])
                else {
                    return self.create_view();
                };
                let what = if view.kind == RelationKind::View {
                    "VIEW"
                } else {
                    "MATERIALIZED VIEW"
                };
                if self.g.p.chance(50) && !view.columns.is_empty() {
                    self.g.forms.saw("stmt: ALTER VIEW RENAME COLUMN");
                    let c = self.pick_column(&view);
                    let new = self.fresh("vc");
                    format!("ALTER {what} {} RENAME COLUMN {c} TO {new}", self.name_of(&view))
                } else {
                    self.g.forms.saw("stmt: ALTER VIEW RENAME TO");
                    let new = self.fresh("v");
                    format!("ALTER {what} {} RENAME TO {new}", self.name_of(&view))
                }
            }
            1 => {
                let indexes: Vec<(String, String)> = self
                    .g
                    .catalog
                    .tables
                    .iter()
                    .flat_map(|r| r.indexes.iter().map(move |i| (r.schema.clone(), i.name.clone())))
                    .collect();
                let Some((schema, index)) = self.g.p.pick(&indexes).cloned() else {
                    return self.create_index();
                };
                self.g.forms.saw("stmt: ALTER INDEX RENAME");
                let new = self.fresh("ix");
                format!(
                    "ALTER INDEX {}.{} RENAME TO {new}",
                    quote_ident(&schema),
                    quote_ident(&index)
                )
            }
            2 => {
                let Some(r) = self.pick_relation(&[RelationKind::View, RelationKind::MaterializedView])
                else {
                    return self.alter_table();
                };
                self.g.forms.saw("stmt: ALTER VIEW SET SCHEMA");
                let to = self
                    .g
                    .p
                    .pick(&self.state.schemas)
                    .cloned()
                    .unwrap_or_else(|| "public".into());
                let what = if r.kind == RelationKind::View {
                    "VIEW"
                } else {
                    "MATERIALIZED VIEW"
                };
                format!(
                    "ALTER {what} {} SET SCHEMA {}",
                    self.name_of(&r),
                    quote_ident(&to)
                )
            }
            _ => {
                let mut types: Vec<(String, String)> = Vec::new();
                let catalog = self.g.catalog;
                types.extend(catalog.enums.iter().map(|e| (e.schema.clone(), e.name.clone())));
                types.extend(
                    catalog
                        .composite_types
                        .iter()
                        .map(|e| (e.schema.clone(), e.name.clone())),
                );
                let Some((schema, name)) = self.g.p.pick(&types).cloned() else {
                    return self.create_enum();
                };
                self.g.forms.saw("stmt: ALTER TYPE SET SCHEMA");
                let to = self
                    .g
                    .p
                    .pick(&self.state.schemas)
                    .cloned()
                    .unwrap_or_else(|| "public".into());
                format!(
                    "ALTER TYPE {} SET SCHEMA {}",
                    type_name(&schema, &name),
                    quote_ident(&to)
                )
            }
        }
    }

    fn drop(&mut self) -> String {
        let cascade = if self.g.p.chance(40) { " CASCADE" } else { "" };
        let if_exists = if self.g.p.chance(10) { "IF EXISTS " } else { "" };
        match self.g.p.weighted(&[4, 3, 1, 1, 1, 1, 1]) {
            0 => {
                let Some(t) = self.pick_relation(&[RelationKind::Table]) else {
                    return self.create_table();
                };
                self.g.forms.saw("stmt: DROP TABLE");
                format!("DROP TABLE {if_exists}{}{cascade}", self.name_of(&t))
            }
            1 => {
                let Some(v) = self.pick_relation(&[RelationKind::View, RelationKind::MaterializedView])
                else {
                    return self.create_view();
                };
                let what = if v.kind == RelationKind::View {
                    "VIEW"
                } else {
                    "MATERIALIZED VIEW"
                };
                self.g.forms.saw("stmt: DROP VIEW");
                format!("DROP {what} {if_exists}{}{cascade}", self.name_of(&v))
            }
            2 => {
                let indexes: Vec<(String, String)> = self
                    .g
                    .catalog
                    .tables
                    .iter()
                    .flat_map(|r| r.indexes.iter().map(move |i| (r.schema.clone(), i.name.clone())))
                    .collect();
                let Some((schema, index)) = self.g.p.pick(&indexes).cloned() else {
                    return self.create_index();
                };
                self.g.forms.saw("stmt: DROP INDEX");
                format!(
                    "DROP INDEX {if_exists}{}.{}{cascade}",
                    quote_ident(&schema),
                    quote_ident(&index)
                )
            }
            3 => {
                let sequences: Vec<(String, String)> = self
                    .g
                    .catalog
                    .sequences
                    .iter()
                    .map(|s| (s.schema.clone(), s.name.clone()))
                    .collect();
                let Some((schema, name)) = self.g.p.pick(&sequences).cloned() else {
                    return self.sequence();
                };
                self.g.forms.saw("stmt: DROP SEQUENCE");
                format!(
                    "DROP SEQUENCE {if_exists}{}.{}{cascade}",
                    quote_ident(&schema),
                    quote_ident(&name)
                )
            }
            4 => {
                let types: Vec<(String, String)> = self
                    .g
                    .catalog
                    .enums
                    .iter()
                    .map(|e| (e.schema.clone(), e.name.clone()))
                    .chain(
                        self.g
                            .catalog
                            .composite_types
                            .iter()
                            .map(|c| (c.schema.clone(), c.name.clone())),
                    )
                    .chain(
                        self.g
                            .catalog
                            .range_types
                            .iter()
                            .map(|c| (c.schema.clone(), c.name.clone())),
                    )
                    .collect();
                let Some((schema, name)) = self.g.p.pick(&types).cloned() else {
                    return self.create_enum();
                };
                self.g.forms.saw("stmt: DROP TYPE");
                format!("DROP TYPE {if_exists}{}{cascade}", type_name(&schema, &name))
            }
            5 => {
                let domains = self.g.catalog.domains.clone();
                let Some(d) = self.g.p.pick(&domains).cloned() else {
                    return self.create_domain();
                };
                self.g.forms.saw("stmt: DROP DOMAIN");
                format!(
                    "DROP DOMAIN {if_exists}{}{cascade}",
                    type_name(&d.schema, &d.name)
                )
            }
            _ => {
                let tables = relations(self.g.catalog, &[RelationKind::Table]);
                if tables.len() < 2 {
                    return self.create_table();
                }
                self.g.forms.saw("stmt: DROP TABLE a, b");
                let a = self.name_of(tables[0]);
                let b = self.name_of(tables[tables.len() - 1]);
                format!("DROP TABLE {if_exists}{a}, {b}{cascade}")
            }
        }
    }

    fn comment(&mut self) -> String {
        let Some(r) = self.pick_relation(&[RelationKind::Table, RelationKind::View]) else {
            return self.create_table();
        };
        let text = if self.g.p.chance(20) {
            "NULL".to_string()
        } else {
            quote_literal("It's a comment.")
        };
        if self.g.p.chance(50) && !r.columns.is_empty() {
            self.g.forms.saw("stmt: COMMENT ON COLUMN");
            let c = self.pick_column(&r);
            format!("COMMENT ON COLUMN {}.{c} IS {text}", self.name_of(&r))
        } else {
            self.g.forms.saw("stmt: COMMENT ON TABLE");
            let what = if r.kind == RelationKind::View {
                "VIEW"
            } else {
                "TABLE"
            };
            format!("COMMENT ON {what} {} IS {text}", self.name_of(&r))
        }
    }
}

/// The relations of `kinds` in `catalog`.
fn relations<'c>(catalog: &'c Catalog, kinds: &[RelationKind]) -> Vec<&'c Relation> {
    catalog
        .tables
        .iter()
        .filter(|r| kinds.contains(&r.kind))
        .collect()
}

/// A type's name, schema-qualified and quoted as needed.
fn type_name(schema: &str, name: &str) -> String {
    format!("{}.{}", quote_ident(schema), quote_ident(name))
}

/// `SELECT a, b FROM x ...` -> (`SELECT a, b`, ` FROM x ...`) for a select without WITH.
fn split_select_list(sql: &str) -> Option<(&str, &str)> {
    if sql.starts_with("WITH") {
        return None;
    }
    let at = sql.find(" FROM ")?;
    // Subqueries in the list have their own FROM: only when none opens before it.
    (!sql[..at].contains('(')).then(|| sql.split_at(at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_writes_sql() {
        let catalog = Catalog::default();
        let state = State::default();
        for kind in 0..200u16 {
            let numbers: Vec<u16> = (0..40)
                .map(|i| kind.wrapping_mul(31).wrapping_add(i * 7))
                .collect();
            let s = statement(&numbers, &catalog, &state);
            assert!(!s.sql.is_empty());
        }
    }

    #[test]
    fn zeros_write_the_simplest_table() {
        let s = statement(&[], &Catalog::default(), &State::default());
        assert_eq!(s.sql, "CREATE TABLE t1 (c2 integer)");
    }
}
