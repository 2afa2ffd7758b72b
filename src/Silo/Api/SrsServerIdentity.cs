using Microsoft.Extensions.Configuration;
using OrleansLive.Interfaces;

namespace OrleansLive.Silo.Api;

/// <summary>
/// The ids every SRS API reply (and hook call) carries: the server id, stable across restarts when
/// configured ("Api:ServerId", else env SRS_SERVER_ID, else a fresh "vid-xxxxxxx"), the service id
/// (8 random chars per process start) and the process id as text.
/// </summary>
public sealed class SrsServerIdentity
{
    public SrsServerIdentity(IConfiguration? configuration = null)
    {
        ServerId = NonEmpty(configuration?["Api:ServerId"])
            ?? NonEmpty(Environment.GetEnvironmentVariable("SRS_SERVER_ID"))
            ?? Ids.NewVid();
    }

    public string ServerId { get; }

    public string ServiceId { get; } = Ids.Random(8);

    public string Pid { get; } = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
