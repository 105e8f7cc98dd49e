// A minimal VS Code client for `entralint server`: `npm install` in this folder, then open it
// with `code --extensionDevelopmentPath=.` (or package it with `vsce package`).
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate() {
  const command = vscode.workspace.getConfiguration("entralint").get("path", "entralint");
  client = new LanguageClient(
    "entralint",
    "entralint",
    { command, args: ["server"] },
    {
      documentSelector: [
        { scheme: "file", language: "yaml" },
        { scheme: "file", language: "json" },
        { scheme: "file", language: "powershell" },
      ],
    },
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
