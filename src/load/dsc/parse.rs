//! Configuration scripts and data files to resource blocks and values.
//!
//! Only literals are read: strings, `$true`/`$false`/`$null`, integers, `@(…)` arrays, `@{…}`
//! hashtables and embedded `MSFT_…{…}` instances. Anything else in a value position (a variable,
//! a command, an expression) becomes [`PsValue::Unresolved`], so a mapping can report it instead of
//! guessing what PowerShell would compute.

use super::lexer::{Tok, Token};
use crate::diagnostic::Span;

/// Deepest nesting of arrays, hashtables and instances read; deeper input is reported.
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq)]
pub enum PsValue {
    Str(String),
    Bool(bool),
    Int(i64),
    Null,
    Array(Vec<Item>),
    /// A hashtable or an embedded CIM instance: its properties in order.
    Hash(Vec<Prop>),
    /// A value only PowerShell could compute; the text as written.
    Unresolved(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub value: PsValue,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prop {
    pub name: String,
    pub name_span: Span,
    pub value: Item,
}

/// One resource block: `AADGroupsSettings "Instance" { … }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub kind: String,
    /// The resource name and instance name, where findings on the resource as a whole point.
    pub header: Span,
    /// The whole block, braces included.
    pub span: Span,
    pub props: Vec<Prop>,
}

impl Resource {
    /// The property named `name`, compared as PowerShell does (ignoring case).
    pub fn prop(&self, name: &str) -> Option<&Prop> {
        find(&self.props, name)
    }
}

pub fn find<'a>(props: &'a [Prop], name: &str) -> Option<&'a Prop> {
    props.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}

#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

pub struct Parser<'a> {
    tokens: &'a [Token],
    pos: usize,
    end: usize,
}

impl<'a> Parser<'a> {
    pub fn new(tokens: &'a [Token], end: usize) -> Self {
        Parser {
            tokens,
            pos: 0,
            end,
        }
    }

    fn peek(&self) -> Option<&'a Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }

