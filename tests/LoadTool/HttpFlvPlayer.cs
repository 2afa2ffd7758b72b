using System.Net;

namespace OrleansLive.LoadTool;

/// <summary>
/// An HTTP-FLV player: a streaming FLV tag parser over <see cref="HttpStreamPlayer"/> that keeps only
/// the first bytes of each tag, like <see cref="RtmpPlayer"/>.
/// </summary>
public sealed class HttpFlvPlayer(int index, Uri url, EndPoint remote, PlayerContext context)
    : HttpStreamPlayer(index, url, remote, context)
{
    private const int MediaCapture = 64;

    private readonly byte[] _tagHeader = new byte[11];
    private readonly byte[] _capture = new byte[MediaCapture];
    private int _fileHeaderLeft = 13;
    private int _tagHeaderHave;
    private int _tagDataLeft;
    private int _captured;
    private int _trailerLeft;

    public override string Kind => "flv";

    protected override void Body(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            if (_fileHeaderLeft > 0)
            {
                var skip = Math.Min(_fileHeaderLeft, data.Length);
                _fileHeaderLeft -= skip;
                data = data[skip..];
                continue;
            }
            if (_tagDataLeft > 0)
            {
                var count = Math.Min(_tagDataLeft, data.Length);
                var take = Math.Min(count, Math.Min(_capture.Length, TagSize) - _captured);
                if (take > 0)
                {
                    data[..take].CopyTo(_capture.AsSpan(_captured));
                    _captured += take;
                }
                _tagDataLeft -= count;
                data = data[count..];
                if (_tagDataLeft == 0)
                {
                    _trailerLeft = 4;
                    var type = (byte)(_tagHeader[0] & 0x1F);
                    if (type is 8 or 9)
                    {
                        OnMedia(type, _capture.AsSpan(0, _captured));
                    }
                    else
                    {
                        OtherMessages++;
                    }
                }
                continue;
            }
            if (_trailerLeft > 0)
            {
                var skip = Math.Min(_trailerLeft, data.Length);
                _trailerLeft -= skip;
                data = data[skip..];
                continue;
            }
            var need = Math.Min(11 - _tagHeaderHave, data.Length);
            data[..need].CopyTo(_tagHeader.AsSpan(_tagHeaderHave));
            _tagHeaderHave += need;
            data = data[need..];
            if (_tagHeaderHave == 11)
            {
                _tagHeaderHave = 0;
                _captured = 0;
                _tagDataLeft = TagSize;
                if (_tagDataLeft == 0)
                {
                    _trailerLeft = 4;
                    OtherMessages++;
                }
            }
        }
    }

    private int TagSize => (_tagHeader[1] << 16) | (_tagHeader[2] << 8) | _tagHeader[3];
}
