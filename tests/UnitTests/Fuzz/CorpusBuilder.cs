using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers;
using OrleansLive.Media.Containers.Amf;
using OrleansLive.Media.Containers.Flv;
using OrleansLive.Media.Containers.MpegTs;
using OrleansLive.Media.Samples;

namespace OrleansLive.UnitTests.Fuzz;

/// <summary>
/// Regenerates the derived corpora (`infra/fuzz.sh corpus`): RTMP sessions captured from ffmpeg against
/// a minimal server on loopback (both directions), the AMF payloads inside them, FLV files from ffmpeg
/// and from our Enhanced RTMP writer, decoder configurations out of those, and HTTP request heads
/// captured from ffmpeg and curl. Hand-made corpora (SDP, STUN, SRT stream ids, SRS configurations)
/// and regression inputs are left as they are.
/// </summary>
internal static class CorpusBuilder
{
    private const string Lavfi = "testsrc=size=96x64:rate=10,format=yuv420p";

    public static void Build(string corpus)
    {
        var work = Directory.CreateTempSubdirectory("fuzz-corpus-").FullName;
        try
        {
            var h264Aac = Ffmpeg(work, "h264-aac.flv", "-f", "lavfi", "-i", Lavfi, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "0.6",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "3", "-bf", "2", "-c:a", "aac", "-b:a", "32k", "-f", "flv");
            var h264Mp3 = Ffmpeg(work, "h264-mp3.flv", "-f", "lavfi", "-i", Lavfi, "-f", "lavfi", "-i", "sine=sample_rate=22050", "-t", "0.6",
                "-c:v", "libx264", "-preset", "ultrafast", "-profile:v", "baseline", "-g", "4", "-c:a", "libmp3lame", "-b:a", "32k", "-f", "flv");
            var hevcAac = FlvOfTs(Ffmpeg(work, "hevc-aac.ts", "-f", "lavfi", "-i", Lavfi, "-f", "lavfi", "-i", "sine=sample_rate=48000", "-t", "0.6",
                "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error:keyint=3", "-c:a", "aac", "-b:a", "32k", "-f", "mpegts"));
            var h264Opus = FlvOfTs(Ffmpeg(work, "h264-opus.ts", "-f", "lavfi", "-i", Lavfi, "-f", "lavfi", "-i", "sine=sample_rate=48000", "-t", "0.6",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "3", "-c:a", "libopus", "-b:a", "24k", "-f", "mpegts"));
            var av1 = Av1Flv(work);
            Write(corpus, "Flv", "h264-aac.flv", h264Aac);
            Write(corpus, "Flv", "h264-mp3.flv", h264Mp3);
            Write(corpus, "Flv", "hevc-aac-enhanced.flv", hevcAac);
            Write(corpus, "Flv", "h264-opus-enhanced.flv", h264Opus);
            Write(corpus, "Flv", "av1-enhanced.flv", av1);

            // Decoder configurations and first frames, out of the FLV tags.
            foreach (var (name, flv) in new[] { ("h264-aac", h264Aac), ("h264-mp3", h264Mp3), ("hevc-aac", hevcAac), ("h264-opus", h264Opus), ("av1", av1) })
            {
                var seen = new HashSet<string>();
                foreach (var sample in Samples(flv))
                {
                    var kind = sample.Header.IsConfig ? "config" : sample.Header.IsKeyframe ? "keyframe" : sample.IsAudio ? "frame" : null;
                    var label = $"{name}-{(sample.IsVideo ? "video" : "audio")}-{kind}";
                    if (kind is not null && sample.Data.Length is > 0 and < 4096 && seen.Add(label))
                    {
                        Write(corpus, "Codecs", label + ".bin", sample.Data.ToArray());
                    }
                }
            }

            var publish = CaptureRtmp(work, null, "-re", "-f", "lavfi", "-i", Lavfi, "-f", "lavfi", "-i", "sine", "-t", "0.5", "-c:v", "libx264", "-preset", "ultrafast",
                "-g", "3", "-c:a", "aac", "-b:a", "32k", "-f", "flv", "{url}");
            var play = CaptureRtmp(work, h264Aac, "-i", "{url}", "-t", "0.5", "-f", "null", "-");
            Write(corpus, "RtmpServer", "ffmpeg-publish.bin", publish.FromClient);
            Write(corpus, "RtmpServer", "ffmpeg-play.bin", play.FromClient);
            Write(corpus, "RtmpClient", "answers-to-publish.bin", publish.FromServer);
            Write(corpus, "RtmpClient", "answers-to-play.bin", play.FromServer);
            var amf = 0;
            foreach (var payload in publish.Amf.Concat(play.Amf).DistinctBy(Convert.ToBase64String))
            {
                Write(corpus, "Amf", $"payload-{amf++:D2}.bin", payload);
            }

            var heads = new List<byte[]>
            {
                CaptureHttpHead(work, "ffmpeg", "-v", "error", "-i", "{url}/live/livestream.flv", "-t", "1", "-f", "null", "-"),
                CaptureHttpHead(work, "ffmpeg", "-v", "error", "-i", "{url}/live/livestream.m3u8?vhost=example.com", "-t", "1", "-f", "null", "-"),
                CaptureHttpHead(work, "curl", "-s", "-m", "5", "-H", "Origin: http://example.com", "{url}/live/sub/livestream.ts?secret=1&domain=example.com"),
                CaptureHttpHead(work, "curl", "-s", "-m", "5", "-X", "POST", "-H", "Content-Type: application/sdp", "-H", "Authorization: Bearer abc",
                    "--data-binary", "v=0", "{url}/rtc/v1/whip/?app=live&stream=livestream"),
                CaptureHttpHead(work, "curl", "-s", "-m", "5", "-u", "admin:secret", "{url}/api/v1/streams/?start=0&count=10"),
            };
            for (var i = 0; i < heads.Count; i++)
            {
                Write(corpus, "HttpRequest", $"captured-{i}.txt", heads[i]);
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static void Write(string corpus, string target, string name, byte[] data)
    {
        var directory = Path.Combine(corpus, target);
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, name), data);
        Console.WriteLine($"{target}/{name}: {data.Length:N0} bytes");
    }

    private static byte[] Ffmpeg(string work, string name, params string[] args)
    {
        var path = Path.Combine(work, name);
        Run("ffmpeg", ["-v", "error", "-y", .. args, path]);
        return File.ReadAllBytes(path);
    }

    private static void Run(string tool, string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(120_000) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed: {stderr}");
        }
    }

