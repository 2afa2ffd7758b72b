namespace OrleansLive.Media.Containers.Amf;

/// <summary>Malformed, truncated or unsupported AMF0 data.</summary>
public sealed class Amf0Exception : FormatException
{
    public Amf0Exception(string message) : base(message) { }
}
