using System.Diagnostics;
using OrleansLive.Media.Audio;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.FFmpeg;
using Xunit.Abstractions;

namespace OrleansLive.UnitTests.Audio;

/// <summary>Native memory goes with Dispose. Measured on the whole process, so the class runs with no
/// other test beside it.</summary>
[Collection(nameof(ProcessWideMeasurements))]
public sealed class TranscodeLifetimeTests(ITestOutputHelper log)
{
    private static readonly FFmpegAudioCodecs Codecs = new();

    [Fact]
    public void A_thousand_create_transcode_dispose_cycles_do_not_grow_the_process()
    {
        var (config, aac) = TestSignals.AacSine(1000, 44100, 2, 0.2);
        var opus = TestSignals.OpusSine(440, 2, 0.2);
        var toOpus = new AudioTranscodeRequest(AudioCodecId.Aac, config, AudioCodecId.Opus, 0);
        var toAac = new AudioTranscodeRequest(AudioCodecId.Opus, ReadOnlyMemory<byte>.Empty, AudioCodecId.Aac, 0);

        void Cycles(int count)
        {
            var output = new List<EncodedAudio>();
            for (var i = 0; i < count; i++)
            {
                var (request, frames, frameMs) = i % 2 == 0 ? (toOpus, aac, 23) : (toAac, opus, 20);
                using var transcoder = Codecs.Create(request);
                for (var f = 0; f < frames.Count; f++)
                {
                    transcoder.Transcode(frames[f], f * frameMs, output);
                }

                Assert.NotEmpty(output);
                output.Clear();
            }
        }

        Cycles(100); // warm up: allocators and the GC settle
        var (managed, resident) = Footprint();
        Cycles(1000);
        var (managedAfter, residentAfter) = Footprint();

        log.WriteLine($"after 1000 cycles: managed {(managedAfter - managed) / 1024} KiB, resident {(residentAfter - resident) / 1024} KiB");
        // A leaked codec context, graph or frame per cycle would add tens of megabytes.
        Assert.InRange(managedAfter - managed, long.MinValue, 8 << 20);
        Assert.InRange(residentAfter - resident, long.MinValue, 24 << 20);
    }

    private static (long Managed, long Resident) Footprint()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(true), process.WorkingSet64);
    }
}