    fn peek_at(&self, n: usize) -> Option<&'a Tok> {
        self.tokens.get(self.pos + n).map(|t| &t.tok)
    }

    fn span(&self) -> Span {
        self.tokens
            .get(self.pos)
            .map_or(Span::new(self.end, self.end), |t| t.span)
    }

    fn prev_end(&self) -> usize {
        self.pos
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .map_or(0, |t| t.span.end as usize)
    }

    fn error<T>(&self, message: impl Into<String>) -> Result<T, SyntaxError> {
        Err(SyntaxError {
            span: self.span(),
            message: message.into(),
        })
    }

    fn skip_newlines(&mut self) {
        while self.peek() == Some(&Tok::Newline) {
            self.pos += 1;
        }
    }

    fn skip_separators(&mut self) {
        while matches!(self.peek(), Some(Tok::Newline | Tok::Semi)) {
            self.pos += 1;
        }
    }

    /// Index of the next token that is not a line break, from `self.pos + n`.
    fn next_solid(&self, mut n: usize) -> Option<&'a Tok> {
        while self.peek_at(n) == Some(&Tok::Newline) {
            n += 1;
        }
        self.peek_at(n)
    }

    /// The position of the `Configuration Name {` keyword, when the script declares one.
    pub fn find_configuration(&mut self) -> bool {
        let mut at_start = true;
        while let Some(tok) = self.peek() {
            if at_start
                && matches!(tok, Tok::Word(w) if w.eq_ignore_ascii_case("configuration"))
                && matches!(self.peek_at(1), Some(Tok::Word(_)))
                && self.next_solid(2) == Some(&Tok::LBrace)
            {
                self.pos += 2;
                self.skip_newlines();
                return true;
            }
            at_start = matches!(tok, Tok::Newline | Tok::Semi | Tok::LBrace | Tok::RBrace);
            self.pos += 1;
        }
        false
    }

    /// Reads the block at `{` (a configuration or node body), collecting the resource blocks in
    /// it. Other statements are stepped over.
    pub fn block(&mut self, out: &mut Vec<Resource>, depth: usize) -> Result<(), SyntaxError> {
        if depth > MAX_DEPTH {
            return self.error("the configuration nests deeper than entralint reads");
        }
        let open = self.span();
        if self.peek() != Some(&Tok::LBrace) {
            return self.error("expected `{`");
        }
        self.pos += 1;
        loop {
            self.skip_separators();
            match self.peek() {
                None => {
                    return Err(SyntaxError {
                        span: open,
                        message: "this block is never closed with `}`".to_string(),
                    });
                }
                Some(Tok::RBrace) => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(Tok::Word(word)) if word.eq_ignore_ascii_case("node") => {
                    // `Node localhost {`, `Node $AllNodes.NodeName {`: the name is not needed.
                    self.pos += 1;
                    while !matches!(self.peek(), None | Some(Tok::LBrace)) {
                        self.pos += 1;
                    }
                    self.block(out, depth + 1)?;
                }
                Some(Tok::Word(kind))
                    if !is_keyword(kind)
                        && matches!(self.peek_at(1), Some(Tok::Word(_) | Tok::Str { .. }))
                        && self.next_solid(2) == Some(&Tok::LBrace) =>
                {
                    let start = self.span();
                    self.pos += 1;
                    let header = start.join(self.span());
                    self.pos += 1;
                    self.skip_newlines();
                    let body_start = self.span();
                    self.pos += 1;
                    let props = self.properties(body_start, depth + 1)?;
                    out.push(Resource {
                        kind: kind.clone(),
                        header,
                        span: body_start.join(Span::new(self.prev_end(), self.prev_end())),
                        props,
                    });
                }
                // A statement this subset does not read (`Import-DscResource …`, `param(…)`).
                Some(_) => {
                    let before = self.pos;
                    self.expression(false)?;
                    if self.pos == before {
                        // A closing `)` or `]` that nothing opened.
                        return self.error("this closing bracket has no opening bracket");
                    }
                }
            }
        }
    }

    /// `Name = value …` after an opening brace at `open`: property assignments up to the
    /// closing brace.
    fn properties(&mut self, open: Span, depth: usize) -> Result<Vec<Prop>, SyntaxError> {
        let mut props = Vec::new();
        loop {
            self.skip_separators();
            let (name, name_span) = match self.peek() {
                None => {
                    return Err(SyntaxError {
                        span: open,
                        message: "this block is never closed with `}`".to_string(),
                    });
                }
                Some(Tok::RBrace) => {
                    self.pos += 1;
                    return Ok(props);
                }
                Some(Tok::Word(name)) => (name.clone(), self.span()),
                Some(Tok::Str { value, .. }) => (value.clone(), self.span()),
                Some(_) => return self.error("expected a property name"),
            };
            self.pos += 1;
            if self.peek() != Some(&Tok::Eq) {
                return self.error(format!("expected `=` after `{name}`"));
            }
            self.pos += 1;
            self.skip_newlines();
            let value = self.value(depth + 1, false)?;
            match self.peek() {
                None | Some(Tok::Newline | Tok::Semi | Tok::RBrace) => {}
                Some(_) => return self.error("expected a line break or `;` after the value"),
            }
            props.push(Prop {
                name,
                name_span,
                value,
            });
        }
    }

    /// One value. In an array, `,` also ends it.
    pub fn value(&mut self, depth: usize, in_array: bool) -> Result<Item, SyntaxError> {
        if depth > MAX_DEPTH {
            return self.error("values nest deeper than entralint reads");
        }
        let start = self.span();
        let value = match self.peek() {
            None => return self.error("expected a value"),
            Some(Tok::Str { value, expands }) => {
                self.pos += 1;
                if *expands {
                    PsValue::Unresolved(value.clone())
                } else {
                    PsValue::Str(value.clone())
                }
            }
            Some(Tok::Var(name)) => {
                self.pos += 1;
                match name.to_ascii_lowercase().as_str() {
                    "$true" => PsValue::Bool(true),
                    "$false" => PsValue::Bool(false),
                    "$null" => PsValue::Null,
                    _ => PsValue::Unresolved(name.clone()),
                }
            }
            Some(Tok::AtParen) => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    while matches!(self.peek(), Some(Tok::Newline | Tok::Comma | Tok::Semi)) {
                        self.pos += 1;
                    }
                    match self.peek() {
                        None => {
                            return Err(SyntaxError {
                                span: start,
                                message: "this array is never closed with `)`".to_string(),
                            });
                        }
                        Some(Tok::RParen) => {
                            self.pos += 1;
                            break;
                        }
                        Some(_) => {
                            let before = self.pos;
                            items.push(self.value(depth + 1, true)?);
                            if self.pos == before {
                                // `}` or `]` where an item or the closing `)` belongs.
                                return self.error("expected an array item or `)`");
                            }
                        }
                    }
                }
                PsValue::Array(items)
            }
            Some(Tok::AtBrace) => {
                self.pos += 1;
                PsValue::Hash(self.properties(start, depth + 1)?)
            }
            Some(Tok::Word(_)) if self.next_solid(1) == Some(&Tok::LBrace) => {
                // An embedded instance, `MSFT_Xxx { … }`: read like a hashtable.
                self.pos += 1;
                self.skip_newlines();
                let open = self.span();
                self.pos += 1;
                PsValue::Hash(self.properties(open, depth + 1)?)
            }
            Some(Tok::Word(word)) if word.parse::<i64>().is_ok() => {
                self.pos += 1;
                PsValue::Int(word.parse().unwrap_or_default())
            }
            Some(_) => {
                self.expression(in_array)?;
                PsValue::Unresolved(String::new())
            }
        };
        // A literal followed by more (`"a" + $b`, `$x.Count -gt 1`) is an expression.
        let ends = match self.peek() {
            None | Some(Tok::Newline | Tok::Semi | Tok::RBrace | Tok::RParen) => true,
            Some(Tok::Comma) => in_array,
            _ => false,
        };
        let value = if ends {
            value
        } else {
            self.expression(in_array)?;
            PsValue::Unresolved(String::new())
        };
        let span = start.join(Span::new(self.prev_end(), self.prev_end()));
        Ok(Item { value, span })
    }

    /// Steps over an expression or statement up to its end, keeping brackets balanced.
    fn expression(&mut self, in_array: bool) -> Result<(), SyntaxError> {
        let mut stack: Vec<Span> = Vec::new();
        while let Some(tok) = self.peek() {
            match tok {
                Tok::LBrace | Tok::LParen | Tok::LBracket | Tok::AtParen | Tok::AtBrace => {
                    stack.push(self.span())
                }
                // A closing bracket of the enclosing block or array ends the expression.
                Tok::RBrace | Tok::RParen | Tok::RBracket if stack.pop().is_none() => {
                    return Ok(());
                }
                Tok::Newline | Tok::Semi if stack.is_empty() => return Ok(()),
                Tok::Comma if stack.is_empty() && in_array => return Ok(()),
                _ => {}
            }
            self.pos += 1;
        }
        match stack.last() {
            Some(open) => Err(SyntaxError {
                span: *open,
                message: "this bracket is never closed".to_string(),
            }),
            None => Ok(()),
        }
    }

    pub fn at_end(&mut self) -> bool {
        self.skip_separators();
        self.peek().is_none()
    }
}