    /// <summary>MPEG-TS through our demuxer and sample converter, then wrapped as FLV tags the way ingest does (FlvSampleWriter).</summary>
    private static byte[] FlvOfTs(byte[] ts)
    {
        var samples = new List<MediaSample>();
        var converter = new ElementarySampleConverter(s => samples.Add(s with { Data = s.Data.ToArray() }));
        var demuxer = new TsDemuxer(f => converter.Write(f));
        demuxer.Push(ts);
        demuxer.Flush();
        return FlvFile(samples);
    }

    // libaom's AV1 in the low-overhead OBU format, cut into temporal units at each temporal delimiter; the
    // av1C record comes out of an MP4 of the same encode.
    private static byte[] Av1Flv(string work)
    {
        string[] encode = ["-f", "lavfi", "-i", Lavfi, "-t", "0.5", "-c:v", "libaom-av1", "-cpu-used", "8", "-g", "3", "-b:v", "50k"];
        var obu = Ffmpeg(work, "av1.obu", [.. encode, "-f", "obu"]);
        var mp4 = Ffmpeg(work, "av1.mp4", [.. encode, "-f", "mp4"]);
        var at = mp4.AsSpan().IndexOf("av1C"u8);
        var size = (mp4[at - 4] << 24) | (mp4[at - 3] << 16) | (mp4[at - 2] << 8) | mp4[at - 1];
        var av1C = mp4.AsSpan(at + 4, size - 8).ToArray();
        var samples = new List<MediaSample> { new(new SampleHeader(MediaKind.Video, VideoCodecId.Av1, AudioCodecId.Unknown, SamplePart.Config, true, 0, 0), 0, av1C) };
        var units = new List<List<byte>>();
        ReadOnlySpan<byte> rest = obu;
        while (!rest.IsEmpty)
        {
            var before = rest;
            if (!Av1Obu.TryRead(ref rest, out var type, out _))
            {
                break;
            }
            if (type == Av1Obu.TemporalDelimiter)
            {
                units.Add([]);
            }
            units[^1].AddRange(before[..(before.Length - rest.Length)]);
        }
        for (var i = 0; i < units.Count; i++)
        {
            var unit = units[i].ToArray();
            samples.Add(new(new SampleHeader(MediaKind.Video, VideoCodecId.Av1, AudioCodecId.Unknown, SamplePart.Frame, Av1Obu.IsKeyframe(unit), 0, 0), i * 100, unit));
        }
        return FlvFile(samples);
    }

    private static byte[] FlvFile(List<MediaSample> samples)
    {
        var file = new List<byte>();
        var header = new byte[13];
        FlvWriter.WriteFileHeader(header, samples.Any(s => s.IsAudio), samples.Any(s => s.IsVideo));
        file.AddRange(header);
        foreach (var sample in samples)
        {
            var headerSize = FlvSampleWriter.HeaderSize(sample.Header);
            if (headerSize == 0)
            {
                continue;
            }
            var tag = new byte[11 + headerSize + sample.Data.Length + 4];
            FlvWriter.WriteTagHeader(tag, sample.IsVideo ? FlvSampleHeaders.VideoTag : FlvSampleHeaders.AudioTag, headerSize + sample.Data.Length, (uint)sample.Dts);
            FlvSampleWriter.WriteHeader(tag.AsSpan(11), sample.Header);
            sample.Data.Span.CopyTo(tag.AsSpan(11 + headerSize));
            FlvWriter.WritePreviousTagSize(tag.AsSpan(tag.Length - 4), tag.Length - 4);
            file.AddRange(tag);
        }
        return [.. file];
    }

