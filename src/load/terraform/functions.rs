//! Terraform's pure built-in functions that modules use to shape settings (`lookup(var.x, k,
//! "default")`, `lower(...)`, `format("%s-admins", local.env)`, `coalesce(...)`), evaluated when
//! every argument is known. A function of a value known only at apply is never called: the
//! evaluator reports that argument instead. A function not here stays not known.

use crate::diagnostic::Span;
use crate::tree::{Entry, Node, Value};

/// The functions [`call`] evaluates.
const NAMES: &[&str] = &[
    "lower",
    "upper",
    "trimspace",
    "trimprefix",
    "trimsuffix",
    "startswith",
    "endswith",
    "replace",
    "format",
    "join",
    "split",
    "length",
    "lookup",
    "coalesce",
    "coalescelist",
    "contains",
    "keys",
    "values",
    "flatten",
    "distinct",
    "compact",
    "sort",
    "element",
    "one",
    "zipmap",
    "tobool",
    "tonumber",
    "concat",
    "merge",
];

/// Whether [`call`] may evaluate `name`: its arguments are worth evaluating first.
pub fn evaluates(name: &str) -> bool {
    NAMES.contains(&name)
}

/// `name(args…)` on known arguments: None when entralint does not evaluate the function, the
/// value, or why these arguments give none (Terraform would refuse them at plan).
pub fn call(name: &str, args: Vec<Node>, span: Span) -> Option<Result<Node, &'static str>> {
    match evaluate(name, &args, span) {
        Ok(node) => Some(Ok(node)),
        Err(Why::NotEvaluated) => None,
        Err(Why::Refused(why)) => Some(Err(why)),
    }
}

enum Why {
    /// A function (or a use of one) entralint leaves to Terraform.
    NotEvaluated,
    Refused(&'static str),
}

impl From<&'static str> for Why {
    fn from(why: &'static str) -> Why {
        Why::Refused(why)
    }
}

fn evaluate(name: &str, args: &[Node], span: Span) -> Result<Node, Why> {
    for group in [strings, collections, lists, conversions] {
        match group(name, args, span) {
            Err(Why::NotEvaluated) => {}
            done => return done,
        }
    }
    Err(Why::NotEvaluated)
}

/// Functions of text.
fn strings(name: &str, args: &[Node], span: Span) -> Result<Node, Why> {
    let value = |v: Value| Ok(Node::new(span, v));
    match (name, args) {
        ("lower", [s]) => text(s).map(|s| Value::Str(s.to_lowercase())).map(value)?,
        ("upper", [s]) => text(s).map(|s| Value::Str(s.to_uppercase())).map(value)?,
        ("trimspace", [s]) => text(s)
            .map(|s| Value::Str(s.trim().to_string()))
            .map(value)?,
        ("trimprefix", [s, p]) => {
            let (s, p) = (text(s)?, text(p)?);
            value(Value::Str(s.strip_prefix(&*p).unwrap_or(&s).to_string()))
        }
        ("trimsuffix", [s, p]) => {
            let (s, p) = (text(s)?, text(p)?);
            value(Value::Str(s.strip_suffix(&*p).unwrap_or(&s).to_string()))
        }
        ("startswith", [s, p]) => value(Value::Bool(text(s)?.starts_with(&*text(p)?))),
        ("endswith", [s, p]) => value(Value::Bool(text(s)?.ends_with(&*text(p)?))),
        ("replace", [s, from, to]) => {
            let (s, from, to) = (text(s)?, text(from)?, text(to)?);
            if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                // A regular expression in Terraform's syntax: not evaluated.
                return Err(Why::NotEvaluated);
            }
            value(Value::Str(s.replace(&*from, &to)))
        }
        ("format", [template, rest @ ..]) => value(Value::Str(format(&text(template)?, rest)?)),
        ("join", [separator, list]) => {
            let separator = text(separator)?;
            let parts: Result<Vec<String>, _> = items(list)?.iter().map(text).collect();
            value(Value::Str(parts?.join(&separator)))
        }
        ("split", [separator, s]) => {
            let (separator, s) = (text(separator)?, text(s)?);
            let parts = if s.is_empty() {
                Vec::new()
            } else {
                s.split(&*separator)
                    .map(|p| Node::new(span, Value::Str(p.to_string())))
                    .collect()
            };
            value(Value::Seq(parts))
        }
        _ => Err(Why::NotEvaluated),
    }
}

