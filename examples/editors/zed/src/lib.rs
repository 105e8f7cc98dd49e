//! Starts `entralint server` from the PATH for Zed.

use zed_extension_api::{self as zed, LanguageServerId, Result};

struct Entralint;

impl zed::Extension for Entralint {
    fn new() -> Self {
        Entralint
    }

    fn language_server_command(
        &mut self,
        _: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let command = worktree
            .which("entralint")
            .ok_or("entralint is not on the PATH (cargo install --path . in its repository)")?;
        Ok(zed::Command {
            command,
            args: vec!["server".to_string()],
            env: Vec::new(),
        })
    }
}

zed::register_extension!(Entralint);
