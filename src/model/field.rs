//! The machinery the tenant model is declared with: reading typed values out of the spanned tree
//! (every problem becomes a diagnostic with the document path), and turning the model into the
//! effective values rules see (declared where declared, Entra's default elsewhere).

use std::any::TypeId;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use super::{TenantKind, defaults, suggest};
use crate::diagnostic::{Diagnostic, Span};
use crate::model::value::{Key, Val};
use crate::tree::{Entry, Node, Value};

/// A declared value with the span of its value and of its key.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
    pub key: Span,
}

/// A list whose items keep their spans.
pub type List<T> = Vec<Spanned<T>>;

/// What reading the tree needs: where the reader is, and where problems go.
pub struct Ctx<'a> {
    pub diagnostics: &'a mut Vec<Diagnostic>,
    /// The document path of the value being read, spelled out as it is walked: one buffer, as
    /// it is read for every key but needed only for the few that have a problem.
    path: String,
    /// Where each segment of `path` starts, and whether a `.` joins it to the one before.
    segments: Vec<(usize, bool)>,
}

impl<'a> Ctx<'a> {
    pub fn new(diagnostics: &'a mut Vec<Diagnostic>) -> Self {
        Ctx {
            diagnostics,
            path: String::new(),
            segments: Vec::new(),
        }
    }

    /// The document path of the value being read (`authorizationPolicy.allowInvitesFrom`).
    pub fn path(&self) -> String {
        self.path.clone()
    }

    pub fn report(&mut self, diagnostic: Diagnostic) {
        let path = self.path();
        let diagnostic = if path.is_empty() {
            diagnostic
        } else {
            diagnostic.with_path(path)
        };
        self.diagnostics.push(diagnostic);
    }

    fn last_key(&self) -> String {
        let mut end = self.path.len();
        self.segments
            .iter()
            .rev()
            .map(|&(start, dot)| {
                let segment = &self.path[start + usize::from(dot)..end];
                end = start;
                segment
            })
            .find(|s| !s.starts_with('['))
            .map(str::to_string)
            .unwrap_or_default()
    }

    pub fn wrong_type(&mut self, node: &Node, expected: &str) {
        let key = self.last_key();
        let mut diagnostic = Diagnostic::error(
            "wrong-type",
            node.span,
            format!("`{key}` must be {expected}, found {}", node.kind_name()),
        )
        .with_label(format!("{} here", node.kind_name()));
        if expected.starts_with("a boolean")
            && let Some(text) = node.as_str()
        {
            let help = match text.to_ascii_lowercase().as_str() {
                "yes" | "on" | "y" => Some("write `true`: YAML 1.2 reads yes/on as strings"),
                "no" | "off" | "n" => Some("write `false`: YAML 1.2 reads no/off as strings"),
                "true" => Some("write `true` without quotes"),
                "false" => Some("write `false` without quotes"),
                _ => None,
            };
            if let Some(help) = help {
                diagnostic = diagnostic.with_help(help);
            }
        }
        self.report(diagnostic);
    }

    pub fn invalid_value(&mut self, node: &Node, allowed: &[&str], what: &str) {
        let key = self.last_key();
        let found = node.as_str().unwrap_or_default();
        let mut diagnostic = Diagnostic::error(
            "invalid-value",
            node.span,
            format!("`{found}` is not a valid value for `{key}`"),
        )
        .with_label(format!("not {what}"));
        let mut help = match suggest::closest(found, allowed.iter().copied()) {
            Some(near) => format!("did you mean `{near}`? allowed: {}", allowed.join(", ")),
            None => format!("allowed: {}", allowed.join(", ")),
        };
        if found.to_ascii_lowercase().contains("xxxx")
            || found.chars().all(|c| c == '0' || c == '-')
        {
            help = format!("this looks like a placeholder an export left in; {help}");
        }
        diagnostic = diagnostic.with_help(help);
        self.report(diagnostic);
    }

    /// Reads one mapping entry's value as `T`, under the entry's key in the document path.
    pub fn field<T: FromNode>(&mut self, key: &str, entry: &Entry) -> Option<Spanned<T>> {
        // Graph writes null for "not set": that is the same as not declaring the key.
        if entry.value.value == Value::Null {
            return None;
        }
        self.push(&[key]);
        let value = T::from_node(&entry.value, self);
        self.pop();
        value.map(|value| Spanned {
            value,
            span: entry.value.span,
            key: entry.key.span,
        })
    }

