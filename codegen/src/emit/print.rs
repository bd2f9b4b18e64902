//! Rust source text straight from the emitter's tokens, without parsing them again.
//!
//! The emitter builds the files other than the relations' (which [`text`](super::text) writes)
//! with `quote!`, so their tokens are already well formed; what they lack is layout. This
//! printer walks them once and lays them out the way the generated files read: items and
//! statements one per line, blocks indented by four spaces, one field or argument per line
//! where a line would run past [`MAX_WIDTH`], long method chains broken before each call,
//! `#[doc = "..."]` written as `///` comments. It knows the shapes the emitter produces (items,
//! blocks, calls, generics, closures), not all of Rust: a `<` or `>` is always a generic
//! bracket. A unit test in `emit/mod.rs` checks that every file printed for
//! the fixtures and our schema parses back to the syntax tree its tokens make.

use std::borrow::Cow;

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// Lines longer than this are broken where the printer can (calls, chains, argument lists).
pub const MAX_WIDTH: usize = 100;

const INDENT: &str = "    ";

/// One lexical unit, with runs of joined punctuation merged (`::`, `->`, `=>`, `'a`).
/// Operators are shared text where they can be (see [`single_op`] and [`join_op`]).
#[derive(Debug, Clone)]
enum Tok {
    Word(Cow<'static, str>),
    Lit(String),
    Op(Cow<'static, str>),
    /// A delimited group, with its width printed on one line (see [`flat_width`]).
    Group(Delimiter, Vec<Tok>, usize),
}

/// Prints a whole file.
pub fn file(tokens: TokenStream) -> String {
    let toks = lex(tokens);
    // Room for the tokens on one line, and about as much again for indentation and breaks.
    let mut printer = Printer {
        out: String::with_capacity(2 * flat_width(&toks)),
        ..Printer::default()
    };
    printer.block_body(&toks);
    printer.finish()
}

/// A short piece (a type, an expression) on one line, spaced as the printer spaces it inside
/// a line; for the text that [`text`](super::text) writes around it.
pub fn one_line(tokens: TokenStream) -> String {
    let toks = lex(tokens);
    let mut printer = Printer::default();
    printer.start();
    printer.inline(&toks);
    printer.line
}

fn lex(tokens: TokenStream) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::new();
    let mut joining = false;
    for tree in tokens {
        match tree {
            TokenTree::Ident(ident) => {
                let word = Cow::Owned(ident.to_string());
                match out.last_mut() {
                    Some(Tok::Op(op)) if joining && op == "'" => op.to_mut().push_str(&word),
                    _ => out.push(Tok::Word(word)),
                }
                joining = false;
            }
            TokenTree::Literal(lit) => {
                out.push(Tok::Lit(lit.to_string()));
                joining = false;
            }
            TokenTree::Punct(punct) => {
                match out.last_mut() {
                    Some(Tok::Op(op)) if joining => join_op(op, punct.as_char()),
                    _ => out.push(Tok::Op(single_op(punct.as_char()))),
                }
                joining = punct.spacing() == Spacing::Joint;
            }
            TokenTree::Group(group) => {
                let (delimiter, stream) = (group.delimiter(), group.stream());
                // The stream is shared with the group until the group is gone; alone, it is
                // iterated without copying its tokens first.
                drop(group);
                let inner = lex(stream);
                if delimiter == Delimiter::None {
                    out.extend(inner);
                } else {
                    let width = flat_width(&inner);
                    out.push(Tok::Group(delimiter, inner, width));
                }
                joining = false;
            }
        }
    }
    // Generic brackets glued to other punctuation (`>>`, `::<`, `>::`) are split back into
    // the operators they are made of.
    let mut split = Vec::with_capacity(out.len());
    for tok in out {
        match tok {
            Tok::Op(op) if op.len() > 1 && needs_split(&op) => {
                split.extend(split_op(&op).into_iter().map(|op| Tok::Op(Cow::Owned(op))));
            }
            other => split.push(other),
        }
    }
    split
}

const OPERATORS: [&str; 20] = [
    "::", "->", "=>", "==", "!=", "<=", ">=", "&&", "||", "..=", "..", "+=", "-=", "*=", "/=", "%=", "^=",
    "|=", "&=", "#!",
];

fn needs_split(op: &str) -> bool {
    !op.starts_with('\'') && !OPERATORS.contains(&op)
}

/// A single punctuation character as an operator (shared text, no allocation).
fn single_op(c: char) -> Cow<'static, str> {
    Cow::Borrowed(match c {
        '!' => "!",
        '#' => "#",
        '$' => "$",
        '%' => "%",
        '&' => "&",
        '\'' => "'",
        '*' => "*",
        '+' => "+",
        ',' => ",",
        '-' => "-",
        '.' => ".",
        '/' => "/",
        ':' => ":",
        ';' => ";",
        '<' => "<",
        '=' => "=",
        '>' => ">",
        '?' => "?",
        '@' => "@",
        '^' => "^",
        '|' => "|",
        '~' => "~",
        other => return Cow::Owned(other.to_string()),
    })
}

