//! Rustdoc attributes from SQL comments, for the files built as tokens (the relation files
//! write theirs as text, see [`text`](super::text)).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// The string literal of a `#[doc = ...]` line: raw (`r" line"`) where it can be, so that
/// neither building it nor printing it as `/// line` escapes every character.
fn doc_literal(text: &str) -> Literal {
    if !text.contains(['"', '\r', '\n'])
        && let Ok(raw) = format!("r\"{text}\"").parse::<Literal>()
    {
        return raw;
    }
    Literal::string(text)
}

/// One `#[doc = " line"]` per line of `text` (the printer writes each as `/// line`).
pub fn doc_lines(text: Option<&str>) -> Vec<TokenStream> {
    text.map(|t| {
        t.lines()
            .map(|line| {
                let line = line.trim_end();
                // A space after `///`, but no trailing space on an empty line.
                let line = if line.is_empty() {
                    String::new()
                } else {
                    format!(" {line}")
                };
                let line = doc_literal(&line);
                quote! { #[doc = #line] }
            })
            .collect()
    })
    .unwrap_or_default()
}
