#!/usr/bin/python3
"""Plays a stream over WHEP with aiortc for SECONDS from its first picture, decoding video (H.264, or CODEC) and audio (Opus), then
DELETEs the session and prints one JSON line:
{"video_frames":N,"audio_frames":M,"width":W,"height":H,"first_frame_ms":T,"audio_rms":R,"audio_hz":F}
(first_frame_ms counts from the answer to the first decoded picture; -1 if none came; audio_rms
(0..1) and audio_hz (by zero crossings) describe the decoded sound of the first channel, after the
first 50 audio frames).

Usage: whep_play.py URL SECONDS [CODEC]"""
import asyncio
import sys
import time

import numpy
from aiortc import RTCPeerConnection, RTCRtpReceiver
from aiortc.mediastreams import MediaStreamError

from whip_common import delete, emit, exchange, fail, wait_connected

counts = {"video_frames": 0, "audio_frames": 0, "width": 0, "height": 0, "first_frame_ms": -1, "audio_rms": 0.0, "audio_hz": 0.0}
sound = {"samples": [], "rate": 48000}


def listen(frame):
    """Keeps up to 10 s of the first channel, as floats in -1..1."""
    data = frame.to_ndarray()
    channels = len(frame.layout.channels)
    mono = data[0] if data.shape[0] == channels and channels > 1 else data.reshape(-1)[::channels]
    scale = 32768.0 if mono.dtype == numpy.int16 else 1.0
    sound["rate"] = frame.sample_rate
    if sum(len(s) for s in sound["samples"]) < frame.sample_rate * 10:
        sound["samples"].append(mono.astype(numpy.float64) / scale)


def describe_sound():
    if not sound["samples"]:
        return
    samples = numpy.concatenate(sound["samples"])
    counts["audio_rms"] = round(float(numpy.sqrt(numpy.mean(samples ** 2))), 4)
    crossings = numpy.count_nonzero(numpy.diff(numpy.signbit(samples)))
    counts["audio_hz"] = round(crossings / 2 / (len(samples) / sound["rate"]), 1)


FIRST_FRAME_WAIT = 20.0


def first_seen(answered, start):
    """Seconds from the connection to the first decoded picture."""
    return max(0.0, answered[0] + counts["first_frame_ms"] / 1000 - start)


async def consume(track, answered):
    while True:
        try:
            frame = await track.recv()
        except MediaStreamError:
            return
        if track.kind == "video":
            if counts["video_frames"] == 0:
                counts["first_frame_ms"] = round((time.monotonic() - answered[0]) * 1000)
            counts["video_frames"] += 1
            counts["width"], counts["height"] = frame.width, frame.height
        else:
            counts["audio_frames"] += 1
            if counts["audio_frames"] > 50:
                listen(frame)


async def run(url, seconds, codec):
    pc = RTCPeerConnection()
    video = pc.addTransceiver("video", direction="recvonly")
    video.setCodecPreferences([c for c in RTCRtpReceiver.getCapabilities("video").codecs if c.mimeType.lower() in ("video/" + codec, "video/rtx")])
    pc.addTransceiver("audio", direction="recvonly")
    answered = [time.monotonic()]
    tasks = []
    pc.on("track", lambda track: tasks.append(asyncio.ensure_future(consume(track, answered))))
    try:
        resource = await exchange(pc, url)
        answered[0] = time.monotonic()
        emit(resource=resource, state=pc.connectionState)
        await wait_connected(pc)
        start = time.monotonic()
        # SECONDS of pictures: the window starts at the first decoded one (a loaded machine can take
        # seconds to get there), waiting for it at most FIRST_FRAME_WAIT.
        while (elapsed := time.monotonic() - start) < seconds + (
                first_seen(answered, start) if counts["first_frame_ms"] >= 0 else FIRST_FRAME_WAIT):
            if pc.connectionState != "connected":
                fail(f"connection {pc.connectionState} after {elapsed:.1f} s")
            emit(state=pc.connectionState, elapsed=round(elapsed, 1), video_frames=counts["video_frames"], audio_frames=counts["audio_frames"])
            await asyncio.sleep(1)
        await delete(resource)
    finally:
        await pc.close()
        for task in tasks:
            task.cancel()
    describe_sound()
    emit(**counts)


def main():
    if len(sys.argv) not in (3, 4):
        fail("usage: whep_play.py URL SECONDS [CODEC]")
    asyncio.run(run(sys.argv[1], float(sys.argv[2]), sys.argv[3].lower() if len(sys.argv) == 4 else "h264"))


if __name__ == "__main__":
    main()