/// `op` with `c` joined to it; the usual two-character operators stay shared text.
fn join_op(op: &mut Cow<'static, str>, c: char) {
    let joined = match (&**op, c) {
        (":", ':') => "::",
        ("-", '>') => "->",
        ("=", '>') => "=>",
        ("=", '=') => "==",
        ("!", '=') => "!=",
        (".", '.') => "..",
        ("#", '!') => "#!",
        ("&", '&') => "&&",
        ("|", '|') => "||",
        _ => {
            op.to_mut().push(c);
            return;
        }
    };
    *op = Cow::Borrowed(joined);
}

/// Splits a run of joined punctuation into operators, longest first.
fn split_op(op: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = op;
    while !rest.is_empty() {
        // Inside a longer run, `<`, `>`, `|` and `&` stand alone (generic brackets, closure
        // bars, references), so `<=`, `>=`, `||` and `&&` are not matched there.
        let known = OPERATORS
            .iter()
            .filter(|o| !matches!(**o, "<=" | ">=" | "||" | "&&"))
            .find(|o| rest.starts_with(**o));
        let len = known.map_or_else(|| rest.chars().next().map_or(1, char::len_utf8), |o| o.len());
        out.push(rest[..len].to_string());
        rest = &rest[len..];
    }
    out
}

/// What came last on the line: it decides whether the next token gets a space before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prev {
    /// Start of a line, or just inside `(` / `[`: no space.
    Open,
    /// A prefix or joining operator (`::`, `.`, `&x`, `!`, `#`, `<`): no space.
    Tight,
    /// A separator or binary operator (`,`, `:`, `=`, `->`): a space.
    Spaced,
    /// An identifier, keyword or lifetime.
    Word(WordKind),
    /// A literal, a closed group, `>` or `?`.
    Value,
}

/// What kind of word came last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WordKind {
    /// One of [`KEYWORDS`].
    Keyword(&'static str),
    /// `'a`.
    Lifetime,
    /// Any other identifier.
    Name,
}

impl WordKind {
    fn of(word: &str) -> Self {
        match KEYWORDS.iter().find(|k| **k == word) {
            Some(keyword) => WordKind::Keyword(keyword),
            None if word.starts_with('\'') => WordKind::Lifetime,
            None => WordKind::Name,
        }
    }
}

impl Prev {
    fn is_keyword(self) -> bool {
        matches!(self, Prev::Word(WordKind::Keyword(_)))
    }

    /// After a value an operator is binary (`a - b`, `a & b`); elsewhere it is a prefix.
    fn ends_value(self) -> bool {
        matches!(self, Prev::Value) || matches!(self, Prev::Word(_)) && !self.is_keyword()
    }

    /// Whether a word or literal coming next is separated by a space.
    fn spaces_word(self) -> bool {
        matches!(self, Prev::Spaced | Prev::Word(_) | Prev::Value)
    }
}

#[derive(Default)]
struct Printer {
    out: String,
    line: String,
    indent: usize,
    /// Whether the current line has been started (its indentation written into `line`).
    started: bool,
    prev: Option<Prev>,
    /// Inside `|...|` of a closure's parameters.
    closure_params: bool,
    /// For each open `<`: whether it opened `impl<...>` (after which a path takes a space).
    angles: Vec<bool>,
    /// Inside an attribute, whose arguments are kept token for token (no comma added).
    in_attribute: bool,
}

/// Words whose statement's braces are always a block.
const BLOCK_WORDS: [&str; 10] = [
    "struct", "enum", "impl", "mod", "trait", "union", "match", "fn", "for", "loop",
];

