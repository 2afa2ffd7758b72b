using OrleansLive.Media.Rtp.Sdp;

namespace OrleansLive.UnitTests.Rtc.Sdp;

/// <summary>The offers under Corpus/Sdp, written after what Chrome, Firefox and OBS (libdatachannel) send.</summary>
internal static class SdpOffers
{
    public static string Text(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Corpus", "Sdp", name + ".sdp"));

    public static SessionDescription Parse(string name)
    {
        Assert.True(SessionDescription.TryParse(Text(name), out var description, out var error), error);
        return description;
    }
}
