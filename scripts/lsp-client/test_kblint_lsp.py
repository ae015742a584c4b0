"""`kblint lsp` driven by pytest-lsp, a language client from outside the project.

Run by ../test-lsp-client.sh, which makes the KB and sets KBLINT and KB_ROOT.
"""
import os
import pathlib

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

KBLINT = os.environ["KBLINT"]
KB_ROOT = pathlib.Path(os.environ["KB_ROOT"]).resolve()
ENTRY = KB_ROOT / "kb" / "entries" / "po.md"
SOURCE = KB_ROOT / "kb" / "sources" / "guide.md"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[KBLINT, "lsp"]))
async def client(lsp_client: LanguageClient):
    capabilities = types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
                related_information=True, version_support=True
            ),
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(
                        value_set=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]
                    )
                )
            ),
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
        ),
        general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf16]),
    )
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=capabilities, root_uri=KB_ROOT.as_uri())
    )
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_misquote_then_correction(client: LanguageClient):
    text = ENTRY.read_text(encoding="utf-8")
    uri = ENTRY.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    found = [d for d in client.diagnostics[uri] if d.code == "quote-not-found"]
    assert len(found) == 1, client.diagnostics[uri]
    line = text.splitlines()[found[0].range.start.line]
    # The range covers the quoted scalar, counted in UTF-16 code units (an emoji is two).
    units = line.encode("utf-16-le")
    start, end = found[0].range.start.character, found[0].range.end.character
    assert units[2 * start : 2 * end].decode("utf-16-le").startswith('"Product owners')

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=found[0].range,
            context=types.CodeActionContext(diagnostics=found),
        )
    )
    titles = [a.title for a in actions]
    assert any(t.startswith("Fix (unsafe)") for t in titles), titles

    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=found[0].range.start)
    )
    assert "nearest passage" in hover.contents.value, hover

    fixed = text.replace("managerz", "managers")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert [d for d in client.diagnostics[uri] if d.code == "quote-not-found"] == []

    # On `guide` in `source: guide` (ASCII before it, so a character is a UTF-16 unit).
    position = types.Position(line=found[0].range.start.line, character=line.index("guide") + 2)
    target = await client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position)
    )
    assert target.uri == SOURCE.as_uri(), target
