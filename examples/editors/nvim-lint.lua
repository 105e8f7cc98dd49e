-- entralint for Neovim through nvim-lint (https://github.com/mfussenegger/nvim-lint).
-- The buffer goes to entralint on stdin, reported under its own name.
local lint = require("lint")

lint.linters.entralint = {
  cmd = "entralint",
  stdin = true,
  args = {
    "check", "--format", "short", "--color", "never",
    "--stdin-filename", function() return vim.api.nvim_buf_get_name(0) end,
  },
  stream = "stdout",
  ignore_exitcode = true,
  parser = require("lint.parser").from_pattern(
    "^(.+):(%d+):(%d+): (%a+): (.+) %[([%w%-]+)%]",
    { "file", "lnum", "col", "severity", "message", "code" },
    {
      error = vim.diagnostic.severity.ERROR,
      warning = vim.diagnostic.severity.WARN,
      info = vim.diagnostic.severity.INFO,
    },
    { source = "entralint" }
  ),
}

lint.linters_by_ft.yaml = { "entralint" }
lint.linters_by_ft.json = { "entralint" }

vim.api.nvim_create_autocmd({ "BufWritePost", "BufReadPost", "InsertLeave" }, {
  callback = function() lint.try_lint() end,
})
