//! Child modules: where a `module` block's `source` leads. A local path (`./modules/admins`,
//! `../shared`) is a folder read with the root module, and its resources join the root's tenant;
//! anything else (the registry, git, an archive) is fetched by `terraform init`, which entralint
//! does not run, so the call is reported once and its resources are not read.
//!
//! Which folders exist is the loader's business ([`super::module`]); this module only says what a
//! source is, and what the reader makes of a call it cannot follow.

use crate::diagnostic::{Diagnostic, Severity, Span};

/// Nested calls followed below the root: deeper than this is not a configuration but a mistake.
pub const MAX_DEPTH: usize = 8;

/// Module instances read for one root at most: calls that share children multiply.
pub const MAX_INSTANCES: usize = 256;

/// The arguments of a `module` block that are not the child's variables.
pub const META: &[&str] = &[
    "source",
    "version",
    "count",
    "for_each",
    "providers",
    "depends_on",
];

/// Where one call leads.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    /// A local folder read with the module: its index among the module's folders.
    Folder(usize),
    /// Not read, and why.
    NotRead(&'static str),
}

/// Whether Terraform reads `source` as a local path rather than fetching it.
pub fn is_local(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../")
}

/// Why a source that is not local is not read.
pub const REMOTE: &str = "a module from outside the repository (the registry, git, an archive), \
                          fetched by `terraform init`, which entralint does not run";

/// Why a local call is not read when the module's files are read without their folder (an
/// editor's buffer, standard input).
pub const NOT_FOLLOWED: &str = "a local module, read only when the folder is checked";

/// The report of a call that is not read: said once, where its `source` is written.
pub fn not_read(name: &str, span: Span, why: &str) -> Diagnostic {
    Diagnostic::new(
        "unresolved-value",
        Severity::Info,
        span,
        format!(
            "module `{name}` is not read: {why}; its resources are not part of this tenant, and `module.{name}` outputs are not known"
        ),
    )
    .with_label("not read")
    .with_help("check the plan (`terraform show -json`) to judge what the module creates")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_relative_paths_are_local() {
        assert!(is_local("./modules/admins"));
        assert!(is_local("../shared"));
        assert!(!is_local("Azure/avm-res-entra/azuread"));
        assert!(!is_local("git::https://example.com/entra.git"));
        assert!(!is_local("modules/admins"));
    }
}
