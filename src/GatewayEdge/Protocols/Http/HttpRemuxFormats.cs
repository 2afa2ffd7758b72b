using System.Buffers;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;
using OrleansLive.Media.Samples;

namespace OrleansLive.GatewayEdge.Protocols.Http;

/// <summary>
/// The live formats of the HTTP stream server, as SRS's http_remux mounts them by extension:
/// .flv (the shared FLV tags), .ts (the stream's shared MPEG-TS packets), .aac (ADTS) and .mp3 (the
/// MP3 frames). One instance per player (the AAC config is per output); no format re-parses a frame.
/// </summary>
internal abstract class HttpRemux
{
    public static readonly string[] Extensions = [".flv", ".ts", ".aac", ".mp3"];

    /// <summary>The protocol recorded for the client, e.g. "http-ts".</summary>
    public abstract string Protocol { get; }

    public abstract string ContentType { get; }

    /// <summary>A new writer for a path's extension; null for other paths.</summary>
    public static HttpRemux? For(string extension) => extension.ToLowerInvariant() switch
    {
        ".flv" => new FlvRemux(),
        ".ts" => new TsRemux(),
        ".aac" => new AacRemux(),
        ".mp3" => new Mp3Remux(),
        _ => null,
    };

    public virtual void WriteHeader(IBufferWriter<byte> output)
    {
    }

    /// <summary>Writes a frame; false when the stream cannot go on in this format (an .mp3 player
    /// of AAC audio, or the other way round).</summary>
    public abstract bool Write(IBufferWriter<byte> output, MediaFrame frame);

    /// <summary>The player sends the frames' shared TS form (the hub muxes once for all such players).</summary>
    public virtual bool ReadsTsForm => false;

    /// <summary>For the audio-only formats, the one audio codec they can carry.</summary>
    public virtual AudioCodecId? AudioOnly => null;

    private sealed class FlvRemux : HttpRemux
    {
        public override string Protocol => "http-flv";

        public override string ContentType => "video/x-flv";

        public override void WriteHeader(IBufferWriter<byte> output)
        {
            var header = output.GetSpan(FlvConstants.FileHeaderSize + FlvConstants.PreviousTagSizeSize);
            FlvWriter.WriteFileHeader(header, hasAudio: true, hasVideo: true);
            output.Advance(FlvConstants.FileHeaderSize + FlvConstants.PreviousTagSizeSize);
        }

        public override bool Write(IBufferWriter<byte> output, MediaFrame frame)
        {
            // Kestrel copies into its own send buffers; the frame itself stays shared.
            output.Write(frame.FlvTag.Span);
            return true;
        }
    }

    private sealed class TsRemux : HttpRemux
    {
        public override string Protocol => "http-ts";

        public override string ContentType => "video/MP2T";

        public override bool ReadsTsForm => true;

        public override bool Write(IBufferWriter<byte> output, MediaFrame frame)
        {
            if (frame.TsForm is { } form)
            {
                output.Write(form.Packets.Span);
            }
            return true;
        }
    }

    /// <summary>Audio only: video is skipped; audio of another codec ends the stream.</summary>
    private abstract class AudioRemux(AudioCodecId codec) : HttpRemux
    {
        public override AudioCodecId? AudioOnly => codec;

        public override bool Write(IBufferWriter<byte> output, MediaFrame frame)
        {
            if (!frame.IsAudio || frame.Length == 0)
            {
                return true;
            }
            if (frame.Header.AudioCodec != codec)
            {
                return false;
            }
            WriteAudio(output, frame.Sample);
            return true;
        }

        protected abstract void WriteAudio(IBufferWriter<byte> output, in MediaSample sample);
    }

    /// <summary>ADTS: each raw AAC frame behind a header built from the AudioSpecificConfig.</summary>
    private sealed class AacRemux() : AudioRemux(AudioCodecId.Aac)
    {
        private AudioSpecificConfig? _config;

        public override string Protocol => "http-aac";

        public override string ContentType => "audio/aac";

        protected override void WriteAudio(IBufferWriter<byte> output, in MediaSample sample)
        {
            var body = sample.Data.Span;
            if (sample.Header.IsConfig)
            {
                _config = AudioSpecificConfig.TryParse(body, out var config) ? config : _config;
            }
            else if (sample.Header.Part == SamplePart.Frame && !body.IsEmpty)
            {
                if (AudioSpecificConfig.HasAdtsHeader(body))
                {
                    output.Write(body);
                }
                else if (_config is { } config)
                {
                    config.WriteAdtsHeader(output.GetSpan(AudioSpecificConfig.AdtsHeaderSize), body.Length);
                    output.Advance(AudioSpecificConfig.AdtsHeaderSize);
                    output.Write(body);
                }
            }
        }
    }

    /// <summary>The MP3 frames as they are.</summary>
    private sealed class Mp3Remux() : AudioRemux(AudioCodecId.Mp3)
    {
        public override string Protocol => "http-mp3";

        public override string ContentType => "audio/mpeg";

        protected override void WriteAudio(IBufferWriter<byte> output, in MediaSample sample)
        {
            if (sample.Header.Part == SamplePart.Frame)
            {
                output.Write(sample.Data.Span);
            }
        }
    }
}

/// <summary>Counts the bytes written through it into another buffer writer.</summary>
internal sealed class CountingBufferWriter(IBufferWriter<byte> inner) : IBufferWriter<byte>
{
    public long Written { get; private set; }

    /// <summary>Returns the count since the last call and starts again from zero.</summary>
    public long Take()
    {
        var written = Written;
        Written = 0;
        return written;
    }

    public void Advance(int count)
    {
        inner.Advance(count);
        Written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
}
