#!/usr/bin/env python3
"""Times an RTMP play against a server that is starting: polls the port until it accepts, then runs
the simple handshake, connect, createStream and play, and waits for NetStream.Play.Start.

Usage: rtmp_play_probe.py PORT START_EPOCH_SECONDS [TIMEOUT_SECONDS]
Prints "listen=<s> play=<s>": seconds from START_EPOCH_SECONDS to the first accepted TCP connection and
to the play's NetStream.Play.Start. Exits 1 if the play is not accepted before the timeout."""
import os
import socket
import struct
import sys
import time

CHUNK = 128


def amf_string(value):
    data = value.encode()
    return b"\x02" + struct.pack(">H", len(data)) + data


def amf_number(value):
    return b"\x00" + struct.pack(">d", value)


def amf_object(fields):
    out = b"\x03"
    for key, value in fields.items():
        name = key.encode()
        out += struct.pack(">H", len(name)) + name
        out += amf_string(value) if isinstance(value, str) else amf_number(value)
    return out + b"\x00\x00\x09"


def message(csid, type_id, stream_id, payload):
    """One type-0 chunk, then type-3 continuations at the default chunk size."""
    out = bytes([csid]) + b"\x00\x00\x00" + len(payload).to_bytes(3, "big") + bytes([type_id]) + struct.pack("<I", stream_id)
    out += payload[:CHUNK]
    rest = payload[CHUNK:]
    while rest:
        out += bytes([0xC0 | csid]) + rest[:CHUNK]
        rest = rest[CHUNK:]
    return out


def read_until(sock, received, marker, deadline):
    while marker not in received:
        sock.settimeout(max(0.01, deadline - time.time()))
        data = sock.recv(65536)
        if not data:
            raise ConnectionError("server closed before " + marker.decode())
        received += data
    return received[received.index(marker) + len(marker):]


def main():
    port = int(sys.argv[1])
    start = float(sys.argv[2])
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 60
    deadline = time.time() + timeout
    while True:
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=1)
            break
        except OSError:
            if time.time() > deadline:
                print("nothing accepted on port %d" % port, file=sys.stderr)
                return 1
            time.sleep(0.005)
    listen = time.time() - start
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    c1 = struct.pack(">II", 0, 0) + os.urandom(1528)
    sock.sendall(b"\x03" + c1)
    received = b""
    while len(received) < 1 + 1536 * 2:
        sock.settimeout(max(0.01, deadline - time.time()))
        data = sock.recv(65536)
        if not data:
            raise ConnectionError("server closed during the handshake")
        received += data
    sock.sendall(received[1:1537])  # C2 echoes S1
    received = received[1 + 1536 * 2:]
    tc_url = "rtmp://127.0.0.1:%d/live" % port
    connect = amf_string("connect") + amf_number(1) + amf_object({"app": "live", "type": "nonprivate", "flashVer": "FMLE/3.0", "tcUrl": tc_url})
    sock.sendall(message(3, 20, 0, connect))
    received = read_until(sock, received, b"NetConnection.Connect.Success", deadline)
    sock.sendall(message(3, 20, 0, amf_string("createStream") + amf_number(2) + b"\x05"))
    received = read_until(sock, received, b"_result", deadline)
    sock.sendall(message(8, 20, 1, amf_string("play") + amf_number(0) + b"\x05" + amf_string("startup-probe")))
    read_until(sock, received, b"NetStream.Play.Start", deadline)
    play = time.time() - start
    sock.close()
    print("listen=%.3f play=%.3f" % (listen, play))
    return 0


if __name__ == "__main__":
    sys.exit(main())
