"""WHIP/WHEP signalling shared by the aiortc peers: the HTTP calls (urllib in a thread, since
Debian's aiortc does not bring aiohttp) and the offer/answer exchange."""
import asyncio
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from aiortc import RTCSessionDescription


def emit(**fields):
    """One progress line of JSON on stdout, which the tests read."""
    print(json.dumps(fields), flush=True)


def fail(message):
    print(json.dumps({"error": message}), flush=True)
    print(message, file=sys.stderr, flush=True)
    sys.exit(1)


def _request(method, url, body=None):
    data = body.encode() if body is not None else None
    headers = {"Content-Type": "application/sdp"} if body is not None else {}
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=15) as res:
            return res.status, dict(res.headers), res.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode(errors="replace")


async def request(method, url, body=None):
    return await asyncio.get_running_loop().run_in_executor(None, _request, method, url, body)


async def wait_for_gathering(pc, timeout=10):
    """aiortc gathers every candidate inside setLocalDescription; wait anyway in case it did not."""
    deadline = time.monotonic() + timeout
    while pc.iceGatheringState != "complete":
        if time.monotonic() > deadline:
            fail("ICE gathering did not complete")
        await asyncio.sleep(0.05)


async def exchange(pc, url):
    """Sends the complete offer (aiortc does not trickle), applies the answer, returns the resource URL."""
    await pc.setLocalDescription(await pc.createOffer())
    await wait_for_gathering(pc)
    status, headers, body = await request("POST", url, pc.localDescription.sdp)
    if status != 201:
        fail(f"POST {url} answered {status}: {body.strip()}")
    location = headers.get("Location") or headers.get("location")
    if not location:
        fail(f"POST {url} answered 201 without a Location")
    await pc.setRemoteDescription(RTCSessionDescription(sdp=body, type="answer"))
    return urllib.parse.urljoin(url, location)


async def delete(resource):
    status, _, body = await request("DELETE", resource)
    if status not in (200, 204):
        fail(f"DELETE {resource} answered {status}: {body.strip()}")
    return status


async def wait_connected(pc, timeout=20):
    deadline = time.monotonic() + timeout
    while pc.connectionState != "connected":
        if pc.connectionState in ("failed", "closed"):
            fail(f"connection {pc.connectionState}")
        if time.monotonic() > deadline:
            fail(f"not connected after {timeout} s (state {pc.connectionState}, ice {pc.iceConnectionState})")
        await asyncio.sleep(0.05)