    /// The entries of a mapping, or a wrong-type diagnostic.
    pub fn expect_map<'n>(&mut self, node: &'n Node) -> Option<&'n [Entry]> {
        match node.as_map() {
            Some(entries) => Some(entries),
            None => {
                self.wrong_type(node, "a mapping");
                None
            }
        }
    }

    /// The key of an entry as text; `@odata.*` annotations from pasted Graph responses are skipped.
    pub fn key<'n>(&mut self, entry: &'n Entry) -> Option<&'n str> {
        match entry.key.as_str() {
            // Also `property@odata.type` / `…@odata.context`, which Graph puts beside a property.
            Some(key) if key.contains("@odata.") => None,
            Some(key) => Some(key),
            None => {
                self.report(
                    Diagnostic::error(
                        "wrong-type",
                        entry.key.span,
                        format!("keys must be strings, found {}", entry.key.kind_name()),
                    )
                    .with_label("this key"),
                );
                None
            }
        }
    }

    pub fn unknown_key(&mut self, entry: &Entry, known: &'static [&'static str]) {
        let key = entry.key.as_str().unwrap_or_default();
        let place = self.path();
        let message = if place.is_empty() {
            format!("unknown top-level key `{key}`")
        } else {
            format!("unknown key `{key}` in `{place}`")
        };
        let mut diagnostic = Diagnostic::error("unknown-key", entry.key.span, message)
            .with_label("not a known key")
            .with_path(if place.is_empty() {
                key.to_string()
            } else {
                format!("{place}.{key}")
            });
        diagnostic = match suggest::closest_known(key, known) {
            Some(near) => diagnostic.with_help(format!(
                "did you mean `{near}`? An unknown key is ignored, so the setting would keep Entra's default"
            )),
            None => diagnostic.with_help(format!("known keys here: {}", known.join(", "))),
        };
        self.diagnostics.push(diagnostic);
    }

    pub fn missing_key(&mut self, node: &Node, key: &str) {
        let place = self.path();
        // The item's first key marks it without underlining every line of it.
        let span = node
            .as_map()
            .and_then(|entries| entries.first())
            .map_or(node.span, |first| first.key.span);
        self.report(
            Diagnostic::error(
                "missing-key",
                span,
                format!("`{place}` needs a `{key}` key"),
            )
            .with_label(format!("`{key}` missing here")),
        );
    }

    /// Enters a segment, given in pieces: a key, or `[`, `id=alice`, `]` for a list item (`a.b[id=x].c`).
    fn push(&mut self, pieces: &[&str]) {
        let dot = !self.path.is_empty() && !pieces.first().is_some_and(|p| p.starts_with('['));
        self.segments.push((self.path.len(), dot));
        if dot {
            self.path.push('.');
        }
        pieces.iter().for_each(|piece| self.path.push_str(piece));
    }

    fn pop(&mut self) {
        if let Some((start, _)) = self.segments.pop() {
            self.path.truncate(start);
        }
    }
}

/// A value read out of the spanned tree.
pub trait FromNode: Sized {
    /// For list items: the key that names an item in document paths (`users[id=alice]`).
    const IDENTITY: Option<&'static str> = None;

    fn from_node(node: &Node, cx: &mut Ctx) -> Option<Self>;
}

/// What rules see: the model as the evaluator's values.
pub struct CelCx {
    pub kind: TenantKind,
}

pub trait ToCel {
    /// Whether the value's own document path matters to it (sections and lists find defaults and
    /// name items by it; leaves don't, and are spared building it).
    const NEEDS_PATH: bool = true;

    fn to_cel(&self, path: &str, cx: &CelCx) -> Val;

    /// The effective value of a key that is not declared: Entra's default for the tenant kind.
    fn absent(path: &str, cx: &CelCx) -> Val {
        defaults::default_for(path).map_or(Val::Null, |d| Val::from_json(d.value(cx.kind)))
    }
}

/// Marks a collection item with its position (`_index`), so collection rules can say which items
/// they matched.
fn with_index(value: Val, index: usize) -> Val {
    match value {
        Val::Map(fields) => {
            let mut fields = Arc::unwrap_or_clone(fields);
            let at = fields.partition_point(|(k, _)| k.as_str() < "_index");
            fields.insert(at, (Key::Static("_index"), Val::Int(index as i64)));
            Val::map(fields)
        }
        other => other,
    }
}

pub fn cel_str(text: &str) -> Val {
    Val::str(text)
}

