//! The root module and the local child modules it calls, as resource instances: each module is
//! read with its own variables (those its call sets, else their defaults), its resources named by
//! their address below the root (`module.admins.azuread_group.g`), and its outputs known to the
//! module that calls it. `count` and `for_each` of resources are expanded here too.
//!
//! Work goes in two passes, as references need it: first every module's resource keys and the
//! names the tenant knows their objects by (a user by its UPN), call by call down the tree, with
//! each call's inputs and each child's outputs as they become known; then every resource's
//! attributes, with all of that known.

use std::cell::Cell;
use std::collections::HashMap;

use super::calls::{self, Resolution};
use super::eval::{self, Outputs, Passed, Scope};
use super::hcl::{self, Config, Item, ModuleCall};
use super::{Folder, Instance, body, is_entra, map_azuread};
use crate::diagnostic::{Diagnostic, Span};
use crate::tree::{Node, Value};

/// One module instance: its address prefix, its folder, and the variables its call sets.
struct Module {
    prefix: String,
    folder: usize,
    inputs: Option<HashMap<String, Passed>>,
}

/// One resource instance to evaluate: its module, its block, its address, and its `each` or
/// `count.index`.
struct Planned {
    module: usize,
    resource: usize,
    address: String,
    each: Option<(Node, Node)>,
    count: Option<i64>,
}

/// What the first pass learns.
struct Walk<'a> {
    configs: &'a [Config<'a>],
    folders: &'a [Folder],
    text: &'a str,
    modules: Vec<Module>,
    planned: Vec<Planned>,
    identities: HashMap<String, String>,
    expanded: Vec<String>,
    outputs: Outputs,
}