/// Functions that look into a list or a map.
fn collections(name: &str, args: &[Node], span: Span) -> Result<Node, Why> {
    let value = |v: Value| Ok(Node::new(span, v));
    match (name, args) {
        ("length", [x]) => {
            let n = match &x.value {
                Value::Seq(items) => items.len(),
                Value::Map(entries) => entries.len(),
                Value::Str(s) => s.chars().count(),
                _ => {
                    return Err(Why::Refused(
                        "`length` of something that is not a list, map or string",
                    ));
                }
            };
            value(Value::Int(n as i64))
        }
        ("lookup", [map, key, rest @ ..]) if rest.len() <= 1 => {
            let key = text(key)?;
            match (
                entries(map)?.iter().find(|e| e.key.as_str() == Some(&*key)),
                rest,
            ) {
                (Some(entry), _) => Ok(entry.value.clone()),
                (None, [default]) => Ok(default.clone()),
                (None, _) => Err(Why::Refused(
                    "`lookup` of a key the map does not have, without a default",
                )),
            }
        }
        ("coalesce", _) => match args.iter().find(|a| !is_null_or_empty(a)) {
            Some(first) => Ok(first.clone()),
            None => Err(Why::Refused("`coalesce` with every argument null or empty")),
        },
        ("coalescelist", _) => match args
            .iter()
            .find(|a| !seq(a).is_some_and(<[Node]>::is_empty))
        {
            Some(first) if seq(first).is_some() => Ok(first.clone()),
            Some(_) => Err(Why::Refused(
                "`coalescelist` of something that is not a list",
            )),
            None => Err(Why::Refused("`coalescelist` with every list empty")),
        },
        ("contains", [list, wanted]) => {
            value(Value::Bool(items(list)?.iter().any(|i| same(i, wanted))))
        }
        ("keys", [map]) => {
            let mut keys: Vec<Node> = entries(map)?.iter().map(|e| e.key.clone()).collect();
            keys.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            value(Value::Seq(keys))
        }
        ("values", [map]) => {
            let mut sorted: Vec<&Entry> = entries(map)?.iter().collect();
            sorted.sort_by(|a, b| a.key.as_str().cmp(&b.key.as_str()));
            value(Value::Seq(
                sorted.into_iter().map(|e| e.value.clone()).collect(),
            ))
        }
        _ => Err(Why::NotEvaluated),
    }
}

/// Functions that reshape a list.
fn lists(name: &str, args: &[Node], span: Span) -> Result<Node, Why> {
    let value = |v: Value| Ok(Node::new(span, v));
    match (name, args) {
        ("concat", _) => {
            let mut out = Vec::new();
            for list in args {
                out.extend(items(list)?.iter().cloned());
            }
            value(Value::Seq(out))
        }
        ("merge", _) => {
            let mut out: Vec<Entry> = Vec::new();
            for map in args {
                for e in entries(map)? {
                    out.retain(|old| old.key.as_str() != e.key.as_str());
                    out.push(e.clone());
                }
            }
            value(Value::Map(out))
        }
        ("flatten", [list]) => {
            let mut out = Vec::new();
            flatten(items(list)?, &mut out);
            value(Value::Seq(out))
        }
        ("distinct", [list]) => {
            let mut out: Vec<Node> = Vec::new();
            for item in items(list)? {
                if !out.iter().any(|o| same(o, item)) {
                    out.push(item.clone());
                }
            }
            value(Value::Seq(out))
        }
        ("compact", [list]) => value(Value::Seq(
            items(list)?
                .iter()
                .filter(|i| !is_null_or_empty(i))
                .cloned()
                .collect(),
        )),
        ("sort", [list]) => {
            let mut texts: Vec<(String, Node)> = Vec::new();
            for item in items(list)? {
                texts.push((text(item)?, item.clone()));
            }
            texts.sort_by(|a, b| a.0.cmp(&b.0));
            value(Value::Seq(texts.into_iter().map(|(_, n)| n).collect()))
        }
        ("element", [list, index]) => {
            let list = items(list)?;
            let Value::Int(index) = index.value else {
                return Err(Why::Refused(
                    "`element` with an index that is not a whole number",
                ));
            };
            if list.is_empty() || index < 0 {
                Err(Why::Refused(
                    "`element` of an empty list, or at a negative index",
                ))
            } else {
                Ok(list[index as usize % list.len()].clone())
            }
        }
        ("one", [list]) => match items(list)? {
            [] => value(Value::Null),
            [only] => Ok(only.clone()),
            _ => Err(Why::Refused("`one` of a list of more than one item")),
        },
        ("zipmap", [keys, values]) => {
            let (keys, values) = (items(keys)?, items(values)?);
            if keys.len() != values.len() {
                return Err(Why::Refused("`zipmap` of lists of different lengths"));
            }
            let mut map: Vec<Entry> = Vec::new();
            for (key, value) in keys.iter().zip(values) {
                let name = text(key)?;
                map.retain(|e| e.key.as_str() != Some(&*name));
                map.push(Entry {
                    key: Node::new(key.span, Value::Str(name)),
                    value: value.clone(),
                });
            }
            value(Value::Map(map))
        }
        _ => Err(Why::NotEvaluated),
    }
}

