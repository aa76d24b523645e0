"""A real SMTP server (aiosmtpd) on a free loopback port, collecting what it accepts.

`refuse` addresses get a permanent 550, `defer` addresses a temporary 451, like a real mail server would;
until `defer_until` (a `time.monotonic()` instant) every address gets the 451, as from a server that is busy
or greylisting; `delay` seconds per message make it as slow as a real relay.
"""

from __future__ import annotations

import email
import socket
import threading
import time
from dataclasses import dataclass, field


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    to: list[str]
    message: email.message.Message

    @property
    def message_id(self) -> str:
        return self.message["Message-ID"]

    def text(self) -> str:
        for part in self.message.walk():
            if part.get_content_type() == "text/plain":
                return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        return ""


@dataclass
class SmtpSink:
    refuse: set[str] = field(default_factory=set)
    defer: set[str] = field(default_factory=set)
    defer_until: float = 0.0
    delay: float = 0.0
    deferred: int = 0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd)
        if address in self.refuse:
            return "550 5.1.1 No such user"
        if address in self.defer or time.monotonic() < self.defer_until:
            with self.lock:
                self.deferred += 1
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd)
        if self.delay:
            import asyncio

            await asyncio.sleep(self.delay)
        with self.lock:
            self.received.append(
                Received(list(envelope.rcpt_tos), email.message_from_bytes(envelope.content))
            )
        return "250 Message accepted"

    def for_address(self, address: str) -> list[Received]:
        with self.lock:
            return [item for item in self.received if address in item.to]

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def per_recipient(self) -> dict[str, list[Received]]:
        """Every recipient's messages, in the order they arrived."""
        by_address: dict[str, list[Received]] = {}
        with self.lock:
            for item in self.received:
                for address in item.to:
                    by_address.setdefault(address, []).append(item)
        return by_address


def start_sink(sink: SmtpSink):
    """Starts the server; returns (controller, port). Call controller.stop() when done."""
    from aiosmtpd.controller import Controller

    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, port
