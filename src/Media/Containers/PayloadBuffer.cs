namespace OrleansLive.Media.Containers;

/// <summary>
/// The bytes a demuxer gathers for one elementary stream until a frame is complete: grows by doubling
/// from 4 KiB, never past a cap the caller enforces (a frame over the cap is dropped, not buffered).
/// </summary>
internal abstract class PayloadBuffer
{
    public byte[] Buffer { get; private set; } = [];

    public int Length { get; set; }

    public void Append(ReadOnlySpan<byte> data, int cap)
    {
        if (Length + data.Length > Buffer.Length)
        {
            var size = Math.Min(Math.Max(4096, Buffer.Length * 2), cap);
            var grown = new byte[Math.Max(size, Length + data.Length)];
            Buffer.AsSpan(0, Length).CopyTo(grown);
            Buffer = grown;
        }

        data.CopyTo(Buffer.AsSpan(Length));
        Length += data.Length;
    }
}