/// A name that lives as long as the run (an enum's spelling, a catalogued role's name): every
/// item that holds it shares one copy, rather than a large tenant making one per item.
pub fn cel_static(text: &'static str) -> Val {
    thread_local! {
        static SHARED: std::cell::RefCell<foldhash::HashMap<(usize, usize), Val>> =
            Default::default();
    }
    SHARED.with(|shared| {
        shared
            .borrow_mut()
            .entry((text.as_ptr() as usize, text.len()))
            .or_insert_with(|| Val::str(text))
            .clone()
    })
}

/// A mapping from the model's field names, sorted by key so that every rendering is stable.
pub fn cel_map(fields: Vec<(&'static str, Val)>) -> Val {
    let mut fields: Vec<(Key, Val)> = fields
        .into_iter()
        .map(|(k, v)| (Key::Static(k), v))
        .collect();
    fields.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
    Val::map(fields)
}

/// The sorted order of a section's keys, found on its first conversion: a section always lists
/// the same keys in the same order, so every later one is placed without sorting.
pub type KeyOrder = std::sync::OnceLock<Box<[(&'static str, usize)]>>;

/// [`cel_map`] for a section whose key order is `order`; falls back to sorting if the keys differ
/// from the ones the order was made for.
pub fn cel_map_in(mut fields: Vec<(&'static str, Val)>, order: &KeyOrder) -> Val {
    let order = order.get_or_init(|| {
        let mut sorted: Vec<(&'static str, usize)> = fields
            .iter()
            .enumerate()
            .map(|(i, (k, _))| (*k, i))
            .collect();
        sorted.sort();
        sorted.into()
    });
    let same = |a: &str, b: &str| a.len() == b.len() && (a.as_ptr() == b.as_ptr() || a == b);
    if order.len() != fields.len() || !order.iter().all(|(k, i)| same(k, fields[*i].0)) {
        return cel_map(fields);
    }
    // Room for the `_index` a collection item gets next.
    let mut sorted = Vec::with_capacity(order.len() + 1);
    sorted.extend(order.iter().map(|(k, i)| {
        (
            Key::Static(k),
            std::mem::replace(&mut fields[*i].1, Val::Null),
        )
    }));
    Val::map(sorted)
}

/// A key's document path under `path` (`authorizationPolicy.allowInvitesFrom`); the key alone at
/// the top. Spelled without the formatting machinery, which cost the first conversion of a
/// tenant's defaults a quarter of its instructions.
pub fn join_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        return key.to_string();
    }
    let mut joined = String::with_capacity(path.len() + 1 + key.len());
    joined.push_str(path);
    joined.push('.');
    joined.push_str(key);
    joined
}

/// The effective values of a section's keys when none is declared, in declaration order.
pub type Absent = Rc<[Val]>;

/// The cached [`Absent`] values of one section type and tenant kind, by document path: most types
/// sit at one path, a few at several.
type AbsentByPath = Vec<(Box<str>, Absent)>;

thread_local! {
    /// [`Absent`] values by section type, tenant kind and document path: they depend on nothing
    /// else, and computing them (a path, a lookup and a conversion per key) would otherwise be
    /// repeated for every item of every tenant. Asked for every list item, so found by hashing.
    static ABSENT: RefCell<foldhash::HashMap<(TypeId, TenantKind), AbsentByPath>> =
        RefCell::new(foldhash::HashMap::default());
}

/// The values `T`'s keys take at `path` when not declared, made by `compute` once per thread.
pub fn absent_fields<T: 'static>(
    path: &str,
    kind: TenantKind,
    compute: impl FnOnce() -> Vec<Val>,
) -> Absent {
    let id = (TypeId::of::<T>(), kind);
    let known = ABSENT.with_borrow(|cache| {
        cache
            .get(&id)?
            .iter()
            .find(|(p, _)| **p == *path)
            .map(|(_, values)| values.clone())
    });
    if let Some(values) = known {
        return values;
    }
    // Computed outside the borrow: a nested section's defaults come from this cache too.
    let values: Absent = compute().into();
    ABSENT.with_borrow_mut(|cache| {
        (cache.entry(id).or_default()).push((path.into(), values.clone()));
    });
    values
}

// ---- leaf types -------------------------------------------------------------------------------

impl FromNode for bool {
    fn from_node(node: &Node, cx: &mut Ctx) -> Option<Self> {
        match node.value {
            Value::Bool(b) => Some(b),
            _ => {
                cx.wrong_type(node, "a boolean (true or false)");
                None
            }
        }
    }
}

impl ToCel for bool {
    const NEEDS_PATH: bool = false;

    fn to_cel(&self, _: &str, _: &CelCx) -> Val {
        Val::Bool(*self)
    }
}

/// A directory-setting boolean: Graph stores these as strings, so `"True"` and `"false"` in any
/// case are accepted alongside real booleans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DirBool(pub bool);

impl FromNode for DirBool {
    fn from_node(node: &Node, cx: &mut Ctx) -> Option<Self> {
        match &node.value {
            Value::Bool(b) => Some(DirBool(*b)),
            Value::Str(s) if s.eq_ignore_ascii_case("true") => Some(DirBool(true)),
            Value::Str(s) if s.eq_ignore_ascii_case("false") => Some(DirBool(false)),
            _ => {
                cx.wrong_type(
                    node,
                    "a boolean (true or false, or the strings \"True\"/\"False\")",
                );
                None
            }
        }
    }
}

impl ToCel for DirBool {
    const NEEDS_PATH: bool = false;

    fn to_cel(&self, _: &str, _: &CelCx) -> Val {
        Val::Bool(self.0)
    }
}

/// A directory-setting integer: Graph stores these as strings (`"10"`), so a string of digits is
/// accepted alongside a YAML integer. Counts and durations are never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DirInt(pub i64);

impl FromNode for DirInt {
    fn from_node(node: &Node, cx: &mut Ctx) -> Option<Self> {
        let number = match &node.value {
            Value::Int(n) => Some(*n),
            Value::Str(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        };
        match number {
            Some(n) if n >= 0 => Some(DirInt(n)),
            Some(_) => {
                let key = cx.last_key();
                cx.report(
                    Diagnostic::error(
                        "invalid-value",
                        node.span,
                        format!("`{key}` cannot be negative"),
                    )
                    .with_label("a negative number")
                    .with_help("write a whole number of 0 or more"),
                );
                None
            }
            None => {
                cx.wrong_type(
                    node,
                    "a whole number (or Graph's string of digits, such as \"10\")",
                );
                None
            }
        }
    }
}

impl ToCel for DirInt {
    const NEEDS_PATH: bool = false;

    fn to_cel(&self, _: &str, _: &CelCx) -> Val {
        Val::Int(self.0)
    }
}

/// A directory-setting list of words: a list of strings, or the one tab-separated string Graph
/// stores (`BannedPasswordList`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabList(pub Vec<String>);

impl FromNode for TabList {
    fn from_node(node: &Node, cx: &mut Ctx) -> Option<Self> {
        match &node.value {
            Value::Str(s) => Some(TabList(
                s.split('\t')
                    .map(str::trim)
                    .filter(|w| !w.is_empty())
                    .map(str::to_string)
                    .collect(),
            )),
            Value::Seq(_) => {
                let items = <List<String>>::from_node(node, cx)?;
                Some(TabList(items.into_iter().map(|i| i.value).collect()))
            }
            _ => {
                cx.wrong_type(
                    node,
                    "a list of strings (or Graph's one tab-separated string)",
                );
                None
            }
        }
    }
}

impl ToCel for TabList {
    const NEEDS_PATH: bool = false;

    fn to_cel(&self, _: &str, _: &CelCx) -> Val {
        Val::list(self.0.iter().map(|w| cel_str(w)).collect())
    }

    /// Entra's default when there is one, else an empty list.
    fn absent(path: &str, cx: &CelCx) -> Val {
        defaults::default_for(path).map_or_else(
            || Val::list(Vec::new()),
            |d| Val::from_json(d.value(cx.kind)),
        )
    }
}

impl FromNode for String {
    fn from_node(node: &Node, cx: &mut Ctx) -> Option<Self> {
        match &node.value {
            Value::Str(s) => Some(s.clone()),
            _ => {
                cx.wrong_type(node, "a string");
                None
            }
        }
    }
}

impl ToCel for String {
    const NEEDS_PATH: bool = false;

    fn to_cel(&self, _: &str, _: &CelCx) -> Val {
        cel_str(self)
    }
}

impl FromNode for i64 {
    fn from_node(node: &Node, cx: &mut Ctx) -> Option<Self> {
        match node.value {
            Value::Int(n) => Some(n),
            _ => {
                cx.wrong_type(node, "an integer");
                None
            }
        }
    }
}

impl ToCel for i64 {
    const NEEDS_PATH: bool = false;

    fn to_cel(&self, _: &str, _: &CelCx) -> Val {
        Val::Int(*self)
    }
}

/// From this many items a list is read and converted in parallel chunks: a 100,000-user tenant
/// is one file, and its lists would otherwise keep one core busy while the others wait.
const PARALLEL_FROM: usize = 2_000;
const CHUNK: usize = 512;

impl<T: FromNode + Send> FromNode for Vec<Spanned<T>> {
    fn from_node(node: &Node, cx: &mut Ctx) -> Option<Self> {
        let Value::Seq(items) = &node.value else {
            cx.wrong_type(node, "a list");
            return None;
        };
        if items.len() < PARALLEL_FROM {
            let mut out = Vec::with_capacity(items.len());
            read_items(items, 0, cx, &mut out);
            return Some(out);
        }
        use rayon::prelude::*;
        // Each chunk reports into a list of its own, from the same document path; the lists are
        // joined in order, so the diagnostics are those a serial reading gives.
        let (path, segments) = (&cx.path, &cx.segments);
        let chunks: Vec<(Vec<Spanned<T>>, Vec<Diagnostic>)> = items
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(n, chunk)| {
                let mut diagnostics = Vec::new();
                let mut out = Vec::with_capacity(chunk.len());
                let mut own = Ctx {
                    diagnostics: &mut diagnostics,
                    path: path.clone(),
                    segments: segments.clone(),
                };
                read_items(chunk, n * CHUNK, &mut own, &mut out);
                (out, diagnostics)
            })
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for (values, diagnostics) in chunks {
            out.extend(values);
            cx.diagnostics.extend(diagnostics);
        }
        Some(out)
    }
}

/// Reads list items, the first of which is item `first` of its list.
fn read_items<T: FromNode>(items: &[Node], first: usize, cx: &mut Ctx, out: &mut Vec<Spanned<T>>) {
    for (index, item) in items.iter().enumerate() {
        let named = T::IDENTITY.and_then(|key| Some((key, item.get(key)?.as_str()?)));
        match named {
            Some((key, id)) => cx.push(&["[", key, "=", id, "]"]),
            None => cx.push(&["[", &(first + index).to_string(), "]"]),
        }
        if item.value == Value::Null {
            cx.wrong_type(item, "a list item, not null");
        } else if let Some(value) = T::from_node(item, cx) {
            out.push(Spanned {
                value,
                span: item.span,
                key: item.span,
            });
        }
        cx.pop();
    }
}

impl<T: ToCel + Sync> ToCel for Vec<Spanned<T>> {
    // A list of plain values (owners, members) needs no path for its items.
    const NEEDS_PATH: bool = T::NEEDS_PATH;

    fn to_cel(&self, path: &str, cx: &CelCx) -> Val {
        let item_path = if T::NEEDS_PATH {
            format!("{path}[]")
        } else {
            String::new()
        };
        let item = |(index, item): (usize, &Spanned<T>)| {
            with_index(item.value.to_cel(&item_path, cx), index)
        };
        if self.len() < PARALLEL_FROM {
            return Val::list(self.iter().enumerate().map(item).collect());
        }
        use rayon::prelude::*;
        Val::list(
            self.par_iter()
                .with_min_len(CHUNK)
                .enumerate()
                .map(item)
                .collect(),
        )
    }

    /// Entra's default when there is one (the consent list), else an empty list.
    fn absent(path: &str, cx: &CelCx) -> Val {
        defaults::default_for(path).map_or_else(
            || Val::list(Vec::new()),
            |d| Val::from_json(d.value(cx.kind)),
        )
    }
}

/// A date or RFC 3339 date-time (`2026-01-31`, `2026-01-31T08:00:00Z`), kept as UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime(pub chrono::DateTime<chrono::Utc>);

impl DateTime {
    pub fn parse(text: &str) -> Option<DateTime> {
        if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(text) {
            return Some(DateTime(dt.with_timezone(&chrono::Utc)));
        }
        let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
        Some(DateTime(date.and_hms_opt(0, 0, 0)?.and_utc()))
    }
}

impl FromNode for DateTime {
    fn from_node(node: &Node, cx: &mut Ctx) -> Option<Self> {
        let parsed = node.as_str().and_then(DateTime::parse);
        if parsed.is_none() {
            let key = cx.last_key();
            let shown = node
                .as_str()
                .map_or(node.kind_name().to_string(), |s| format!("`{s}`"));
            cx.report(
                Diagnostic::error(
                    "invalid-value",
                    node.span,
                    format!("{shown} is not a valid date for `{key}`"),
                )
                .with_label("not a date")
                .with_help("write a date such as 2026-01-31, or an RFC 3339 date-time such as 2026-01-31T08:00:00Z"),
            );
        }
        parsed
    }
}

impl ToCel for DateTime {
    const NEEDS_PATH: bool = false;

    fn to_cel(&self, _: &str, _: &CelCx) -> Val {
        Val::Timestamp(self.0.fixed_offset())
    }
}

/// An ISO-8601 duration such as `P90D` or `P1Y`, as app management policies write lifetimes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IsoDuration {
    pub text: String,
    /// Whole days, counting a year as 365 days and a month as 30.
    pub days: i64,
}

impl IsoDuration {
    pub fn parse(text: &str) -> Option<IsoDuration> {
        let body = text.strip_prefix('P')?;
        let (date, time) = body.split_once('T').unwrap_or((body, ""));
        let mut hours = 0i64;
        let mut number = String::new();
        let mut seen = false;
        for (part, units) in [(date, "YMWD"), (time, "HMS")] {
            let mut last = 0usize;
            for c in part.chars() {
                if c.is_ascii_digit() {
                    number.push(c);
                    continue;
                }
                let rank = units.find(c)? + 1;
                if number.is_empty() || rank <= last {
                    return None;
                }
                last = rank;
                let n: i64 = number.parse().ok()?;
                number.clear();
                seen = true;
                hours += match (units, c) {
                    ("YMWD", 'Y') => n * 365 * 24,
                    ("YMWD", 'M') => n * 30 * 24,
                    ("YMWD", 'W') => n * 7 * 24,
                    ("YMWD", _) => n * 24,
                    (_, 'H') => n,
                    (_, 'M') => n / 60,
                    _ => n / 3600,
                };
            }
            if !number.is_empty() {
                return None;
            }
        }
        seen.then(|| IsoDuration {
            text: text.to_string(),
            days: hours / 24,
        })
    }
}

impl FromNode for IsoDuration {
    fn from_node(node: &Node, cx: &mut Ctx) -> Option<Self> {
        let parsed = node.as_str().and_then(IsoDuration::parse);
        if parsed.is_none() {
            let key = cx.last_key();
            cx.report(
                Diagnostic::error(
                    "invalid-value",
                    node.span,
                    format!("`{key}` must be an ISO-8601 duration"),
                )
                .with_label("not a duration")
                .with_help("write a duration such as P90D (90 days) or P1Y"),
            );
        }
        parsed
    }
}

impl ToCel for IsoDuration {
    const NEEDS_PATH: bool = false;

    fn to_cel(&self, _: &str, _: &CelCx) -> Val {
        Val::Duration(chrono::Duration::days(self.days))
    }
}

/// `tenant.extends`: the tenant files this one inherits settings from, as relative paths. One path
/// may be written as a string. The loader resolves and merges them; the model only checks the shape.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Extends(pub Vec<String>);

impl FromNode for Extends {
    fn from_node(node: &Node, cx: &mut Ctx) -> Option<Self> {
        match &node.value {
            Value::Str(path) => Some(Extends(vec![path.clone()])),
            Value::Seq(items) => {
                let mut paths = Vec::with_capacity(items.len());
                for item in items {
                    match item.as_str() {
                        Some(path) => paths.push(path.to_string()),
                        None => cx.wrong_type(item, "a path to a tenant file"),
                    }
                }
                Some(Extends(paths))
            }
            _ => {
                cx.wrong_type(node, "a path to a tenant file, or a list of them");
                None
            }
        }
    }
}

impl ToCel for Extends {
    const NEEDS_PATH: bool = false;

    fn to_cel(&self, _: &str, _: &CelCx) -> Val {
        Val::List(Arc::new(
            self.0.iter().map(|p| Val::Str(p.as_str().into())).collect(),
        ))
    }
}

/// Declares a string enum whose values are matched case-insensitively and reported with the
/// allowed set when they don't match.
macro_rules! string_enum {
    ($(#[doc = $doc:literal])* pub enum $name:ident ($what:literal) { $($text:literal => $variant:ident),+ $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const VALUES: &'static [&'static str] = &[$($text),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<Self> {
                $(if text.eq_ignore_ascii_case($text) { return Some($name::$variant); })+
                None
            }
        }

        impl $crate::model::field::FromNode for $name {
            fn from_node(
                node: &$crate::tree::Node,
                cx: &mut $crate::model::field::Ctx,
            ) -> Option<Self> {
                match node.as_str() {
                    Some(text) => {
                        let parsed = Self::parse(text);
                        if parsed.is_none() {
                            cx.invalid_value(node, Self::VALUES, $what);
                        }
                        parsed
                    }
                    None => {
                        cx.wrong_type(node, concat!("one of the strings ", $(stringify!($text), " "),+));
                        None
                    }
                }
            }
        }

        impl $crate::model::field::ToCel for $name {
            const NEEDS_PATH: bool = false;

            fn to_cel(&self, _: &str, _: &$crate::model::field::CelCx) -> $crate::model::value::Val {
                $crate::model::field::cel_static(self.as_str())
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                $crate::model::schema::string_enum(concat!($($doc, "\n",)*), Self::VALUES)
            }
        }
    };
}
pub(crate) use string_enum;

