"""A bare botbuilder echo bot: the baseline the benchmark compares the real bot against.

`python -m benchmarks.echo_bot --port N`. It is served the way cli/serve.py serves the real
bot — aiohttp, one CloudAdapter built from bootstrap.py's configuration object in local mode (no
app id, so no inbound authentication), the same `/healthz` and logging — so that the difference
measured is the bot's own work. Its route is botbuilder's sample route (`adapter.process`) without our
request checks in bot/web.py: those checks are part of what the real bot costs.
"""

from __future__ import annotations

import argparse

from aiohttp import web
from botbuilder.core import ActivityHandler, InvokeResponse, MessageFactory, TurnContext
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)

from bootstrap import BotFrameworkConfig
from bot import sdk_patches
from bot.actions import ShowMessage, invoke_body
from bot.web import healthz
from cli.main import configure_logging

# A short message, the smallest `adaptiveCard/action` answer Teams accepts. CloudAdapter
# serializes invoke bodies with msrest, so it is the app's body model rather than a dict.
_INVOKE_BODY = invoke_body(ShowMessage("ok"))


class EchoBot(ActivityHandler):  # type: ignore[misc]  # botbuilder ships no type hints
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await turn_context.send_activity(MessageFactory.text(turn_context.activity.text or ""))

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        return InvokeResponse(status=200, body=_INVOKE_BODY)


def build_echo_app() -> web.Application:
    sdk_patches.apply()  # as bootstrap.build_turns does: the SDK's per-turn cost is not ours
    adapter = CloudAdapter(
        ConfigurationBotFrameworkAuthentication(
            BotFrameworkConfig(APP_ID="", APP_PASSWORD="", APP_TYPE="MultiTenant", APP_TENANTID="")
        )
    )
    bot = EchoBot()

    async def messages(request: web.Request) -> web.StreamResponse:
        response = await adapter.process(request, bot)
        return response if response is not None else web.Response(status=201)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.echo_bot")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    configure_logging()  # the real host's, so that both pay the same for it
    web.run_app(build_echo_app(), host="127.0.0.1", port=args.port, print=None)


if __name__ == "__main__":
    main()
