#!/usr/bin/env python3
"""The slow-client attack of issue 15, against a running `rapport serve`, with a normal client
beside it: SLOW_HEADERS connections trickle a request head and SLOW_BODIES connections trickle a
body (one piece each every 4 s per connection, the attack's pace), while a normal client sends
Who Knows Whom and /healthz requests one after another. Prints p50/p99/max and errors for each.

Loopback only; bounded in count (REQUESTS normal requests) and time (the trickle stops with them).
Usage: slow_clients.py PORT TOKEN TARGETS_FILE [SLOW_HEADERS=200] [SLOW_BODIES=200] [REQUESTS=300]
"""
import asyncio
import statistics
import sys
import time
import urllib.parse


async def trickle(port, head, piece, stop):
    """One slow client: when the server cuts it off (what it should do), it connects again."""
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(head)
            await writer.drain()
            while not stop.is_set():
                try:
                    await asyncio.wait_for(stop.wait(), 4)
                except asyncio.TimeoutError:
                    pass
                writer.write(piece)
                await writer.drain()
                if reader.at_eof():
                    break
            writer.close()
        except (ConnectionError, OSError):
            await asyncio.sleep(0.1)


async def get(port, path, token):
    start = time.perf_counter()
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\n{auth}Connection: close\r\n\r\n".encode())
    await writer.drain()
    data = await asyncio.wait_for(reader.read(), 5)  # past 5 s: an error
    writer.close()
    return data.startswith(b"HTTP/1.1 200"), (time.perf_counter() - start) * 1000


def summary(name, results):
    ms = sorted(t for _, t in results)
    errors = sum(1 for ok, _ in results if not ok)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(f"{name}: {len(ms)} requests, {errors} errors, p50 {statistics.median(ms):.1f} ms, "
          f"p99 {p99:.1f} ms, max {ms[-1]:.1f} ms")


async def main():
    port, token, targets = int(sys.argv[1]), sys.argv[2], open(sys.argv[3]).read().split()
    slow_headers = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    slow_bodies = int(sys.argv[5]) if len(sys.argv) > 5 else 200
    requests = int(sys.argv[6]) if len(sys.argv) > 6 else 300
    stop = asyncio.Event()
    head = b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
    body = b"POST /v1/engagement HTTP/1.1\r\nHost: x\r\nContent-Length: 60000\r\n\r\n{"
    attackers = [asyncio.create_task(trickle(port, head, b"X-Slow: 1\r\n", stop))
                 for _ in range(slow_headers)]
    attackers += [asyncio.create_task(trickle(port, body, b"a", stop)) for _ in range(slow_bodies)]
    await asyncio.sleep(1)  # let them all connect
    wkw, health = [], []
    for i in range(requests):
        target = urllib.parse.quote(targets[i % len(targets)])
        for results, path, tok in ((wkw, f"/v1/who-knows?as_of=2026-06-28&top=5&target={target}",
                                    token), (health, "/healthz", None)):
            try:
                results.append(await get(port, path, tok))
            except (asyncio.TimeoutError, ConnectionError, OSError):
                results.append((False, 5000.0))
    stop.set()
    await asyncio.gather(*attackers)
    summary(f"Who Knows Whom beside {slow_headers}+{slow_bodies} slow connections", wkw)
    summary("/healthz beside them", health)


asyncio.run(main())