/// Conversions between types.
fn conversions(name: &str, args: &[Node], span: Span) -> Result<Node, Why> {
    let value = |v: Value| Ok(Node::new(span, v));
    match (name, args) {
        ("tobool", [x]) => match &x.value {
            Value::Bool(_) | Value::Null => Ok(x.clone()),
            Value::Str(s) if s == "true" => value(Value::Bool(true)),
            Value::Str(s) if s == "false" => value(Value::Bool(false)),
            _ => Err(Why::Refused(
                "`tobool` of something that is not true or false",
            )),
        },
        ("tonumber", [x]) => match &x.value {
            Value::Int(_) | Value::Float(_) | Value::Null => Ok(x.clone()),
            Value::Str(s) => match (s.parse::<i64>(), s.parse::<f64>()) {
                (Ok(n), _) => value(Value::Int(n)),
                (_, Ok(f)) if f.is_finite() => value(Value::Float(f)),
                _ => Err(Why::Refused("`tonumber` of text that is not a number")),
            },
            _ => Err(Why::Refused("`tonumber` of something that is not a number")),
        },
        _ => Err(Why::NotEvaluated),
    }
}

/// A string argument, or a number or bool as Terraform converts it to one.
fn text(node: &Node) -> Result<String, &'static str> {
    match &node.value {
        Value::Str(s) => Ok(s.clone()),
        Value::Int(n) => Ok(n.to_string()),
        Value::Float(f) => Ok(f.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err("a function of something that is not a string"),
    }
}

fn seq(node: &Node) -> Option<&[Node]> {
    match &node.value {
        Value::Seq(items) => Some(items),
        _ => None,
    }
}

fn items(node: &Node) -> Result<&[Node], &'static str> {
    seq(node).ok_or("a function of something that is not a list")
}

fn entries(node: &Node) -> Result<&[Entry], &'static str> {
    match &node.value {
        Value::Map(entries) => Ok(entries),
        _ => Err("a function of something that is not a map"),
    }
}

fn is_null_or_empty(node: &Node) -> bool {
    matches!(&node.value, Value::Null) || node.as_str() == Some("")
}

fn flatten(list: &[Node], out: &mut Vec<Node>) {
    for item in list {
        match seq(item) {
            Some(inner) => flatten(inner, out),
            None => out.push(item.clone()),
        }
    }
}

/// Equal values, wherever they were written.
fn same(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Seq(x), Value::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter().all(|e| {
                    y.iter()
                        .any(|f| same(&e.key, &f.key) && same(&e.value, &f.value))
                })
        }
        (Value::Int(x), Value::Float(y)) | (Value::Float(y), Value::Int(x)) => *x as f64 == *y,
        (x, y) => x == y,
    }
}

