using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace OrleansLive.IntegrationTests.Srt;

/// <summary>SRT handshake control packets written by hand (SRT RFC draft, section 3.2.1), for callers
/// that start a handshake and never finish it, or finish it and then fall silent.</summary>
public static class RawSrtHandshake
{
    private const uint Induction = 1;
    private const uint Conclusion = 0xFFFFFFFF;
    private const int HeaderSize = 16;
    private const int CookieOffset = HeaderSize + 28;

    /// <summary>The caller's first packet: HSv4 induction, no cookie yet.</summary>
    public static byte[] InductionRequest(int callerSocketId) => Handshake(version: 4, extension: 2, Induction, callerSocketId, cookie: 0, withHsReq: false);

    /// <summary>An HSv5 conclusion with an SRT HSREQ extension, carrying the given cookie.</summary>
    public static byte[] ConclusionRequest(int callerSocketId, uint cookie) => Handshake(version: 5, extension: 1, Conclusion, callerSocketId, cookie, withHsReq: true);

    /// <summary>Runs induction and conclusion against the listener and returns once it answered the
    /// conclusion, leaving a connection the caller never sends anything on.</summary>
    public static async Task<bool> CompleteAndGoSilentAsync(UdpClient caller, IPEndPoint listener, int callerSocketId, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        if (await InductionAsync(caller, listener, callerSocketId, cts.Token) is not { } cookie)
        {
            return false;
        }
        await caller.SendAsync(ConclusionRequest(callerSocketId, cookie), listener, cts.Token);
        var answer = await caller.ReceiveAsync(cts.Token);
        // A conclusion response (not a rejection) carries handshake type CONCLUSION back.
        return answer.Buffer.Length >= HeaderSize + 24
            && BinaryPrimitives.ReadUInt32BigEndian(answer.Buffer.AsSpan(HeaderSize + 20)) == Conclusion;
    }

    /// <summary>Sends the induction and returns the listener's cookie (null if the answer is too short).</summary>
    public static async Task<uint?> InductionAsync(UdpClient caller, IPEndPoint listener, int callerSocketId, CancellationToken cancel)
    {
        await caller.SendAsync(InductionRequest(callerSocketId), listener, cancel);
        var response = await caller.ReceiveAsync(cancel);
        return response.Buffer.Length < CookieOffset + 4 ? null : BinaryPrimitives.ReadUInt32BigEndian(response.Buffer.AsSpan(CookieOffset));
    }

    private static byte[] Handshake(uint version, ushort extension, uint type, int socketId, uint cookie, bool withHsReq)
    {
        var packet = new byte[HeaderSize + 48 + (withHsReq ? 16 : 0)];
        var p = packet.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(p, 0x80000000); // control packet, type 0 = handshake
        BinaryPrimitives.WriteUInt32BigEndian(p[8..], (uint)Environment.TickCount);
        // Destination socket id 0: addressed to the listener.
        var cif = p[HeaderSize..];
        BinaryPrimitives.WriteUInt32BigEndian(cif, version);
        BinaryPrimitives.WriteUInt16BigEndian(cif[6..], extension);
        BinaryPrimitives.WriteInt32BigEndian(cif[8..], socketId & 0x7FFFFFFF); // initial sequence number
        BinaryPrimitives.WriteUInt32BigEndian(cif[12..], 1500);
        BinaryPrimitives.WriteUInt32BigEndian(cif[16..], 8192);
        BinaryPrimitives.WriteUInt32BigEndian(cif[20..], type);
        BinaryPrimitives.WriteInt32BigEndian(cif[24..], socketId);
        BinaryPrimitives.WriteUInt32BigEndian(cif[28..], cookie);
        cif[32] = 127;
        cif[35] = 1;
        if (withHsReq)
        {
            var ext = cif[48..];
            BinaryPrimitives.WriteUInt16BigEndian(ext, 1); // SRT_CMD_HSREQ
            BinaryPrimitives.WriteUInt16BigEndian(ext[2..], 3); // three 32-bit words
            BinaryPrimitives.WriteUInt32BigEndian(ext[4..], 0x00010501); // SRT 1.5.1
            BinaryPrimitives.WriteUInt32BigEndian(ext[8..], 0xBF); // TSBPD both ways, crypt, TLPKTDROP, NAK, rexmit flag, filter
            BinaryPrimitives.WriteUInt32BigEndian(ext[12..], (120u << 16) | 120u); // receiver and sender TSBPD delay, ms
        }
        return packet;
    }
}