/// PowerShell keywords that open a block: `function Name { … }` is not a resource block.
fn is_keyword(word: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "function",
        "filter",
        "workflow",
        "configuration",
        "foreach",
        "for",
        "while",
        "do",
        "until",
        "if",
        "elseif",
        "else",
        "switch",
        "try",
        "catch",
        "finally",
        "trap",
        "class",
        "enum",
        "data",
        "param",
        "begin",
        "process",
        "end",
        "dynamicparam",
    ];
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word))
}

/// Fills in the text of unresolved values from the source, for messages.
pub fn fill_unresolved(props: &mut [Prop], text: &str) {
    for prop in props {
        fill_item(&mut prop.value, text);
    }
}

fn fill_item(item: &mut Item, text: &str) {
    match &mut item.value {
        PsValue::Unresolved(shown) if shown.is_empty() => {
            let raw = text
                .get(item.span.start as usize..item.span.end as usize)
                .unwrap_or_default();
            *shown = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        }
        PsValue::Array(items) => items.iter_mut().for_each(|i| fill_item(i, text)),
        PsValue::Hash(props) => fill_unresolved(props, text),
        _ => {}
    }
}

/// The resource blocks of a configuration script; None when the script declares no
/// `Configuration` (it is some other PowerShell script, not a tenant file).
pub fn configuration(text: &str, tokens: &[Token]) -> Option<Result<Vec<Resource>, SyntaxError>> {
    let mut parser = Parser::new(tokens, text.len());
    if !parser.find_configuration() {
        return None;
    }
    let mut resources = Vec::new();
    Some(parser.block(&mut resources, 0).map(|()| {
        for resource in &mut resources {
            fill_unresolved(&mut resource.props, text);
        }
        resources
    }))
}

