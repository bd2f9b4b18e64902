//! The token cursor our own parser reads with, and the helpers that hand parts of a statement
//! back to sqlparser (types, expressions) with their positions kept.

use sqlparser::ast as sql;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Span, Token, TokenWithSpan};

use super::super::lower::Context;
use super::super::lower_expr::{expr, folded, type_name};
use crate::sql::{QualifiedName, TypeName};

/// A cursor over the significant tokens of one statement.
pub(super) struct Cursor<'a> {
    pub(super) tokens: Vec<&'a TokenWithSpan>,
    pub(super) pos: usize,
    pub(super) cx: &'a Context,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(tokens: &'a [TokenWithSpan], cx: &'a Context) -> Self {
        Self {
            tokens: tokens
                .iter()
                .filter(|t| !matches!(t.token, Token::Whitespace(_) | Token::EOF))
                .collect(),
            pos: 0,
            cx,
        }
    }

    pub(super) fn at_end(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    pub(super) fn peek(&self) -> Option<&'a Token> {
        self.tokens.get(self.pos).map(|t| &t.token)
    }

    /// The unquoted keyword at the cursor (plus `n`), upper case.
    pub(super) fn keyword_at(&self, n: usize) -> Option<String> {
        match &self.tokens.get(self.pos + n)?.token {
            Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
            _ => None,
        }
    }

    pub(super) fn is(&self, word: &str) -> bool {
        self.keyword_at(0).is_some_and(|k| k == word)
    }

    /// Consumes `words` if they come next, in order.
    pub(super) fn eat(&mut self, words: &[&str]) -> bool {
        let all = words
            .iter()
            .enumerate()
            .all(|(i, w)| self.keyword_at(i).is_some_and(|k| k == *w));
        if all {
            self.pos += words.len();
        }
        all
    }

    pub(super) fn expect(&mut self, words: &[&str]) -> Option<()> {
        self.eat(words).then_some(())
    }

    pub(super) fn eat_token(&mut self, token: &Token) -> bool {
        let found = self.peek() == Some(token);
        if found {
            self.pos += 1;
        }
        found
    }

    /// One identifier, folded as PostgreSQL folds it.
    pub(super) fn ident(&mut self) -> Option<String> {
        match self.peek()? {
            Token::Word(w) => {
                self.pos += 1;
                Some(folded(&sql::Ident {
                    value: w.value.clone(),
                    quote_style: w.quote_style,
                    span: Span::empty(),
                }))
            }
            _ => None,
        }
    }

    /// The parts of a dotted name (`a.b.c`).
    pub(super) fn parts(&mut self) -> Option<Vec<String>> {
        let mut parts = vec![self.ident()?];
        while self.eat_token(&Token::Period) {
            parts.push(self.ident()?);
        }
        Some(parts)
    }

    /// `name` or `schema.name` (a leading database part is dropped).
    pub(super) fn name(&mut self) -> Option<QualifiedName> {
        let mut parts = self.parts()?;
        let name = parts.pop()?;
        Some(QualifiedName {
            schema: parts.pop(),
            name,
        })
    }

    /// A string literal of any spelling (`'x'`, `E'x'`, `$$x$$`, `U&'x'`).
    pub(super) fn string(&mut self) -> Option<String> {
        let value = match self.peek()? {
            Token::SingleQuotedString(s)
            | Token::EscapedStringLiteral(s)
            | Token::NationalStringLiteral(s)
            | Token::UnicodeStringLiteral(s)
            | Token::TripleSingleQuotedString(s) => s.clone(),
            Token::DollarQuotedString(d) => d.value.clone(),
            _ => return None,
        };
        self.pos += 1;
        Some(value)
    }

    /// The tokens up to the next top-level comma (or the end), consumed with the comma.
    pub(super) fn until_comma(&mut self) -> Vec<&'a TokenWithSpan> {
        let mut depth = 0i32;
        let start = self.pos;
        while let Some(t) = self.peek() {
            match t {
                Token::LParen | Token::LBracket => depth += 1,
                Token::RParen | Token::RBracket => depth -= 1,
                Token::Comma if depth == 0 => break,
                _ => {}
            }
            self.pos += 1;
        }
        let slice = self.tokens[start..self.pos].to_vec();
        self.eat_token(&Token::Comma);
        slice
    }

    /// The rest of the statement's tokens.
    pub(super) fn rest(&mut self) -> Vec<&'a TokenWithSpan> {
        let slice = self.tokens[self.pos..].to_vec();
        self.pos = self.tokens.len();
        slice
    }

    /// A parenthesised group, consumed whole; its inner tokens.
    pub(super) fn group(&mut self) -> Option<Vec<&'a TokenWithSpan>> {
        if self.peek() != Some(&Token::LParen) {
            return None;
        }
        let mut depth = 0i32;
        let start = self.pos + 1;
        while let Some(t) = self.peek() {
            match t {
                Token::LParen => depth += 1,
                Token::RParen => {
                    depth -= 1;
                    if depth == 0 {
                        let inner = self.tokens[start..self.pos].to_vec();
                        self.pos += 1;
                        return Some(inner);
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        None
    }

    /// A type read by sqlparser from the tokens up to the next top-level comma or the end.
    pub(super) fn type_until_comma(&mut self) -> Option<TypeName> {
        let tokens = self.until_comma();
        let mut parser = parser(&tokens);
        let data_type = parser.parse_data_type().ok()?;
        at_eof(&mut parser).then(|| type_name(&data_type))
    }
}

/// A sqlparser parser over some of a statement's tokens (their spans kept).
pub(super) fn parser(tokens: &[&TokenWithSpan]) -> Parser<'static> {
    static DIALECT: PostgreSqlDialect = PostgreSqlDialect {};
    Parser::new(&DIALECT).with_tokens_with_locations(tokens.iter().map(|t| (*t).clone()).collect())
}

pub(super) fn at_eof(parser: &mut Parser) -> bool {
    parser.peek_token().token == Token::EOF
}

/// An expression read by sqlparser from all of `tokens`.
pub(super) fn expression(tokens: &[&TokenWithSpan], cx: &Context) -> Option<crate::sql::expr::Expr> {
    let mut parser = parser(tokens);
    let e = parser.parse_expr().ok()?;
    at_eof(&mut parser).then(|| expr(&e, cx))
}

/// A keyword token with no place in the file, for statements we put together.
pub(super) fn word(value: &str) -> TokenWithSpan {
    TokenWithSpan {
        token: Token::make_keyword(value),
        span: Span::empty(),
    }
}

pub(super) fn space() -> TokenWithSpan {
    TokenWithSpan {
        token: Token::Whitespace(sqlparser::tokenizer::Whitespace::Space),
        span: Span::empty(),
    }
}

/// Tokens back to text, whitespace normalised, for messages and bounds.
pub(super) fn text(tokens: &[&TokenWithSpan]) -> String {
    let mut out = String::new();
    for t in tokens {
        let piece = t.token.to_string();
        let glue = matches!(t.token, Token::Comma | Token::RParen | Token::Period)
            || out.ends_with('(')
            || out.ends_with('.')
            || out.is_empty();
        if !glue {
            out.push(' ');
        }
        out.push_str(&piece);
    }
    out
}