/// Declares a section of the tenant file: a struct of optional spanned fields, its reader (unknown
/// keys reported with the nearest known key), and its effective CEL value.
macro_rules! section {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident
            $([identity = $identity:literal])?
            $([required = $($required:ident ($required_key:literal)),+])?
            $([cel_extra = $extra:path])?
        {
            $( $(#[$fmeta:meta])* $key:literal $(| $alias:literal)* => $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct $name {
            /// The span of the whole mapping.
            pub span: $crate::diagnostic::Span,
            $( $(#[$fmeta])* pub $field: Option<$crate::model::field::Spanned<$ty>>, )*
        }

        impl $name {
            /// The keys of this section, as written in tenant files.
            pub const KEYS: &'static [&'static str] = &[$($key),*];
        }

        impl $crate::model::field::FromNode for $name {
            $(const IDENTITY: Option<&'static str> = Some($identity);)?

            fn from_node(
                node: &$crate::tree::Node,
                cx: &mut $crate::model::field::Ctx,
            ) -> Option<Self> {
                let entries = cx.expect_map(node)?;
                let mut out = $name { span: node.span, ..Default::default() };
                for entry in entries {
                    let Some(key) = cx.key(entry) else { continue };
                    match key {
                        $( $key $(| $alias)* => out.$field = cx.field(key, entry), )*
                        _ => cx.unknown_key(entry, Self::KEYS),
                    }
                }
                // An item without a usable required key is reported and left out of the model,
                // so rules never meet half an item.
                #[allow(unused_mut)]
                let mut complete = true;
                $($(
                    // `id: null` names nothing either: reported like a missing key.
                    if node.get($required_key).is_none_or(|v| v.value == $crate::tree::Value::Null) {
                        cx.missing_key(node, $required_key);
                    }
                    complete &= out.$required.is_some();
                )+)?
                complete.then_some(out)
            }
        }

        impl $crate::model::field::ToCel for $name {
            fn to_cel(&self, path: &str, cx: &$crate::model::field::CelCx) -> $crate::model::value::Val {
                // A field's document path is only spelled out where it is needed: to find the
                // default of an absent key, or to name the items of a list.
                let field_path = |key: &str| $crate::model::field::join_path(path, key);
                let absent = $crate::model::field::absent_fields::<Self>(path, cx.kind, || vec![$(
                    <$ty as $crate::model::field::ToCel>::absent(&field_path($key), cx),
                )*]);
                let mut defaults = absent.iter();
                #[allow(unused_mut)]
                let mut fields: Vec<(&'static str, $crate::model::value::Val)> = vec![$(
                    ($key, {
                        let default = defaults.next();
                        match &self.$field {
                            Some(declared) if <$ty as $crate::model::field::ToCel>::NEEDS_PATH => declared.value.to_cel(&field_path($key), cx),
                            Some(declared) => declared.value.to_cel("", cx),
                            None => default.cloned().unwrap_or($crate::model::value::Val::Null),
                        }
                    }),
                )*];
                $($extra(self, &mut fields, cx);)?
                static ORDER: $crate::model::field::KeyOrder = std::sync::OnceLock::new();
                $crate::model::field::cel_map_in(fields, &ORDER)
            }

            fn absent(path: &str, cx: &$crate::model::field::CelCx) -> $crate::model::value::Val {
                Self::default().to_cel(path, cx)
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let mut properties = serde_json::Map::new();
                $(
                    let field = $crate::model::schema::nullable(generator.subschema_for::<$ty>());
                    $(
                        let mut alias = field.clone();
                        alias["description"] =
                            serde_json::json!(concat!("Another spelling of `", $key, "`."));
                        properties.insert($alias.to_string(), alias);
                    )*
                    properties.insert($key.to_string(), field);
                )*
                $crate::model::schema::object(
                    concat!($($doc, "\n",)*),
                    properties,
                    &[$($($required_key),+)?],
                )
            }
        }
    };
}
pub(crate) use section;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_laid_out_in_the_order_found_first_and_sorted_when_they_change() {
        static ORDER: KeyOrder = std::sync::OnceLock::new();
        let keys = |v: &Val| {
            v.as_map()
                .iter()
                .map(|(k, _)| k.as_str().to_string())
                .collect::<Vec<_>>()
        };
        let first = cel_map_in(vec![("b", Val::Int(1)), ("a", Val::Int(2))], &ORDER);
        assert_eq!(keys(&first), ["a", "b"]);
        assert_eq!(first.get("b"), Some(&Val::Int(1)));
        let other = cel_map_in(vec![("c", Val::Int(3)), ("a", Val::Int(4))], &ORDER);
        assert_eq!(keys(&other), ["a", "c"]);
        assert_eq!(other.get("c"), Some(&Val::Int(3)));
    }

    #[test]
    fn a_long_list_read_in_chunks_reports_as_one_read_in_order() {
        let mut text = String::from("users:\n");
        for i in 0..3 * PARALLEL_FROM {
            let item = match i {
                100 => format!("{{id: u{i}, accountEnabled: 'yes'}}"),
                1500 => format!("{{id: u{i}, bogus: 1}}"),
                5000 => "null".to_string(),
                _ => format!("{{id: u{i}, accountEnabled: true}}"),
            };
            text.push_str(&format!("  - {item}\n"));
        }
        let document = crate::load::yaml::parse(&text).document;
        let mut diagnostics = Vec::new();
        let model = crate::model::normalise(&document, &mut diagnostics).unwrap();
        let users = &model.tenant.users.unwrap().value;
        assert_eq!(users.len(), 3 * PARALLEL_FROM - 1);
        assert_eq!(users[4999].value.id.as_ref().unwrap().value, "u4999");
        assert_eq!(users[5000].value.id.as_ref().unwrap().value, "u5001");
        let found: Vec<(&str, Option<&str>)> = diagnostics
            .iter()
            .map(|d| (d.code.as_str(), d.path.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                ("wrong-type", Some("users[id=u100].accountEnabled")),
                ("unknown-key", Some("users[id=u1500].bogus")),
                ("wrong-type", Some("users[5000]")),
            ]
        );
    }

    #[test]
    fn absent_values_are_kept_per_type_path_and_kind() {
        struct Section;
        let make = |n| move || vec![Val::Int(n)];
        let workforce = absent_fields::<Section>("p", TenantKind::Workforce, make(1));
        let external = absent_fields::<Section>("p", TenantKind::External, make(2));
        let elsewhere = absent_fields::<Section>("q", TenantKind::Workforce, make(3));
        assert_eq!(
            (&*workforce, &*external, &*elsewhere),
            (&[Val::Int(1)][..], &[Val::Int(2)][..], &[Val::Int(3)][..])
        );
        // Asked again, the first values come back without computing.
        let again = absent_fields::<Section>("p", TenantKind::Workforce, || unreachable!());
        assert!(Rc::ptr_eq(&again, &workforce));
    }

    #[test]
    fn iso_durations_count_days() {
        assert_eq!(IsoDuration::parse("P90D").unwrap().days, 90);
        assert_eq!(IsoDuration::parse("P1Y").unwrap().days, 365);
        assert_eq!(
            IsoDuration::parse("P1Y2M10DT2H").unwrap().days,
            365 + 60 + 10
        );
        assert!(IsoDuration::parse("90 days").is_none());
        assert!(IsoDuration::parse("P").is_none());
        assert!(IsoDuration::parse("PD").is_none());
    }

    #[test]
    fn dates_and_date_times_parse() {
        assert!(DateTime::parse("2026-01-31").is_some());
        assert!(DateTime::parse("2026-01-31T08:00:00Z").is_some());
        assert!(DateTime::parse("2026-13-45").is_none());
    }
}