#[cfg(test)]
mod tests {
    use super::super::lexer::lex;
    use super::*;

    fn resources(text: &str) -> Vec<Resource> {
        let tokens = lex(text).unwrap().tokens;
        configuration(text, &tokens).unwrap().unwrap()
    }

    #[test]
    fn reads_blocks_with_quoted_and_guid_names() {
        let text = "Configuration C {\n Import-DscResource -ModuleName 'Microsoft365DSC'\n Node localhost {\n  AADGroupsSettings 2ecf1bcd-94b5-4c4e-a1a3-1c2d3e4f5a6b\n  {\n   EnableGroupCreation = $FALSE;\n  }\n  AADAuthorizationPolicy \"Pol\" { AllowInvitesFrom = 'everyone' }\n }\n}\nC -ConfigurationData .\\c.psd1\n";
        let found = resources(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].kind, "AADGroupsSettings");
        assert_eq!(
            found[0].prop("enablegroupcreation").unwrap().value.value,
            PsValue::Bool(false)
        );
        assert_eq!(
            found[1].prop("AllowInvitesFrom").unwrap().value.value,
            PsValue::Str("everyone".into())
        );
    }

    #[test]
    fn arrays_instances_and_expressions() {
        let text = "Configuration C { Node n { R 'x' {\n A = @(\n 'a',\n \"b\"\n )\n B = MSFT_X\n {\n  c = 1\n }\n C = $ConfigurationData.NonNodeData.TenantId\n D = (Get-Date).AddDays(1)\n } } }";
        let found = resources(text);
        let props = &found[0].props;
        assert_eq!(props.len(), 4);
        assert!(matches!(&props[0].value.value, PsValue::Array(items) if items.len() == 2));
        assert!(
            matches!(&props[1].value.value, PsValue::Hash(inner) if inner[0].value.value == PsValue::Int(1))
        );
        assert_eq!(
            props[2].value.value,
            PsValue::Unresolved("$ConfigurationData.NonNodeData.TenantId".into())
        );
        assert_eq!(
            props[3].value.value,
            PsValue::Unresolved("(Get-Date).AddDays(1)".into())
        );
    }

    #[test]
    fn keyword_blocks_are_not_resources() {
        let text = "Configuration C {\n function Get-Name { return 'x' }\n Node n { AADGroupsSettings 'g' { EnableGroupCreation = $false } }\n}";
        let found = resources(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, "AADGroupsSettings");
    }

    #[test]
    fn a_script_without_configuration_is_not_read() {
        let tokens = lex("Get-Process | Where-Object { $_.Id -eq 1 }")
            .unwrap()
            .tokens;
        assert!(configuration("", &tokens).is_none());
    }

    #[test]
    fn unclosed_block_is_an_error_at_its_brace() {
        let text = "Configuration C {\n Node n {\n  R 'x' {\n   A = 1\n";
        let tokens = lex(text).unwrap().tokens;
        let err = configuration(text, &tokens).unwrap().unwrap_err();
        assert_eq!(&text[err.span.start as usize..err.span.end as usize], "{");
    }

    /// Found by fuzzing: a stray closer where a statement or an array item belongs was stepped
    /// over without moving, forever.
    #[test]
    fn a_stray_closing_bracket_is_an_error_not_a_hang() {
        for (text, at) in [
            ("Configuration C\n{\n x]\n}\n", "]"),
            ("Configuration C\n{\n )\n}\n", ")"),
            ("Configuration C {\n R 'x' {\n  A = @( } )\n }\n}\n", "}"),
            ("Configuration C {\n R 'x' {\n  A = @(1, ])\n }\n}\n", "]"),
        ] {
            let tokens = lex(text).unwrap().tokens;
            let err = configuration(text, &tokens).unwrap().unwrap_err();
            assert_eq!(
                &text[err.span.start as usize..err.span.end as usize],
                at,
                "{text:?}: {}",
                err.message
            );
        }
    }
}