/// `format`'s verbs that settings use: `%s`, `%d`, `%v`, `%q` and `%%`; any other (widths,
/// precisions, `%[n]`) leaves the call not known.
fn format(template: &str, args: &[Node]) -> Result<String, &'static str> {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = template.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some(verb @ ('s' | 'd' | 'v' | 'q')) => {
                let arg = args
                    .next()
                    .ok_or("`format` with fewer arguments than verbs")?;
                if verb == 'd' && !matches!(arg.value, Value::Int(_)) {
                    return Err("`format` `%d` of something that is not a whole number");
                }
                let shown = text(arg)?;
                if verb == 'q' {
                    out.push_str(&serde_json::Value::String(shown).to_string());
                } else {
                    out.push_str(&shown);
                }
            }
            _ => return Err("a `format` verb entralint does not evaluate"),
        }
    }
    if args.next().is_some() {
        return Err("`format` with more arguments than verbs");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Node {
        Node::new(Span::default(), Value::Str(text.to_string()))
    }

    fn list(items: Vec<Node>) -> Node {
        Node::new(Span::default(), Value::Seq(items))
    }

    fn map(entries: &[(&str, Node)]) -> Node {
        Node::new(
            Span::default(),
            Value::Map(
                entries
                    .iter()
                    .map(|(k, v)| Entry {
                        key: s(k),
                        value: v.clone(),
                    })
                    .collect(),
            ),
        )
    }

    fn run(name: &str, args: Vec<Node>) -> Result<Value, &'static str> {
        call(name, args, Span::default())
            .expect("a function entralint evaluates")
            .map(|n| n.value)
    }

    #[test]
    fn strings() {
        assert_eq!(
            run("lower", vec![s("Ana@Contoso.com")]),
            Ok(Value::Str("ana@contoso.com".into()))
        );
        assert_eq!(
            run(
                "format",
                vec![
                    s("%s-admins (%d%%)"),
                    s("prod"),
                    Node::new(Span::default(), Value::Int(3))
                ]
            ),
            Ok(Value::Str("prod-admins (3%)".into()))
        );
        assert!(run("format", vec![s("%5s"), s("x")]).is_err());
        assert!(run("format", vec![s("%s")]).is_err());
        assert_eq!(
            run("join", vec![s(","), list(vec![s("a"), s("b")])]),
            Ok(Value::Str("a,b".into()))
        );
        assert_eq!(run("split", vec![s(","), s("")]), Ok(Value::Seq(vec![])));
        assert_eq!(
            run("replace", vec![s("a-b"), s("-"), s("_")]),
            Ok(Value::Str("a_b".into()))
        );
        assert!(call("replace", vec![s("a"), s("/a/"), s("b")], Span::default()).is_none());
    }

    #[test]
    fn lookups_and_collections() {
        let m = map(&[("prod", s("enabled")), ("dev", s("disabled"))]);
        assert_eq!(
            run("lookup", vec![m.clone(), s("dev")]),
            Ok(Value::Str("disabled".into()))
        );
        assert_eq!(
            run("lookup", vec![m.clone(), s("qa"), s("report")]),
            Ok(Value::Str("report".into()))
        );
        assert!(run("lookup", vec![m.clone(), s("qa")]).is_err());
        assert_eq!(
            run("keys", vec![m.clone()]),
            Ok(Value::Seq(vec![s("dev"), s("prod")]))
        );
        assert_eq!(
            run("values", vec![m]),
            Ok(Value::Seq(vec![s("disabled"), s("enabled")]))
        );
        let null = Node::new(Span::default(), Value::Null);
        assert_eq!(
            run("coalesce", vec![null.clone(), s(""), s("x")]),
            Ok(Value::Str("x".into()))
        );
        assert!(run("coalesce", vec![null.clone()]).is_err());
        assert_eq!(
            run(
                "flatten",
                vec![list(vec![s("a"), list(vec![s("b"), list(vec![s("c")])])])]
            ),
            Ok(Value::Seq(vec![s("a"), s("b"), s("c")]))
        );
        assert_eq!(
            run("distinct", vec![list(vec![s("a"), s("a"), s("b")])]),
            Ok(Value::Seq(vec![s("a"), s("b")]))
        );
        assert_eq!(
            run("compact", vec![list(vec![s("a"), s(""), null])]),
            Ok(Value::Seq(vec![s("a")]))
        );
        assert_eq!(
            run("contains", vec![list(vec![s("a")]), s("a")]),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            run("length", vec![list(vec![s("a"), s("b")])]),
            Ok(Value::Int(2))
        );
        assert_eq!(run("one", vec![list(vec![])]), Ok(Value::Null));
        assert!(run("one", vec![list(vec![s("a"), s("b")])]).is_err());
        assert_eq!(
            run("zipmap", vec![list(vec![s("k")]), list(vec![s("v")])]),
            Ok(map(&[("k", s("v"))]).value)
        );
        assert!(call("timestamp", vec![], Span::default()).is_none());
        assert!(!evaluates("timestamp") && evaluates("lookup"));
    }
}