const KEYWORDS: [&str; 22] = [
    "as", "async", "await", "const", "dyn", "else", "enum", "fn", "for", "if", "impl", "in", "let", "match",
    "mod", "move", "mut", "pub", "return", "struct", "where", "unsafe",
];

impl Printer {
    fn finish(mut self) -> String {
        self.newline();
        self.out
    }

    fn newline(&mut self) {
        if self.started {
            let trimmed = self.line.trim_end();
            self.out.push_str(trimmed);
            self.out.push('\n');
        }
        self.line.clear();
        self.started = false;
        self.prev = None;
    }

    fn column(&self) -> usize {
        if self.started {
            self.line.len()
        } else {
            self.indent * INDENT.len()
        }
    }

    fn start(&mut self) {
        if !self.started {
            for _ in 0..self.indent {
                self.line.push_str(INDENT);
            }
            self.started = true;
            self.prev = Some(Prev::Open);
        }
    }

    fn prev(&self) -> Prev {
        self.prev.unwrap_or(Prev::Open)
    }

    /// Writes `text`, with a space before it when `space` and the line is not at its start.
    fn write(&mut self, text: &str, space: bool, then: Prev) {
        self.start();
        if space && self.prev() != Prev::Open {
            self.line.push(' ');
        }
        self.line.push_str(text);
        self.prev = Some(then);
    }

