"""The tests' fake Bot Connector as its own process, for the benchmark.

`python -m benchmarks.connector --port N`. Its own process, so that receiving the bots'
replies does not compete with the load generator's event loop and skew its clock.

Besides the Bot Connector routes it answers `GET /bench/summary`: the message activities that
arrived since the previous call (how many, how many carried an Adaptive Card, the last card),
then forgets them. The load generator uses it to check that every measured turn really sent
its reply, and to read the round id off the check-in card. `GET /bench/conversations/{id}`
does the same for one conversation and returns the replies themselves (text and cards), so
that many simulated users can each read their own replies (benchmarks/soak.py).
`GET /bench/sends` counts the proactive sends (a round's cards) per conversation since the
start and forgets the messages themselves: they are no turn's reply.
"""

from __future__ import annotations

import argparse

from aiohttp import web

from tests.support.fake_connector import FakeConnector

SUMMARY_PATH = "/bench/summary"
DELIVERY_PATH = "/bench/delivery"
CONVERSATION_PATH = "/bench/conversations/{cid}"
SENDS_PATH = "/bench/sends"
HEALTH_PATH = "/healthz"


def build_connector_app(enforce_limits: bool = False) -> web.Application:
    fake = FakeConnector(enforce_limits=enforce_limits)
    app = fake.app()

    async def summary(_: web.Request) -> web.Response:
        messages = fake.messages()
        cards = fake.cards()
        fake.clear()
        return web.json_response(
            {
                "messages": len(messages),
                "cards": len(cards),
                "last_card": cards[-1] if cards else None,
            }
        )

    async def conversation(request: web.Request) -> web.Response:
        cid = request.match_info["cid"]
        taken = [r for r in fake.received if r.conversation_id == cid]
        fake.received[:] = [r for r in fake.received if r.conversation_id != cid]
        return web.json_response(
            {
                "messages": [
                    {"type": r.body.get("type"), "text": r.text, "cards": r.cards}
                    for r in taken
                    if r.method == "POST" and r.activity_id is not None
                ]
            }
        )

    async def sends(_: web.Request) -> web.Response:
        fake.received[:] = [r for r in fake.received if r.activity_id is not None]
        return web.json_response({"sends": dict(fake.proactive)})

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def delivery(_: web.Request) -> web.Response:
        # Counts only: a 10,000-person round must not keep 10,000 cards in memory.
        fake.received.clear()
        return web.json_response(
            {
                "conversations": len(fake.delivered),
                "delivered": sum(fake.delivered.values()),
                "more_than_once": sum(1 for n in fake.delivered.values() if n > 1),
                "answers": {str(k): v for k, v in fake.requests.items()},
                "retry_after_violations": len(fake.violations),
            }
        )

    app.router.add_get(SUMMARY_PATH, summary)
    app.router.add_get(DELIVERY_PATH, delivery)
    app.router.add_get(CONVERSATION_PATH, conversation)
    app.router.add_get(SENDS_PATH, sends)
    app.router.add_get(HEALTH_PATH, healthz)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.connector")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--limits", action="store_true", help="enforce Teams' rate limits")
    args = parser.parse_args()
    web.run_app(build_connector_app(args.limits), host="127.0.0.1", port=args.port, print=None)


if __name__ == "__main__":
    main()
