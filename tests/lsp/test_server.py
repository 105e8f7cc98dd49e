"""End-to-end test of `entralint server` with pytest-lsp: a real client drives the real binary
over stdio. Run by .ci/lsp.sh; ENTRALINT_BIN names the binary."""

import asyncio
import os
import pathlib

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

BIN = os.environ.get(
    "ENTRALINT_BIN",
    str(pathlib.Path(__file__).resolve().parents[2] / "target" / "debug" / "entralint"),
)

TENANT = """\
tenant:
  name: contoso
authorizationPolicy:
  allowInvitesFrom: everyone
  blockMsolPowerShell: true
"""


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BIN, "server"]))
async def client(lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("workspace")
    lsp_client.root = root
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=root.as_uri(),
        )
    )
    yield
    await lsp_client.shutdown_session()


async def diagnostics_for(client: LanguageClient, uri: str):
    """Waits for the next diagnostics of a document (callers forget the last ones first)."""
    async def wait():
        while uri not in client.diagnostics:
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return client.diagnostics[uri]

    return await asyncio.wait_for(wait(), timeout=30)


def change(client: LanguageClient, uri: str, version: int, text: str):
    client.diagnostics.pop(uri, None)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def open_tenant(client: LanguageClient, name: str, text: str, version: int = 1) -> str:
    path = client.root / name
    client.diagnostics.pop(path.as_uri(), None)
    path.write_text(text)
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="yaml", version=version, text=text
            )
        )
    )
    return uri


def apply(text: str, edits) -> str:
    """Applies LSP text edits (UTF-16 positions; this text is ASCII) to a text."""
    lines = text.splitlines(keepends=True)

    def offset(position):
        return sum(len(l) for l in lines[: position.line]) + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        start, end = offset(edit.range.start), offset(edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


async def test_diagnostics_quick_fix_and_hover(client: LanguageClient):
    uri = open_tenant(client, "tenant.yaml", TENANT)
    found = await diagnostics_for(client, uri)
    invites = [d for d in found if d.code == "guest-invites-by-everyone"]
    assert len(invites) == 1, [d.code for d in found]
    finding = invites[0]
    # `everyone` on line 4 (0-based 3), columns 20 to 28.
    assert finding.range == types.Range(
        start=types.Position(line=3, character=20), end=types.Position(line=3, character=28)
    )
    assert finding.severity == types.DiagnosticSeverity.Warning
    assert finding.source == "entralint"
    assert finding.code_description.href.endswith("/docs/rules/guest-invites-by-everyone.md")

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=finding.range,
            context=types.CodeActionContext(diagnostics=[finding]),
        )
    )
    fixes = [
        a for a in actions
        if a.kind == types.CodeActionKind.QuickFix and a.title.startswith("Set ")
    ]
    assert len(fixes) == 1, [a.title for a in actions]
    assert "adminsAndGuestInviters" in fixes[0].title
    suppress = [a for a in actions if a.title.startswith("Suppress `guest-invites-by-everyone`")]
    assert len(suppress) == 1

    fixed = apply(TENANT, fixes[0].edit.changes[uri])
    assert "  allowInvitesFrom: adminsAndGuestInviters\n" in fixed
    change(client, uri, 2, fixed)
    after = await diagnostics_for(client, uri)
    assert not [d for d in after if d.code == "guest-invites-by-everyone"], after

    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=3, character=5),
        )
    )
    assert hover is not None
    text = hover.contents.value
    assert "`authorizationPolicy.allowInvitesFrom`" in text
    assert "Entra's default** for a workforce tenant, when the key is left out: `everyone`" in text
    assert "**Secure value**: `adminsAndGuestInviters`" in text
    assert "MS.AAD.8.2v1" in text


async def test_suppression_comment_silences_the_finding(client: LanguageClient):
    uri = open_tenant(client, "suppress.yaml", TENANT)
    found = await diagnostics_for(client, uri)
    finding = next(d for d in found if d.code == "guest-invites-by-everyone")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=finding.range,
            context=types.CodeActionContext(diagnostics=[finding]),
        )
    )
    suppress = next(a for a in actions if a.title.startswith("Suppress"))
    text = apply(TENANT, suppress.edit.changes[uri])
    assert "\n  # entralint: ignore[guest-invites-by-everyone] <why this is acceptable>\n  allowInvitesFrom" in text
    change(client, uri, 2, text)
    after = await diagnostics_for(client, uri)
    assert not [d for d in after if d.code == "guest-invites-by-everyone"], after


async def test_completion_of_keys_and_values(client: LanguageClient):
    text = "authorizationPolicy:\n  allowInvitesFrom: \n  allowed"
    uri = open_tenant(client, "complete.yaml", text)
    keys = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=2, character=9),
        )
    )
    labels = [i.label for i in keys]
    assert "allowedToUseSSPR" in labels and "defaultUserRolePermissions" in labels
    values = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=1, character=20),
        )
    )
    assert [i.label for i in values] == [
        "none", "adminsAndGuestInviters", "adminsGuestInvitersAndAllMembers", "everyone"
    ]


async def test_bad_documents_are_answered(client: LanguageClient):
    half = open_tenant(client, "half.yaml", "authorizationPolicy:\n  allowInvitesFrom: [every\n")
    found = await diagnostics_for(client, half)
    assert [d.code for d in found] == ["syntax-error"]

    # A large honest document (50 MB, under the 256 MB cap, which is also the most one LSP
    # message may carry) is checked like any other.
    large = "tenant:\n  name: big\n" + "# padding\n" * (50 * 1024 * 1024 // 10)
    big = open_tenant(client, "big.yaml", large)
    found = await diagnostics_for(client, big)
    assert "file-too-large" not in [d.code for d in found]
    assert any(d.code == "setting-relies-on-default" for d in found)

    # Aliases that expand exponentially are refused, with the alias budget's own diagnostic.
    bomb_text = "tenant:\n  name: bomb\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for level in range(1, 9):
        bomb_text += f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]\n"
    bomb = open_tenant(client, "bomb.yaml", bomb_text)
    found = await diagnostics_for(client, bomb)
    assert [d.code for d in found] == ["too-many-nodes"]
    assert "alias" in found[0].message

    # Closed at once: its diagnostics are cleared, and the server still answers.
    gone = open_tenant(client, "gone.yaml", TENANT)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=gone))
    )
    again = open_tenant(client, "again.yaml", TENANT)
    found = await diagnostics_for(client, again)
    assert any(d.code == "guest-invites-by-everyone" for d in found)
    assert list(client.diagnostics.get(gone)) == []