    /// The statements or items of a block (or of the file), one per line. Fields, variants
    /// and arms (a block of `,`-separated elements) each end with a comma, the last one too.
    fn block_body(&mut self, toks: &[Tok]) {
        let mut ends = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            i = statement_end(toks, i);
            ends.push(i);
        }
        let ends_with = |end: usize, op: &str| matches!(&toks[end - 1], Tok::Op(o) if o == op);
        let listed = ends.iter().any(|&e| ends_with(e, ",")) && !ends.iter().any(|&e| ends_with(e, ";"));
        let mut i = 0;
        for end in ends {
            let last = end == toks.len();
            let closed = matches!(&toks[end - 1], Tok::Op(o) if o == "," || o == "..");
            if listed && last && !closed && doc_comment(&toks[i..end]).is_none() {
                self.start();
                self.inline(&toks[i..end]);
                self.write(",", false, Prev::Spaced);
                self.newline();
            } else {
                self.statement(&toks[i..end]);
            }
            i = end;
        }
    }

    /// One statement, item, field, match arm or attribute, ending its line.
    fn statement(&mut self, toks: &[Tok]) {
        if let Some(doc) = doc_comment(toks) {
            self.newline();
            self.start();
            self.line.push_str(&doc);
            self.newline();
            return;
        }
        self.start();
        self.angles.clear();
        self.in_attribute = matches!(toks.first(), Some(Tok::Op(o)) if o.starts_with('#'));
        match toks
            .iter()
            .position(|t| matches!(t, Tok::Word(w) if w == "where"))
        {
            Some(at) if !toks[..at].iter().any(|t| matches!(t, Tok::Op(o) if o == "=")) => {
                self.inline(&toks[..at]);
                self.where_clause(&toks[at + 1..]);
            }
            _ => self.inline(toks),
        }
        self.newline();
    }

    /// `where` on its own line, each bound on one below it, then the body.
    fn where_clause(&mut self, toks: &[Tok]) {
        self.newline();
        self.start();
        self.write("where", false, Prev::Word(WordKind::Keyword("where")));
        self.indent += 1;
        self.newline();
        let body = toks
            .iter()
            .position(|t| matches!(t, Tok::Group(Delimiter::Brace, ..)))
            .unwrap_or(toks.len());
        let mut j = 0;
        while j < body {
            let end = next_comma(toks, j, body);
            self.start();
            self.inline(&toks[j..end]);
            self.newline();
            j = end;
        }
        self.indent -= 1;
        self.start();
        for tok in &toks[body..] {
            match tok {
                Tok::Group(Delimiter::Brace, inner, width) => {
                    self.group(Delimiter::Brace, inner, *width, true, 0);
                }
                other => self.token(other),
            }
        }
    }

    /// Tokens on the current line; a long method chain is broken before each call.
    fn inline(&mut self, toks: &[Tok]) {
        let chain = self.column() + flat_width(toks) > MAX_WIDTH && chain_dots(toks) >= 2;
        // The body of an item or of `match`/`for` is a block even when it is short.
        let item = toks
            .iter()
            .any(|t| matches!(t, Tok::Word(w) if BLOCK_WORDS.contains(&&**w)));
        let base = self.indent;
        for (k, tok) in toks.iter().enumerate() {
            if chain && is_chain_dot(toks, k) {
                if self.indent == base {
                    self.indent += 1;
                }
                self.newline();
                self.start();
            }
            match tok {
                Tok::Group(Delimiter::Brace, inner, width) if item && !inner.is_empty() => {
                    self.group(Delimiter::Brace, inner, *width, true, 0);
                }
                Tok::Group(delimiter, inner, width) => {
                    // What follows on the same line (a return type, say) counts toward its width.
                    let rest = &toks[k + 1..];
                    let line_end = rest
                        .iter()
                        .position(|t| {
                            matches!(t, Tok::Group(Delimiter::Brace, ..))
                                || matches!(t, Tok::Word(w) if w == "where")
                        })
                        .unwrap_or(rest.len());
                    let tail = if chain || *delimiter != Delimiter::Parenthesis {
                        0
                    } else {
                        flat_width(&rest[..line_end])
                    };
                    self.group(*delimiter, inner, *width, false, tail);
                }
                _ => self.token(tok),
            }
        }
        self.indent = base;
    }

    fn token(&mut self, tok: &Tok) {
        match tok {
            Tok::Word(word) => {
                let space = self.prev().spaces_word();
                self.write(word, space, Prev::Word(WordKind::of(word)));
            }
            Tok::Lit(lit) => {
                let space = self.prev().spaces_word();
                self.write(lit, space, Prev::Value);
            }
            Tok::Op(op) => self.op(op),
            Tok::Group(delimiter, inner, width) => self.group(*delimiter, inner, *width, false, 0),
        }
    }

    fn op(&mut self, op: &str) {
        let prev = self.prev();
        let spaced_or_keyword = matches!(prev, Prev::Spaced) || prev.is_keyword();
        let (space, then) = match op {
            "," | ";" | ":" => (false, Prev::Spaced),
            // `.field` right after a comma is thiserror's shorthand in `#[error(...)]`.
            "." | ".." | "..=" => (prev == Prev::Spaced, Prev::Tight),
            "?" => (false, Prev::Value),
            "::" => (spaced_or_keyword, Prev::Tight),
            "<" => {
                self.angles.push(prev == Prev::Word(WordKind::Keyword("impl")));
                (matches!(prev, Prev::Spaced), Prev::Tight)
            }
            ">" => match self.angles.pop() {
                Some(true) => (false, Prev::Spaced),
                _ => (false, Prev::Value),
            },
            "#" | "#!" => (prev.spaces_word(), Prev::Tight),
            "!" if matches!(prev, Prev::Word(_)) && !prev.is_keyword() => (false, Prev::Tight),
            "&" | "*" | "-" | "!" if !prev.ends_value() => (spaced_or_keyword, Prev::Tight),
            "|" if self.closure_params => {
                self.closure_params = false;
                (false, Prev::Spaced)
            }
            "|" if !prev.ends_value() => {
                self.closure_params = true;
                (spaced_or_keyword, Prev::Tight)
            }
            "||" if !prev.ends_value() => (spaced_or_keyword, Prev::Spaced),
            lifetime if lifetime.starts_with('\'') => (prev.spaces_word(), Prev::Word(WordKind::Lifetime)),
            _ => (true, Prev::Spaced),
        };
        self.write(op, space, then);
    }

    /// A delimited group: a block on lines of its own, one element per line when it would
    /// not fit, or inline.
    fn group(&mut self, delimiter: Delimiter, inner: &[Tok], width: usize, force_block: bool, tail: usize) {
        let (open, close) = match delimiter {
            Delimiter::Parenthesis => ("(", ")"),
            Delimiter::Bracket => ("[", "]"),
            Delimiter::Brace | Delimiter::None => ("{", "}"),
        };
        let prev = self.prev();
        let space = match delimiter {
            Delimiter::Brace | Delimiter::None => !matches!(prev, Prev::Open | Prev::Tight),
            _ => {
                matches!(prev, Prev::Spaced)
                    || prev.is_keyword() && !matches!(prev, Prev::Word(WordKind::Keyword("fn" | "pub")))
                    || matches!(prev, Prev::Word(WordKind::Lifetime))
            }
        };
        let saved_closure = std::mem::take(&mut self.closure_params);
        if delimiter == Delimiter::Brace && (force_block || is_block(inner, width)) {
            self.write(open, space, Prev::Open);
            self.indent += 1;
            self.newline();
            self.block_body(inner);
            self.indent -= 1;
            self.start();
            self.write(close, false, Prev::Value);
        } else if self.column() + width + 2 + tail > MAX_WIDTH && has_top_level_comma(inner) {
            // One element per line, each with its comma (macro and attribute arguments are
            // tokens, not lists: they get none added).
            let list = !self.in_attribute && !self.line.ends_with('!');
            self.write(open, space, Prev::Open);
            self.indent += 1;
            self.newline();
            let mut j = 0;
            while j < inner.len() {
                let end = next_comma(inner, j, inner.len());
                self.start();
                self.inline(&inner[j..end]);
                if list
                    && end == inner.len()
                    && !matches!(&inner[end - 1], Tok::Op(o) if o == "," || o == "..")
                {
                    self.write(",", false, Prev::Spaced);
                }
                self.newline();
                j = end;
            }
            self.indent -= 1;
            self.start();
            self.write(close, false, Prev::Value);
        } else if delimiter == Delimiter::Brace && !inner.is_empty() {
            self.write(open, space, Prev::Spaced);
            self.inline(inner);
            self.write(close, true, Prev::Value);
        } else {
            self.write(open, space, Prev::Open);
            self.inline(inner);
            self.write(close, false, Prev::Value);
        }
        self.closure_params = saved_closure;
    }
}

