namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;

/// <summary>
/// A 128-packet sliding replay window (RFC 3711 §3.3.2) over a packet index: bit d is set when
/// index Highest - d was accepted. Check before authenticating, Accept only after.
/// </summary>
internal struct SrtpReplayWindow
{
    public const int Size = 128;
    private UInt128 bits;

    public bool Started { get; private set; }

    public ulong Highest { get; private set; }

    public readonly bool Check(ulong index)
    {
        if (!Started || index > Highest)
        {
            return true;
        }

        var behind = Highest - index;
        return behind < Size && ((bits >> (int)behind) & UInt128.One) == UInt128.Zero;
    }

    public void Accept(ulong index)
    {
        if (!Started)
        {
            Started = true;
            Highest = index;
            bits = UInt128.One;
        }
        else if (index > Highest)
        {
            var ahead = index - Highest;
            bits = ahead >= Size ? UInt128.One : (bits << (int)ahead) | UInt128.One;
            Highest = index;
        }
        else
        {
            bits |= UInt128.One << (int)(Highest - index);
        }
    }
}
