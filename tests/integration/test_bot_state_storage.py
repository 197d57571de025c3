"""botbuilder's Storage on our document store: the SDK's storage expectations and a real
waterfall dialog that continues after the host (and its store object) is replaced."""

from __future__ import annotations

import pytest
from botbuilder.core import ConversationState, MessageFactory, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import (
    DialogSet,
    DialogTurnStatus,
    PromptOptions,
    TextPrompt,
    WaterfallDialog,
    WaterfallStepContext,
)

from storage.bot_state import DocumentBotStorage, state_id
from storage.port import DocumentStore


async def test_unknown_keys_read_as_nothing_and_delete_quietly(store: DocumentStore) -> None:
    storage = DocumentBotStorage(store)
    assert await storage.read(["unknown"]) == {}
    assert await storage.read(None) == {}
    await storage.delete(["unknown"])
    await storage.write({})
    with pytest.raises(Exception, match="Changes are required"):
        await storage.write(None)


async def test_write_read_and_etag_rules(store: DocumentStore) -> None:
    storage = DocumentBotStorage(store)
    await storage.write(
        {"poco": {"id": 1, "count": 1}, "item": {"id": 1, "count": 1, "e_tag": "*"}}
    )
    loaded = await storage.read(["poco", "item"])
    assert loaded["item"]["e_tag"]
    stale = dict(loaded["item"])
    loaded["item"]["count"] = 2
    await storage.write({"item": loaded["item"]})
    stale["count"] = 123
    with pytest.raises(KeyError, match="Etag conflict"):
        await storage.write({"item": stale})
    assert (await storage.read(["item"]))["item"]["count"] == 2
    await storage.write({"item": {**stale, "e_tag": "*"}})
    assert (await storage.read(["item"]))["item"]["count"] == 123
    with pytest.raises(Exception, match="etag missing"):
        await storage.write({"item": {**stale, "e_tag": ""}})


async def test_keys_with_characters_cosmos_forbids(store: DocumentStore) -> None:
    storage = DocumentBotStorage(store)
    key = '!@#$%^&*()_+??><":QASD~`/\\'
    await storage.write({key: {"id": 1}, key + "x" * 400: {"id": 2}})
    read = await storage.read([key, key + "x" * 400])
    assert read[key]["id"] == 1 and read[key + "x" * 400]["id"] == 2
    assert not set(state_id(key)) & set("/\\?#")
    assert len(state_id(key + "x" * 400)) <= 255


async def test_waterfall_continues_after_the_host_is_replaced(store: DocumentStore) -> None:
    """Each turn builds the state objects anew on the same store, as a restarted host would."""

    async def run_turn(adapter_context: TurnContext) -> None:
        state = ConversationState(DocumentBotStorage(store))
        dialogs = DialogSet(state.create_property("dialog_state"))
        dialogs.add(TextPrompt("text"))

        async def ask_name(step: WaterfallStepContext) -> DialogTurnStatus:
            return await step.prompt("text", PromptOptions(prompt=MessageFactory.text("Navn?")))

        async def ask_days(step: WaterfallStepContext) -> DialogTurnStatus:
            step.values["name"] = step.result
            return await step.prompt("text", PromptOptions(prompt=MessageFactory.text("Dager?")))

        async def done(step: WaterfallStepContext) -> DialogTurnStatus:
            await step.context.send_activity(f"{step.values['name']}: {step.result} dager")
            return await step.end_dialog()

        dialogs.add(WaterfallDialog("agreement", [ask_name, ask_days, done]))
        dialog_context = await dialogs.create_context(adapter_context)
        result = await dialog_context.continue_dialog()
        if result.status == DialogTurnStatus.Empty:
            await dialog_context.begin_dialog("agreement")
        await state.save_changes(adapter_context)

    adapter = TestAdapter(run_turn)
    step = await adapter.test("avtale", "Navn?")
    step = await step.test("Kari", "Dager?")
    await step.test("2", "Kari: 2 dager")
