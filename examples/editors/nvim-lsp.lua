-- entralint's language server in Neovim. Neovim 0.11 and later:
vim.lsp.config("entralint", {
  cmd = { "entralint", "server" },
  filetypes = { "yaml", "json", "ps1" },
  root_markers = { ".entralint.yaml", ".git" },
})
vim.lsp.enable("entralint")

-- Neovim 0.10 instead: start it for each buffer of those file types.
-- vim.api.nvim_create_autocmd("FileType", {
--   pattern = { "yaml", "json", "ps1" },
--   callback = function(args)
--     vim.lsp.start({
--       name = "entralint",
--       cmd = { "entralint", "server" },
--       root_dir = vim.fs.root(args.buf, { ".entralint.yaml", ".git" }),
--     })
--   end,
-- })