/// The end (exclusive) of the element starting at `start`: after its top-level `,` (not one
/// inside `<...>` or a closure's `|...|`), or `end`.
fn next_comma(toks: &[Tok], start: usize, end: usize) -> usize {
    let mut angle = 0usize;
    let mut pipes = false;
    for (k, tok) in toks.iter().enumerate().take(end).skip(start) {
        match tok {
            Tok::Op(o) if o == "<" => angle += 1,
            Tok::Op(o) if o == ">" => angle = angle.saturating_sub(1),
            Tok::Op(o) if o == "|" => {
                let opens = k == start
                    || matches!(&toks[k - 1], Tok::Op(_))
                    || matches!(&toks[k - 1], Tok::Word(w) if w == "move");
                if pipes || opens {
                    pipes = !pipes;
                }
            }
            Tok::Op(o) if o == "," && angle == 0 && !pipes => return k + 1,
            _ => {}
        }
    }
    end
}

/// Where the statement starting at `start` ends (exclusive): after its `;` or `,`, after an
/// attribute, or after a block that is not followed by more of the same expression.
fn statement_end(toks: &[Tok], start: usize) -> usize {
    let mut angle = 0usize;
    let mut k = start;
    if matches!(&toks[k], Tok::Op(o) if o == "#" || o == "#!") {
        // `#[...]` / `#![...]`: an attribute is a line of its own.
        let mut j = k + 1;
        if matches!(toks.get(j), Some(Tok::Op(o)) if o == "!") {
            j += 1;
        }
        if matches!(toks.get(j), Some(Tok::Group(Delimiter::Bracket, ..))) {
            return j + 1;
        }
    }
    let mut in_where = false;
    while k < toks.len() {
        match &toks[k] {
            Tok::Word(w) if w == "where" => in_where = true,
            Tok::Op(o) if o == "<" => angle += 1,
            Tok::Op(o) if o == ">" => angle = angle.saturating_sub(1),
            Tok::Op(o) if o == ";" && angle == 0 => return k + 1,
            Tok::Op(o) if o == "," && angle == 0 && !in_where => return k + 1,
            Tok::Group(Delimiter::Brace, ..) if angle == 0 => match toks.get(k + 1) {
                // The same expression goes on: `} else {`, `};`, `}.method()`, `Foo { .. } = x`.
                Some(Tok::Op(o)) if matches!(&**o, ";" | "," | "." | "?" | "=" | "=>" | "|") => {}
                Some(Tok::Word(w)) if w == "else" || w == "as" => {}
                _ => return k + 1,
            },
            _ => {}
        }
        k += 1;
    }
    toks.len()
}