impl<'a> Walk<'a> {
    fn scope<'s>(
        &'s self,
        module: usize,
        each: Option<(Node, Node)>,
        count: Option<i64>,
    ) -> Scope<'s> {
        let m = &self.modules[module];
        Scope {
            config: &self.configs[m.folder],
            prefix: &m.prefix,
            inputs: m.inputs.as_ref(),
            outputs: &self.outputs,
            text: self.text,
            identities: &self.identities,
            expanded: &self.expanded,
            each,
            count,
            probe: false,
            budget: Cell::new(eval::BUDGET),
            bound: Default::default(),
        }
    }

    /// The first pass over one module instance and, call by call, the children it reads.
    fn visit(&mut self, module: usize, diagnostics: &mut Vec<Diagnostic>) {
        let first = self.planned.len();
        let (planned, expanded) = {
            let scope = self.scope(module, None, None);
            expand(&scope, module, diagnostics)
        };
        self.expanded.extend(expanded);
        self.planned.extend(planned);
        for p in first..self.planned.len() {
            let name = self.name_of(&self.planned[p]);
            let address = self.planned[p].address.clone();
            self.identities
                .insert(address.clone(), name.unwrap_or(address));
        }
        let configs = self.configs;
        for call in &configs[self.modules[module].folder].modules {
            self.call(module, call, diagnostics);
        }
    }

    /// The id a planned instance's object is known by, when one of its naming arguments is known.
    fn name_of(&self, p: &Planned) -> Option<String> {
        let scope = self.scope(p.module, p.each.clone(), p.count);
        let block = &scope.config.resources[p.resource];
        let mut ignored = Vec::new();
        map_azuread::naming_attributes(block.kind)
            .iter()
            .filter_map(|a| block.body.attribute(a))
            .find_map(|s| {
                scope
                    .value(s, &mut ignored)
                    .and_then(|n| n.as_str().map(str::to_string))
            })
    }

    /// One `module` block of `parent`: the child read with the inputs the block sets, or the
    /// reason it is not read, said once at its `source`.
    fn call(&mut self, parent: usize, call: &ModuleCall<'a>, diagnostics: &mut Vec<Diagnostic>) {
        let folder = self.modules[parent].folder;
        let Some((source, at)) = call.source() else {
            let why = "a `module` block without a literal `source`";
            diagnostics.push(calls::not_read(call.name, call.span, why));
            return;
        };
        let resolution = if !calls::is_local(&source) {
            Resolution::NotRead(calls::REMOTE)
        } else {
            self.folders[folder]
                .calls
                .iter()
                .find(|(n, _)| n == call.name)
                .map_or(Resolution::NotRead(calls::NOT_FOLLOWED), |(_, r)| r.clone())
        };
        let child = match resolution {
            Resolution::Folder(child) => child,
            Resolution::NotRead(why) => {
                diagnostics.push(calls::not_read(call.name, at, why));
                return;
            }
        };
        if call.body.attribute("count").is_some() || call.body.attribute("for_each").is_some() {
            let why =
                "a module with `count` or `for_each`, whose instances entralint does not expand";
            diagnostics.push(calls::not_read(call.name, call.span, why));
            return;
        }
        if self.modules.len() >= calls::MAX_INSTANCES {
            let why = "more module instances than entralint reads for one root";
            diagnostics.push(calls::not_read(call.name, call.span, why));
            return;
        }
        let inputs = self.inputs(parent, call, child, diagnostics);
        let prefix = format!("{}module.{}.", self.modules[parent].prefix, call.name);
        self.modules.push(Module {
            prefix,
            folder: child,
            inputs: Some(inputs),
        });
        let index = self.modules.len() - 1;
        self.visit(index, diagnostics);
        let outputs = self.outputs_of(index);
        let key = format!("{}module.{}", self.modules[parent].prefix, call.name);
        self.outputs.insert(key, outputs);
    }

    /// The variables a call sets, evaluated where the call is written; an argument the child
    /// has no variable for is reported, as Terraform refuses it.
    fn inputs(
        &self,
        parent: usize,
        call: &ModuleCall,
        child: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> HashMap<String, Passed> {
        let scope = self.scope(parent, None, None);
        let variables: Vec<&str> = self.configs[child]
            .variables
            .iter()
            .map(|(n, _)| *n)
            .collect();
        let mut inputs = HashMap::new();
        for item in call.body.items() {
            let Item::Attribute { name, key, value } = item else {
                continue;
            };
            if calls::META.contains(&name) {
                continue;
            }
            if !variables.contains(&name) {
                diagnostics.push(unknown_input(call.name, name, key, &variables));
                continue;
            }
            scope.budget.set(eval::BUDGET);
            let passed = scope
                .value(value, diagnostics)
                .ok_or("a variable its module's call sets to a value not known before apply");
            inputs.insert(name.to_string(), passed);
        }
        inputs
    }

    /// A child's outputs, each known or not. What makes an output unknown is said where the
    /// output is used, not here: an output nothing reads is no one's concern.
    fn outputs_of(&self, module: usize) -> Vec<(String, Passed)> {
        let scope = self.scope(module, None, None);
        scope
            .config
            .outputs
            .iter()
            .map(|(name, source)| {
                scope.budget.set(eval::BUDGET);
                let mut ignored = Vec::new();
                let value = scope
                    .value(*source, &mut ignored)
                    .ok_or("an output of a child module whose value is not known before apply");
                (name.to_string(), value)
            })
            .collect()
    }
}

fn unknown_input(call: &str, name: &str, span: Span, variables: &[&str]) -> Diagnostic {
    let help = match crate::suggest::closest(name, variables.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None if variables.is_empty() => "the module declares no variables".to_string(),
        None => format!("the module's variables: {}", variables.join(", ")),
    };
    Diagnostic::error(
        "unknown-key",
        span,
        format!(
            "module `{call}` has no variable `{name}`; Terraform refuses the argument, and entralint does not read it"
        ),
    )
    .with_label("unknown argument")
    .with_help(help)
}

/// Every Entra resource of the root and of the local modules it calls, as instances: `count`
/// and `for_each` expanded, attributes evaluated, references resolved to the objects they name.
/// Second, the `msgraph_*` instances with a value not known again, evaluated with holes where
/// those values are (src/load/terraform/unresolved.rs).
pub fn instances(
    configs: &[Config],
    folders: &[Folder],
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Instance>, Vec<Instance>) {
    if configs.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let mut walk = Walk {
        configs,
        folders,
        text,
        modules: vec![Module {
            prefix: String::new(),
            folder: 0,
            inputs: None,
        }],
        planned: Vec::new(),
        identities: HashMap::new(),
        expanded: Vec::new(),
        outputs: HashMap::new(),
    };
    walk.visit(0, diagnostics);
    let mut result = Vec::with_capacity(walk.planned.len());
    let mut probes = Vec::new();
    for p in &walk.planned {
        let mut scope = walk.scope(p.module, p.each.clone(), p.count);
        let block = &scope.config.resources[p.resource];
        let reported = diagnostics.len();
        let attrs = body(&scope, block.kind, block.body, block.span, "", diagnostics);
        let instance = |attrs| Instance {
            kind: block.kind.to_string(),
            address: p.address.clone(),
            span: block.span,
            attrs,
        };
        // Only msgraph bodies set the tenant-wide settings whose defaults rules judge.
        let unknown = diagnostics[reported..]
            .iter()
            .any(|d| d.code == "unresolved-value");
        if unknown && block.kind.starts_with("msgraph_") {
            scope.probe = true;
            scope.budget.set(eval::BUDGET);
            let mut ignored = Vec::new();
            let holed = body(&scope, block.kind, block.body, block.span, "", &mut ignored);
            probes.push(instance(holed));
        }
        result.push(instance(attrs));
    }
    (result, probes)
}

