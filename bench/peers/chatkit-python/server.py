"""The peer baseline: OpenAI's Python ChatKit server (`chatkit.server.ChatKitServer.process`) behind a small HTTP/1.1
server of our own, with an in-memory store and the bench's scripted reply. Only the standard library and pydantic
are needed: chatkit's server module imports the Agents SDK just for its version and two header-override context
variables, so this file provides those names (the scripted reply never calls a model).

Usage: CHATKIT_PYTHON_DIR=<checkout> python3 server.py  (prints `listening <url>` once it accepts connections).
The reply's deltas come as a JSON list in BENCH_REPLY_DELTAS.
"""

import asyncio
import contextvars
import json
import os
import sys
import types
from datetime import datetime

sys.path.insert(0, os.environ["CHATKIT_PYTHON_DIR"])


def provide_agents_names() -> None:
    """The names `chatkit.server` reads from the Agents SDK, when the SDK is not installed."""
    try:
        import agents  # noqa: F401

        return
    except ImportError:
        pass
    agents = types.ModuleType("agents")
    agents.__version__ = "not-installed"
    models = types.ModuleType("agents.models")
    chatcmpl = types.ModuleType("agents.models.chatcmpl_helpers")
    chatcmpl.HEADERS_OVERRIDE = contextvars.ContextVar("chatcmpl_headers", default=None)
    responses = types.ModuleType("agents.models.openai_responses")
    responses._HEADERS_OVERRIDE = contextvars.ContextVar("responses_headers", default=None)
    agents.models = models
    models.chatcmpl_helpers = chatcmpl
    models.openai_responses = responses
    sys.modules.update(
        {
            "agents": agents,
            "agents.models": models,
            "agents.models.chatcmpl_helpers": chatcmpl,
            "agents.models.openai_responses": responses,
        }
    )


provide_agents_names()

from chatkit.server import ChatKitServer, StreamingResult  # noqa: E402
from chatkit.store import NotFoundError, Store  # noqa: E402
from chatkit.types import (  # noqa: E402
    AssistantMessageContent,
    AssistantMessageContentPartAdded,
    AssistantMessageContentPartDone,
    AssistantMessageContentPartTextDelta,
    AssistantMessageItem,
    Page,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemUpdatedEvent,
)

DELTAS: list[str] = json.loads(os.environ.get("BENCH_REPLY_DELTAS", '["Hello", " world"]'))


class MemoryStore(Store[dict]):
    """Threads and items in dictionaries, enough for `threads.create`."""

    def __init__(self) -> None:
        self.threads: dict = {}
        self.items: dict = {}

    async def load_thread(self, thread_id, context):
        if thread_id not in self.threads:
            raise NotFoundError(thread_id)
        return self.threads[thread_id]

    async def save_thread(self, thread, context):
        self.threads[thread.id] = thread
        self.items.setdefault(thread.id, {})

    async def load_thread_items(self, thread_id, after, limit, order, context):
        items = list(self.items.get(thread_id, {}).values())
        if order == "desc":
            items.reverse()
        if after is not None:
            ids = [item.id for item in items]
            items = items[ids.index(after) + 1 :] if after in ids else []
        return Page(data=items[:limit], has_more=len(items) > limit)

    async def save_attachment(self, attachment, context):
        raise NotImplementedError

    async def load_attachment(self, attachment_id, context):
        raise NotFoundError(attachment_id)

    async def delete_attachment(self, attachment_id, context):
        raise NotImplementedError

    async def load_threads(self, limit, after, order, context):
        return Page(data=list(self.threads.values())[:limit])

    async def add_thread_item(self, thread_id, item, context):
        self.items.setdefault(thread_id, {})[item.id] = item

    async def save_item(self, thread_id, item, context):
        self.items.setdefault(thread_id, {})[item.id] = item

    async def load_item(self, thread_id, item_id, context):
        try:
            return self.items[thread_id][item_id]
        except KeyError as err:
            raise NotFoundError(item_id) from err

    async def delete_thread(self, thread_id, context):
        self.threads.pop(thread_id, None)
        self.items.pop(thread_id, None)

    async def delete_thread_item(self, thread_id, item_id, context):
        self.items.get(thread_id, {}).pop(item_id, None)


class ScriptedServer(ChatKitServer[dict]):
    """Answers every message with the bench's scripted reply, delta by delta, as a model stream would arrive."""

    async def respond(self, thread, input_user_message, context):
        item_id = self.store.generate_item_id("message", thread, context)
        created = datetime.now()
        item = AssistantMessageItem(id=item_id, thread_id=thread.id, created_at=created, content=[])
        yield ThreadItemAddedEvent(item=item)
        yield ThreadItemUpdatedEvent(
            item_id=item_id,
            update=AssistantMessageContentPartAdded(content_index=0, content=AssistantMessageContent(text="")),
        )
        text = ""
        for delta in DELTAS:
            text += delta
            yield ThreadItemUpdatedEvent(
                item_id=item_id, update=AssistantMessageContentPartTextDelta(content_index=0, delta=delta)
            )
            await asyncio.sleep(0)
        content = AssistantMessageContent(text=text)
        yield ThreadItemUpdatedEvent(item_id=item_id, update=AssistantMessageContentPartDone(content_index=0, content=content))
        yield ThreadItemDoneEvent(
            item=AssistantMessageItem(id=item_id, thread_id=thread.id, created_at=created, content=[content])
        )
        thread.title = "Benchmark"


server = ScriptedServer(MemoryStore())


async def read_request(reader: asyncio.StreamReader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return method, path, headers, body


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            try:
                method, path, headers, body = await read_request(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            if method != "POST" or path != "/chatkit":
                writer.write(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n")
                await writer.drain()
                continue
            result = await server.process(body, {})
            if isinstance(result, StreamingResult):
                writer.write(
                    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
                    b"transfer-encoding: chunked\r\n\r\n"
                )
                async for chunk in result:
                    writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    await writer.drain()
                writer.write(b"0\r\n\r\n")
            else:
                writer.write(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s"
                    % (len(result.json), result.json)
                )
            await writer.drain()
    finally:
        writer.close()


async def main() -> None:
    listener = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
    port = listener.sockets[0].getsockname()[1]
    print(f"listening http://127.0.0.1:{port}", flush=True)
    async with listener:
        await listener.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
