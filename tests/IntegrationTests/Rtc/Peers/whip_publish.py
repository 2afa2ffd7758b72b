#!/usr/bin/python3
"""Publishes a media file over WHIP with aiortc: H.264 video (aiortc would pick VP8 by default; CODEC
"vp8" picks it) and Opus audio, for SECONDS, then DELETEs the session.

Usage: whip_publish.py URL FILE SECONDS [CODEC]
Prints one JSON line per second ({"state":..., "elapsed":...}) and exits 0 after a clean DELETE."""
import asyncio
import sys
import time

from aiortc import RTCPeerConnection, RTCRtpSender
from aiortc.contrib.media import MediaPlayer

from whip_common import delete, emit, exchange, fail, wait_connected


def only(kind, mime):
    codecs = [c for c in RTCRtpSender.getCapabilities(kind).codecs if c.mimeType.lower() == mime]
    if not codecs:
        fail(f"aiortc has no {mime}")
    return codecs


async def run(url, path, seconds, codec):
    player = MediaPlayer(path)
    pc = RTCPeerConnection()
    if player.video is None:
        fail(f"{path} has no video")
    video = pc.addTransceiver(player.video, direction="sendonly")
    video.setCodecPreferences(only("video", "video/" + codec))
    if player.audio is not None:
        audio = pc.addTransceiver(player.audio, direction="sendonly")
        audio.setCodecPreferences(only("audio", "audio/opus"))
    try:
        resource = await exchange(pc, url)
        emit(resource=resource, state=pc.connectionState)
        await wait_connected(pc)
        start = time.monotonic()
        while (elapsed := time.monotonic() - start) < seconds:
            if pc.connectionState != "connected":
                fail(f"connection {pc.connectionState} after {elapsed:.1f} s")
            emit(state=pc.connectionState, elapsed=round(elapsed, 1))
            await asyncio.sleep(1)
        emit(deleted=await delete(resource))
    finally:
        await pc.close()
        if player.video is not None:
            player.video.stop()
        if player.audio is not None:
            player.audio.stop()


def main():
    if len(sys.argv) not in (4, 5):
        fail("usage: whip_publish.py URL FILE SECONDS [CODEC]")
    asyncio.run(run(sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4].lower() if len(sys.argv) == 5 else "h264"))


if __name__ == "__main__":
    main()
