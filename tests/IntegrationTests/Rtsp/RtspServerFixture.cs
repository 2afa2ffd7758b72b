using System.Globalization;
using OrleansLive.IntegrationTests.Support;

namespace OrleansLive.IntegrationTests.Rtsp;

/// <summary>The all-in-one server with its RTSP port on (it is off by default) on a free port.</summary>
public sealed class RtspServerFixture : ServerFixture
{
    public int RtspPort { get; } = TestServers.FreeTcpPort();

    public string RtspUrl(string app, string stream) => $"rtsp://127.0.0.1:{RtspPort}/{app}/{stream}";

    protected override void AddSettings(Dictionary<string, string?> settings) =>
        settings["Gateway:RtspPort"] = RtspPort.ToString(CultureInfo.InvariantCulture);
}
