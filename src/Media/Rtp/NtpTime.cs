namespace OrleansLive.Media.Rtp;

/// <summary>NTP timestamps as RTCP carries them (RFC 3550 4): 32.32 fixed-point seconds since 1900.</summary>
public static class NtpTime
{
    private static readonly DateTime Epoch = new(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static ulong FromDateTime(DateTime utc)
    {
        var ticks = (utc.ToUniversalTime() - Epoch).Ticks;
        var seconds = (ulong)(ticks / TimeSpan.TicksPerSecond);
        var fraction = (ulong)(ticks % TimeSpan.TicksPerSecond) * (1UL << 32) / TimeSpan.TicksPerSecond;
        return (seconds << 32) | fraction;
    }

    public static DateTime ToDateTime(ulong ntp) =>
        Epoch.AddTicks((long)(ntp >> 32) * TimeSpan.TicksPerSecond + (long)((ntp & 0xFFFFFFFF) * TimeSpan.TicksPerSecond >> 32));

    /// <summary>The middle 32 bits, as a report block's LSR field holds them.</summary>
    public static uint Middle32(ulong ntp) => (uint)(ntp >> 16);

    /// <summary>A delay in the 1/65536 s units of DLSR.</summary>
    public static uint ToDelayUnits(TimeSpan delay) => (uint)Math.Clamp(delay.Ticks * 65536 / TimeSpan.TicksPerSecond, 0, uint.MaxValue);
}