    private static IEnumerable<MediaSample> Samples(byte[] flv)
    {
        var samples = new List<MediaSample>();
        ReadOnlySpan<byte> data = flv;
        FlvReader.TryReadFileHeader(ref data, out _, out _);
        while (FlvReader.TryReadTag(ref data, out var tag))
        {
            if (tag.Type is FlvSampleHeaders.AudioTag or FlvSampleHeaders.VideoTag)
            {
                samples.Add(FlvSampleHeaders.ToSample(tag.Type, tag.Timestamp, tag.Data));
            }
        }
        return samples;
    }

    private sealed record RtmpCapture(byte[] FromClient, byte[] FromServer, List<byte[]> Amf);

    /// <summary>
    /// Runs ffmpeg against a minimal RTMP server on loopback and records both directions: our handshake,
    /// connect/createStream/publish or play answers, and for a player the tags of <paramref name="play"/>.
    /// </summary>
    private static RtmpCapture CaptureRtmp(string work, byte[]? play, params string[] args)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = $"rtmp://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/live/livestream";
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, WorkingDirectory = work };
        foreach (var arg in (string[])["-v", "error", .. args])
        {
            info.ArgumentList.Add(arg.Replace("{url}", url, StringComparison.Ordinal));
        }
        using var ffmpeg = Process.Start(info)!;
        var stderr = ffmpeg.StandardError.ReadToEndAsync();
        using var socket = listener.AcceptSocket();
        socket.ReceiveTimeout = 10_000;
        var fromClient = new MemoryStream();
        var fromServer = new MemoryStream();
        var amf = new List<byte[]>();
        var pending = new List<byte>();
        var buffer = new byte[65536];

        bool Receive()
        {
            int read;
            try
            {
                read = socket.Receive(buffer);
            }
            catch (SocketException)
            {
                return false;
            }
            fromClient.Write(buffer, 0, read);
            pending.AddRange(buffer.AsSpan(0, read));
            return read > 0;
        }

        byte[] Take(int count)
        {
            while (pending.Count < count)
            {
                if (!Receive())
                {
                    throw new InvalidOperationException("ffmpeg closed during the handshake: " + stderr.Result);
                }
            }
            var taken = pending.GetRange(0, count).ToArray();
            pending.RemoveRange(0, count);
            return taken;
        }

        var writer = new RtmpChunkWriter();
        var output = new ArrayBufferWriter<byte>();
        void Send(Action<RtmpChunkWriter, ArrayBufferWriter<byte>> build)
        {
            output.ResetWrittenCount();
            build(writer, output);
            socket.Send(output.WrittenSpan);
            fromServer.Write(output.WrittenSpan);
            ReadAmf(amf, output.WrittenSpan.ToArray());
        }

        void Command(string name, double transaction, uint streamId, object? commandObject, params object?[] values) => Send((w, o) =>
        {
            var body = new ArrayBufferWriter<byte>();
            RtmpCommand.Write(body, name, transaction, commandObject, values);
            w.WriteMessage(o, 3, 0, RtmpMessageType.CommandAmf0, streamId, body.WrittenSpan);
        });

        var response = RtmpHandshake.CreateResponse(Take(RtmpHandshake.C0C1Size), out _);
        socket.Send(response);
        fromServer.Write(response);
        Take(RtmpHandshake.C2Size);
        using var reader = new RtmpChunkReader();
        var done = false;
        while (!done)
        {
            var sequence = new ReadOnlySequence<byte>(pending.ToArray());
            var before = sequence.Length;
            while (!done && reader.TryReadMessage(ref sequence, out var message))
            {
                using (new Returned(message))
                {
                    var payload = message.Payload.ToArray();
                    switch (message.TypeId)
                    {
                        case RtmpMessageType.SetChunkSize:
                            reader.SetChunkSize((int)RtmpControl.ReadUInt32BE(payload));
                            break;
                        case RtmpMessageType.CommandAmf0 or RtmpMessageType.DataAmf0:
                            amf.Add(payload);
                            if (message.TypeId == RtmpMessageType.CommandAmf0)
                            {
                                done = Answer(RtmpCommand.Parse(payload, amf3: false), Command, Send, play);
                            }
                            break;
                    }
                }
            }
            pending.RemoveRange(0, (int)(before - sequence.Length));
            if (!done && !Receive())
            {
                break;
            }
        }
        // A publisher sends until its input ends; a player is closed once it has the stream.
        socket.Shutdown(SocketShutdown.Send);
        while (play is null && Receive())
        {
        }
        socket.Close();
        if (!ffmpeg.WaitForExit(30_000))
        {
            ffmpeg.Kill();
        }
        return new RtmpCapture(fromClient.ToArray(), fromServer.ToArray(), amf);
    }

    // Answers as SRS does, enough for ffmpeg to go on; true when the capture is complete.
    private static bool Answer(RtmpCommand command, Action<string, double, uint, object?, object?[]> reply,
        Action<Action<RtmpChunkWriter, ArrayBufferWriter<byte>>> send, byte[]? play)
    {
        var status = (string code) => new AmfObject { { "level", "status" }, { "code", code }, { "description", code } };
        switch (command.Name)
        {
            case "connect":
                send((w, o) =>
                {
                    RtmpControl.WindowAckSize(w, o, 2_500_000);
                    RtmpControl.SetPeerBandwidth(w, o, 2_500_000, 2);
                    RtmpControl.SetChunkSize(w, o, 4096);
                });
                reply("_result", command.TransactionId, 0, new AmfObject { { "fmsVer", "FMS/3,5,3,888" }, { "capabilities", 127.0 } },
                    [new AmfObject { { "level", "status" }, { "code", "NetConnection.Connect.Success" }, { "objectEncoding", 0.0 } }]);
                return false;
            case "createStream":
                reply("_result", command.TransactionId, 0, null, [1.0]);
                return false;
            case "releaseStream" or "FCPublish" or "getStreamLength":
                reply("_result", command.TransactionId, 0, null, [null]);
                return false;
            case "publish":
                reply("onStatus", 0, 1, null, [status("NetStream.Publish.Start")]);
                return false;
            case "play":
                send((w, o) => RtmpControl.StreamBegin(w, o, 1));
                reply("onStatus", 0, 1, null, [status("NetStream.Play.Reset")]);
                reply("onStatus", 0, 1, null, [status("NetStream.Play.Start")]);
                ReadOnlySpan<byte> flv = play;
                FlvReader.TryReadFileHeader(ref flv, out _, out _);
                var tags = new List<FlvTag>();
                while (FlvReader.TryReadTag(ref flv, out var tag))
                {
                    tags.Add(tag);
                }
                send((w, o) =>
                {
                    foreach (var tag in tags)
                    {
                        w.WriteMessage(o, tag.Type == FlvSampleHeaders.AudioTag ? 4 : 6, tag.Timestamp, tag.Type, 1, tag.Data);
                    }
                    RtmpControl.StreamEof(w, o, 1);
                });
                reply("onStatus", 0, 1, null, [status("NetStream.Play.UnpublishNotify")]);
                return true;
            case "deleteStream":
                return true;
            default:
                return false;
        }
    }

    // The command and data payloads our answers carried.
    private static void ReadAmf(List<byte[]> amf, byte[] chunks)
    {
        using var reader = new RtmpChunkReader();
        var sequence = new ReadOnlySequence<byte>(chunks);
        reader.SetChunkSize(4096);
        try
        {
            while (reader.TryReadMessage(ref sequence, out var message))
            {
                using (new Returned(message))
                {
                    if (message.TypeId is RtmpMessageType.CommandAmf0 or RtmpMessageType.DataAmf0)
                    {
                        amf.Add(message.Payload.ToArray());
                    }
                }
            }
        }
        catch (RtmpProtocolException)
        {
            // A SetChunkSize of 128 bytes splits differently; those payloads come from the client side too.
        }
    }

    /// <summary>Captures the request head a client sends (up to the blank line), answering 404.</summary>
    private static byte[] CaptureHttpHead(string work, string tool, params string[] args)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        var info = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = work };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg.Replace("{url}", url, StringComparison.Ordinal));
        }
        using var client = Process.Start(info)!;
        using var socket = listener.AcceptSocket();
        socket.ReceiveTimeout = 10_000;
        var head = new List<byte>();
        var buffer = new byte[4096];
        while (head.Count < 64 * 1024)
        {
            var read = socket.Receive(buffer);
            head.AddRange(buffer.AsSpan(0, read));
            var end = Encoding.Latin1.GetString([.. head]).IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (read == 0 || end >= 0)
            {
                head = end >= 0 ? head.GetRange(0, end + 4) : head;
                break;
            }
        }
        socket.Send("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8);
        socket.Close();
        if (!client.WaitForExit(30_000))
        {
            client.Kill();
        }
        return [.. head];
    }

    private readonly struct Returned(RtmpMessage message) : IDisposable
    {
        public void Dispose() => message.ReturnBuffer();
    }
}