/// The instances of each Entra resource block of one module (`count` and `for_each` expanded,
/// with the `each` or `count.index` of each), and the addresses of the blocks that expand.
fn expand(
    plain: &Scope,
    module: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Planned>, Vec<String>) {
    let mut planned: Vec<Planned> = Vec::new();
    let mut expanded = Vec::new();
    let mut seen: HashMap<String, Span> = HashMap::new();
    let plan = |resource, address, each, count| Planned {
        module,
        resource,
        address,
        each,
        count,
    };
    for (i, block) in plain.config.resources.iter().enumerate() {
        if !is_entra(block.kind) {
            continue;
        }
        plain.budget.set(eval::BUDGET);
        let address = format!("{}{}.{}", plain.prefix, block.kind, block.name);
        if let Some(first) = seen.get(&address) {
            diagnostics.push(duplicate(&address, block.span, *first));
            continue;
        }
        seen.insert(address.clone(), block.span);
        let for_each = block.body.attribute("for_each");
        let count = block.body.attribute("count");
        match (for_each, count) {
            (Some(source), _) => {
                expanded.push(address.clone());
                let Some(value) = plain.value(source, diagnostics) else {
                    continue;
                };
                match value.value {
                    Value::Map(entries) => {
                        for e in entries {
                            let key = e.key.clone();
                            let at = eval::instance_address(&address, &key);
                            planned.push(plan(i, at, Some((key, e.value)), None));
                        }
                    }
                    Value::Seq(items) => {
                        for item in items {
                            let at = eval::instance_address(&address, &item);
                            planned.push(plan(i, at, Some((item.clone(), item)), None));
                        }
                    }
                    _ => diagnostics.push(plain.report(&eval::Unknown {
                        span: source.span(),
                        why: "`for_each` takes a map or a set",
                    })),
                }
            }
            (None, Some(source)) => {
                expanded.push(address.clone());
                let Some(value) = plain.value(source, diagnostics) else {
                    continue;
                };
                let n = match value.value {
                    Value::Int(n) => n,
                    Value::Bool(b) => i64::from(b),
                    _ => {
                        diagnostics.push(plain.report(&eval::Unknown {
                            span: source.span(),
                            why: "`count` takes a whole number",
                        }));
                        continue;
                    }
                };
                // A module does not create a million objects; past this it is not a literal count.
                for c in 0..n.clamp(0, 10_000) {
                    planned.push(plan(i, format!("{address}[{c}]"), None, Some(c)));
                }
            }
            (None, None) => planned.push(plan(i, address, None, None)),
        }
    }
    (planned, expanded)
}

fn duplicate(address: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::error(
        "duplicate-key",
        span,
        format!("`{address}` is declared twice in this module; Terraform refuses the module"),
    )
    .with_label("second declaration")
    .with_related(first, "first declared here")
    .with_help("give each resource of a type its own name")
}

/// Whether any module read holds an Entra resource.
pub fn has_entra(configs: &[Config]) -> bool {
    configs
        .iter()
        .any(|c| c.resources.iter().any(|r| is_entra(r.kind)))
}

/// Parses the files of every folder and collects each folder's blocks.
pub fn configs<'p>(
    parsed: &'p [(hcl::Parsed, usize, usize)],
    folders: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Config<'p>> {
    let mut configs: Vec<Config> = (0..folders).map(|_| Config::default()).collect();
    for (p, base, folder) in parsed {
        if let Some(config) = configs.get_mut(*folder) {
            hcl::collect(p, *base, config, diagnostics);
        }
    }
    configs
}