/// A brace group (its tokens and their [`flat_width`]) laid out as a block: statements,
/// items, fields or arms, one per line.
fn is_block(inner: &[Tok], width: usize) -> bool {
    inner.iter().any(|t| match t {
        Tok::Op(o) => o == ";" || o == "#" || o == "=>",
        Tok::Group(Delimiter::Brace, inner, width) => is_block(inner, *width),
        _ => false,
    }) || (width > 60 && has_top_level_comma(inner))
}

/// Whether `toks` is a list: a `,` outside any `<...>`.
fn has_top_level_comma(toks: &[Tok]) -> bool {
    next_comma(toks, 0, toks.len()) < toks.len() || matches!(toks.last(), Some(Tok::Op(o)) if o == ",")
}

/// `#[doc = "..."]` or `#![doc = "..."]` as a `///` or `//!` line.
fn doc_comment(toks: &[Tok]) -> Option<String> {
    let (marker, group) = match toks {
        [Tok::Op(hash), Tok::Group(Delimiter::Bracket, group, _)] if hash == "#" => ("///", group),
        [
            Tok::Op(hash),
            Tok::Op(bang),
            Tok::Group(Delimiter::Bracket, group, _),
        ] if hash == "#" && bang == "!" => ("//!", group),
        [Tok::Op(hash), Tok::Group(Delimiter::Bracket, group, _)] if hash == "#!" => ("//!", group),
        _ => return None,
    };
    match group.as_slice() {
        [Tok::Word(doc), Tok::Op(eq), Tok::Lit(text)] if doc == "doc" && eq == "=" => {
            let text = unescape(text)?;
            if text.contains('\n') {
                return None;
            }
            Some(format!("{marker}{text}"))
        }
        _ => None,
    }
}

/// The value of a string literal: `"..."` with Rust escapes, or raw `r"..."` / `r#"..."#`.
fn unescape(literal: &str) -> Option<String> {
    if let Some(raw) = literal.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let fence = "#".repeat(hashes);
        return Some(
            raw.strip_prefix(&fence)?
                .strip_prefix('"')?
                .strip_suffix(&fence)?
                .strip_suffix('"')?
                .to_string(),
        );
    }
    let body = literal.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '\'' => out.push('\''),
            'u' => {
                let rest: String = chars.by_ref().take_while(|c| *c != '}').collect();
                let code = u32::from_str_radix(rest.trim_start_matches('{'), 16).ok()?;
                out.push(char::from_u32(code)?);
            }
            'x' => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(char::from(u8::from_str_radix(&hex, 16).ok()?));
            }
            _ => return None,
        }
    }
    Some(out)
}

/// The width of `toks` printed on one line (close: spaces counted where the printer puts them
/// in the usual cases). A group's own width is the one [`lex`] stored with it.
fn flat_width(toks: &[Tok]) -> usize {
    let mut width = 0;
    let mut after_word = false;
    for tok in toks {
        width += match tok {
            Tok::Word(s) => s.len() + usize::from(after_word),
            Tok::Lit(s) => s.len() + usize::from(after_word),
            Tok::Op(s) => match &**s {
                "," | ";" | ":" => 2,
                "::" | "." | "&" | "<" | ">" | "?" | "#" | "!" | ".." => s.len(),
                s if s.starts_with('\'') => s.len() + 1,
                s => s.len() + 2,
            },
            Tok::Group(Delimiter::Brace, _, inner) => inner + 4,
            Tok::Group(_, _, inner) => inner + 2,
        };
        after_word = matches!(tok, Tok::Word(_) | Tok::Lit(_) | Tok::Group(..));
    }
    width
}

/// How many `.method` calls the expression chains at its top level.
fn chain_dots(toks: &[Tok]) -> usize {
    (0..toks.len()).filter(|&k| is_chain_dot(toks, k)).count()
}

/// A `.` that starts a method call or `.await` after a call, `?` or `.await`.
fn is_chain_dot(toks: &[Tok], k: usize) -> bool {
    matches!(&toks[k], Tok::Op(o) if o == ".")
        && matches!(toks.get(k + 1), Some(Tok::Word(_)))
        && k > 0
        && match &toks[k - 1] {
            Tok::Group(Delimiter::Parenthesis, ..) => true,
            Tok::Word(w) => w == "await",
            Tok::Op(o) => o == "?",
            _ => false,
        }
}
