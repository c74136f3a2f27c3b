"""aiosmtpd as a counting sink for the load harness; the same stdin protocol as `SmtpFixture.Benchmarks serve`.

Run with Debian's interpreter (/usr/bin/python3) and python3-aiosmtpd. Prints "PORT n", then answers
"count", "reset" and "quit" on stdin.
"""
import asyncio
import sys

from aiosmtpd.smtp import SMTP


class CountingHandler:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


async def main():
    handler = CountingHandler()
    loop = asyncio.get_running_loop()
    # hostname given so that no session does a DNS lookup (socket.getfqdn) of its own.
    server = await loop.create_server(lambda: SMTP(handler, hostname="localhost", ident="aiosmtpd"), "127.0.0.1", 0)
    print("PORT %d" % server.sockets[0].getsockname()[1], flush=True)
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = await reader.readline()
        if not line:
            break
        command = line.decode().strip()
        if command == "count":
            print(handler.count, flush=True)
        elif command == "reset":
            handler.count = 0
            print("ok", flush=True)
        elif command == "quit":
            break
    server.close()


asyncio.run(main())
