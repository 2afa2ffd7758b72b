using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansLive.GatewayEdge.SrsConfig;

/// <summary>What an SRS configuration says in this server's configuration keys, and what it says
/// that this server does not do (each entry "path value (file:line)").</summary>
public sealed record SrsMapping(IReadOnlyDictionary<string, string?> Settings, IReadOnlyList<string> NotImplemented);

/// <summary>
/// Maps an SRS directive tree onto this server's configuration keys ("Gateway:RtmpPort",
/// "Api:Auth:Enabled", "Vhosts:&lt;name&gt;:Hls:Fragment", ...). Each directive path SRS documents and
/// this server implements has one rule; a directive whose value this server cannot honour (say
/// <c>http_api.enabled off</c>: the API is always on) and every directive without a rule are listed
/// in <see cref="SrsMapping.NotImplemented"/> instead of being dropped.
/// </summary>
public static partial class SrsConfigMapper
{
    private delegate void Rule(Context context, SrsDirective directive, SrsDirective parent);

    private static readonly Dictionary<string, Rule> Rules = new(StringComparer.Ordinal)
    {
        // Top level (SRS 7 moves listen and chunk_size into rtmp { }; both forms are read).
        ["listen"] = (c, d, _) => c.Port("Gateway:RtmpPort", d),
        ["rtmp.listen"] = (c, d, _) => c.Port("Gateway:RtmpPort", d),
        ["chunk_size"] = (c, d, _) => c.Int("Gateway:OutChunkSize", d),
        ["rtmp.chunk_size"] = (c, d, _) => c.Int("Gateway:OutChunkSize", d),
        ["max_connections"] = (c, d, _) => c.Int("Gateway:MaxConnections", d),
        ["server_id"] = (c, d, _) => c.Text("Api:ServerId", d),
        ["work_dir"] = (c, d, _) => c.Text("Gateway:WorkDir", d),
        // This server runs in the foreground and logs to the console.
        ["daemon"] = (c, d, _) => c.Accept(d, "off"),
        ["srs_log_tank"] = (c, d, _) => c.Accept(d, "console"),

        ["http_api.enabled"] = (c, d, _) => c.Accept(d, "on"),
        ["http_api.listen"] = (c, d, _) => c.Port("Api:Port", d, "Api:ListenAddress"),
        ["http_api.crossdomain"] = (c, d, _) => c.Accept(d, "on"),
        ["http_api.auth.enabled"] = (c, d, _) => c.Bool("Api:Auth:Enabled", d),
        ["http_api.auth.username"] = (c, d, _) => c.Text("Api:Auth:Username", d),
        ["http_api.auth.password"] = (c, d, _) => c.Text("Api:Auth:Password", d),
        ["http_api.raw_api.enabled"] = (c, d, _) => c.Bool("Api:RawApi:Enabled", d),
        ["http_api.raw_api.allow_reload"] = (c, d, _) => c.Bool("Api:RawApi:AllowReload", d),
        // SRS's https blocks are off unless enabled; their ports default to 1990 and 8088.
        ["http_api.https.enabled"] = (c, d, p) => c.SwitchWithDefault("Api:Https:Port", "1990", d, p),
        ["http_api.https.listen"] = (c, d, p) => c.PortUnlessOff("Api:Https:Port", d, p, onlyIfOn: true),
        ["http_api.https.key"] = (c, d, _) => c.Text("Https:KeyFile", d),
        ["http_api.https.cert"] = (c, d, _) => c.Text("Https:CertFile", d),

        ["http_server.enabled"] = (c, d, _) => c.Accept(d, "on"),
        ["http_server.listen"] = (c, d, _) => c.Port("Gateway:HttpPort", d),
        ["http_server.crossdomain"] = (c, d, _) => c.Accept(d, "on"),
        ["http_server.https.enabled"] = (c, d, p) => c.SwitchWithDefault("Gateway:HttpsPort", "8088", d, p),
        ["http_server.https.listen"] = (c, d, p) => c.PortUnlessOff("Gateway:HttpsPort", d, p, onlyIfOn: true),
        ["http_server.https.key"] = (c, d, _) => c.Text("Https:KeyFile", d),
        ["http_server.https.cert"] = (c, d, _) => c.Text("Https:CertFile", d),

        ["srt_server.enabled"] = (c, d, _) => c.Switch("Gateway:SrtPort", d),
        ["srt_server.listen"] = (c, d, p) => c.PortUnlessOff("Gateway:SrtPort", d, p),
        ["srt_server.latency"] = (c, d, _) => c.Int("Gateway:Srt:Latency", d),
        ["srt_server.peerlatency"] = (c, d, _) => c.Int("Gateway:Srt:PeerLatency", d),
        ["srt_server.recvlatency"] = (c, d, _) => c.Int("Gateway:Srt:RecvLatency", d),
        ["srt_server.tlpktdrop"] = (c, d, _) => c.Bool("Gateway:Srt:TlPktDrop", d),
        ["srt_server.tlpkdrop"] = (c, d, _) => c.Bool("Gateway:Srt:TlPktDrop", d),
        ["srt_server.peer_idle_timeout"] = (c, d, _) => c.Int("Gateway:Srt:PeerIdleTimeout", d),
        ["srt_server.passphrase"] = (c, d, _) => c.Text("Gateway:Srt:Passphrase", d),
        ["srt_server.pbkeylen"] = (c, d, _) => c.Int("Gateway:Srt:PbKeyLen", d),
        ["srt_server.maxbw"] = (c, d, _) => c.Long("Gateway:Srt:MaxBw", d),
        ["srt_server.mss"] = (c, d, _) => c.Int("Gateway:Srt:Mss", d),
        ["srt_server.payloadsize"] = (c, d, _) => c.Int("Gateway:Srt:PayloadSize", d),
        ["srt_server.default_app"] = (c, d, _) => c.Text("Gateway:Srt:DefaultApp", d),

        ["rtc_server.enabled"] = (c, d, _) => c.Switch("Gateway:RtcPort", d),
        ["rtc_server.listen"] = (c, d, p) => c.PortUnlessOff("Gateway:RtcPort", d, p),
        ["rtc_server.candidate"] = (c, d, _) => c.Candidates(d),
        ["rtc_server.protocol"] = (c, d, _) => c.OneOf("Gateway:Rtc:Protocol", d, "udp", "tcp", "all"),
        // SRS's ICE-TCP is off unless tcp.enabled is on; its port defaults to 8000.
        ["rtc_server.tcp.enabled"] = (c, d, p) => c.SwitchWithDefault("Gateway:RtcTcpPort", "8000", d, p),
        ["rtc_server.tcp.listen"] = (c, d, p) => c.PortUnlessOff("Gateway:RtcTcpPort", d, p, onlyIfOn: true),

        ["vhost.enabled"] = (c, d, _) => c.Bool(c.Vhost + "Enabled", d),
        ["vhost.chunk_size"] = (c, d, _) => c.Int(c.Vhost + "ChunkSize", d),
        ["vhost.gop_cache"] = (c, d, _) => c.Bool(c.Vhost + "GopCache", d),
        ["vhost.play.gop_cache"] = (c, d, _) => c.Bool(c.Vhost + "GopCache", d),
        ["vhost.play.queue_length"] = (c, d, _) => c.Number(c.Vhost + "QueueLengthSeconds", d),
        ["vhost.play.mw_latency"] = (c, d, _) => c.Int(c.Vhost + "Play:MergedWriteMs", d),
        // Every stream is served at /[app]/[stream].flv|.ts|.aac|.mp3 on the HTTP port.
        ["vhost.http_remux.enabled"] = (c, d, _) => c.Accept(d, "on"),
        ["vhost.http_remux.mount"] = (c, d, _) => c.Mount(d),

        ["vhost.hls.enabled"] = (c, d, _) => c.Bool(c.Vhost + "Hls:Enabled", d),
        ["vhost.hls.hls_fragment"] = (c, d, _) => c.Number(c.Vhost + "Hls:Fragment", d),
        ["vhost.hls.hls_window"] = (c, d, _) => c.Number(c.Vhost + "Hls:Window", d),
        ["vhost.hls.hls_path"] = (c, d, _) => c.Text(c.Vhost + "Hls:Path", d),
        ["vhost.hls.hls_m3u8_file"] = (c, d, _) => c.Text(c.Vhost + "Hls:M3u8File", d),
        ["vhost.hls.hls_ts_file"] = (c, d, _) => c.Text(c.Vhost + "Hls:TsFile", d),
        ["vhost.hls.hls_cleanup"] = (c, d, _) => c.Bool(c.Vhost + "Hls:Cleanup", d),
        ["vhost.hls.hls_dispose"] = (c, d, _) => c.Number(c.Vhost + "Hls:Dispose", d),
        ["vhost.hls.hls_wait_keyframe"] = (c, d, _) => c.Bool(c.Vhost + "Hls:WaitKeyframe", d),
        ["vhost.hls.hls_entry_prefix"] = (c, d, _) => c.Text(c.Vhost + "Hls:EntryPrefix", d),
        ["vhost.hls.hls_use_fmp4"] = (c, d, _) => c.Bool(c.Vhost + "Hls:Fmp4", d),

        ["vhost.dash.enabled"] = (c, d, _) => c.Bool(c.Vhost + "Dash:Enabled", d),
        ["vhost.dash.dash_fragment"] = (c, d, _) => c.Number(c.Vhost + "Dash:Fragment", d),
        ["vhost.dash.dash_update_period"] = (c, d, _) => c.Number(c.Vhost + "Dash:UpdatePeriod", d),
        ["vhost.dash.dash_timeshift"] = (c, d, _) => c.Number(c.Vhost + "Dash:Timeshift", d),
        ["vhost.dash.dash_path"] = (c, d, _) => c.Text(c.Vhost + "Dash:Path", d),
        ["vhost.dash.dash_mpd_file"] = (c, d, _) => c.Text(c.Vhost + "Dash:MpdFile", d),
        ["vhost.dash.dash_cleanup"] = (c, d, _) => c.Bool(c.Vhost + "Dash:Cleanup", d),
        ["vhost.dash.dash_dispose"] = (c, d, _) => c.Number(c.Vhost + "Dash:Dispose", d),

        ["vhost.dvr.enabled"] = (c, d, _) => c.Bool(c.Vhost + "Dvr:Enabled", d),
        ["vhost.dvr.dvr_apply"] = (c, d, _) => c.Set(c.Vhost + "Dvr:Apply", string.Join(' ', d.Args)),
        ["vhost.dvr.dvr_plan"] = (c, d, _) => c.OneOf(c.Vhost + "Dvr:Plan", d, "session", "segment"),
        ["vhost.dvr.dvr_path"] = (c, d, _) => c.Text(c.Vhost + "Dvr:Path", d),
        ["vhost.dvr.dvr_duration"] = (c, d, _) => c.Number(c.Vhost + "Dvr:Duration", d),
        ["vhost.dvr.dvr_wait_keyframe"] = (c, d, _) => c.Bool(c.Vhost + "Dvr:WaitKeyframe", d),

        ["vhost.http_hooks.enabled"] = (c, d, _) => c.Bool(c.Vhost + "HttpHooks:Enabled", d),
        ["vhost.http_hooks.on_connect"] = (c, d, _) => c.List(c.Vhost + "HttpHooks:OnConnect", d.Args),
        ["vhost.http_hooks.on_close"] = (c, d, _) => c.List(c.Vhost + "HttpHooks:OnClose", d.Args),
        ["vhost.http_hooks.on_publish"] = (c, d, _) => c.List(c.Vhost + "HttpHooks:OnPublish", d.Args),
        ["vhost.http_hooks.on_unpublish"] = (c, d, _) => c.List(c.Vhost + "HttpHooks:OnUnpublish", d.Args),
        ["vhost.http_hooks.on_play"] = (c, d, _) => c.List(c.Vhost + "HttpHooks:OnPlay", d.Args),
        ["vhost.http_hooks.on_stop"] = (c, d, _) => c.List(c.Vhost + "HttpHooks:OnStop", d.Args),
        ["vhost.http_hooks.on_dvr"] = (c, d, _) => c.List(c.Vhost + "HttpHooks:OnDvr", d.Args),
        ["vhost.http_hooks.on_hls"] = (c, d, _) => c.List(c.Vhost + "HttpHooks:OnHls", d.Args),

        ["vhost.security.enabled"] = (c, d, _) => c.Bool(c.Vhost + "Security:Enabled", d),
        ["vhost.security.allow"] = (c, d, _) => c.SecurityRule(d),
        ["vhost.security.deny"] = (c, d, _) => c.SecurityRule(d),

        ["vhost.forward.enabled"] = (c, d, _) => c.Bool(c.Vhost + "Forward:Enabled", d),
        ["vhost.forward.destination"] = (c, d, _) => c.List(c.Vhost + "Forward:Destinations", d.Args),
        ["vhost.forward.backend"] = (c, d, _) => c.Text(c.Vhost + "Forward:Backend", d),

        // SRT and WebRTC streams of every vhost are bridged to RTMP, HTTP and HLS (and back).
        ["vhost.srt.enabled"] = (c, d, _) => c.Accept(d, "on"),
        ["vhost.srt.srt_to_rtmp"] = (c, d, _) => c.Accept(d, "on"),
        ["vhost.rtc.enabled"] = (c, d, _) => c.Accept(d, "on"),
        ["vhost.rtc.rtmp_to_rtc"] = (c, d, _) => c.Bool(c.Vhost + "Rtc:RtmpToRtc", d),
        ["vhost.rtc.rtc_to_rtmp"] = (c, d, _) => c.Bool(c.Vhost + "Rtc:RtcToRtmp", d),

        // ingest ID { enabled; input { type; url; } ffmpeg; engine { enabled; output; vcodec; ... } }
        ["vhost.ingest.enabled"] = (c, d, _) => c.Bool(c.Ingest + "Enabled", d),
        ["vhost.ingest.input.type"] = (c, d, _) => c.OneOf(c.Ingest + "Input:Type", d, "file", "stream", "device"),
        ["vhost.ingest.input.url"] = (c, d, _) => c.Text(c.Ingest + "Input:Url", d),
        ["vhost.ingest.ffmpeg"] = (c, d, _) => c.Text(c.Ingest + "Ffmpeg", d),
        ["vhost.ingest.engine.output"] = (c, d, _) => c.Text(c.Ingest + "Output", d),
        // The engine's codec directives become ffmpeg options when the engine block ends (SrsEngine).
        ["vhost.ingest.engine.enabled"] = (c, d, _) => c.Bool(c.Ingest + "Engine:Enabled", d),
        ["vhost.ingest.engine.vcodec"] = Engine,
        ["vhost.ingest.engine.vbitrate"] = Engine,
        ["vhost.ingest.engine.vfps"] = Engine,
        ["vhost.ingest.engine.vwidth"] = Engine,
        ["vhost.ingest.engine.vheight"] = Engine,
        ["vhost.ingest.engine.vthreads"] = Engine,
        ["vhost.ingest.engine.vprofile"] = Engine,
        ["vhost.ingest.engine.vpreset"] = Engine,
        ["vhost.ingest.engine.acodec"] = Engine,
        ["vhost.ingest.engine.abitrate"] = Engine,
        ["vhost.ingest.engine.asample_rate"] = Engine,
        ["vhost.ingest.engine.achannels"] = Engine,
        ["vhost.ingest.engine.iformat"] = Engine,
        ["vhost.ingest.engine.oformat"] = Engine,
        ["vhost.ingest.engine.vfilter.*"] = Engine,
        ["vhost.ingest.engine.vparams.*"] = Engine,
        ["vhost.ingest.engine.aparams.*"] = Engine,

        // transcode [app[/stream]] { enabled; ffmpeg; engine NAME { enabled; vcodec; ...; output; } }, one per vhost.
        ["vhost.transcode.enabled"] = (c, d, _) => c.Bool(c.Vhost + "Transcode:Enabled", d),
        ["vhost.transcode.ffmpeg"] = (c, d, _) => c.Text(c.Vhost + "Transcode:Ffmpeg", d),
        ["vhost.transcode.engine.enabled"] = (c, d, _) => c.Bool(c.Engine + "Enabled", d),
        ["vhost.transcode.engine.vcodec"] = (c, d, _) => c.Text(c.Engine + "VideoCodec", d),
        ["vhost.transcode.engine.vbitrate"] = (c, d, _) => c.Int(c.Engine + "VideoBitrateKbps", d),
        ["vhost.transcode.engine.vfps"] = (c, d, _) => c.Number(c.Engine + "Fps", d),
        ["vhost.transcode.engine.vwidth"] = (c, d, _) => c.Int(c.Engine + "Width", d),
        ["vhost.transcode.engine.vheight"] = (c, d, _) => c.Int(c.Engine + "Height", d),
        ["vhost.transcode.engine.vprofile"] = (c, d, _) => c.Text(c.Engine + "Profile", d),
        ["vhost.transcode.engine.vpreset"] = (c, d, _) => c.Text(c.Engine + "Preset", d),
        ["vhost.transcode.engine.acodec"] = (c, d, _) => c.Text(c.Engine + "AudioCodec", d),
        ["vhost.transcode.engine.abitrate"] = (c, d, _) => c.Int(c.Engine + "AudioBitrateKbps", d),
        ["vhost.transcode.engine.output"] = (c, d, _) => c.Text(c.Engine + "Output", d),
        ["vhost.transcode.engine.iformat"] = (c, d, _) => c.Accept(d, "flv"),
        ["vhost.transcode.engine.oformat"] = (c, d, _) => c.Accept(d, "flv"),
        // More ffmpeg output options, gathered into ExtraArgs when the engine block ends.
        ["vhost.transcode.engine.vthreads"] = Engine,
        ["vhost.transcode.engine.asample_rate"] = Engine,
        ["vhost.transcode.engine.achannels"] = Engine,
        ["vhost.transcode.engine.vparams.*"] = Engine,
        ["vhost.transcode.engine.aparams.*"] = Engine,

        // exec { enabled; publish COMMAND...; }, one publish per command.
        ["vhost.exec.enabled"] = (c, d, _) => c.Bool(c.Vhost + "Exec:Enabled", d),
        ["vhost.exec.publish"] = (c, d, _) => c.List(c.Vhost + "Exec:Publish", [string.Join(' ', d.Args)]),
    };

    private static void Engine(Context context, SrsDirective directive, SrsDirective parent)
    {
        // Read whole when the engine block ends.
    }

    /// <summary>Every directive path with a rule, e.g. "http_api.auth.enabled" or "vhost.hls.hls_fragment"
    /// (where "vhost" stands for every vhost block).</summary>
    public static IEnumerable<string> Paths => Rules.Keys;

    private static readonly HashSet<string> Blocks = Rules.Keys
        .SelectMany(p => Enumerable.Range(1, p.Count(ch => ch == '.')).Select(n => string.Join('.', p.Split('.').Take(n))))
        .ToHashSet(StringComparer.Ordinal);

    public static SrsMapping Map(SrsDirective root)
    {
        var context = new Context();
        Walk(context, root, "");
        return new SrsMapping(context.Settings, context.NotImplemented);
    }

    private static void Walk(Context context, SrsDirective block, string prefix)
    {
        foreach (var child in block.Children)
        {
            var path = prefix + child.Name;
            if (!Rules.ContainsKey(path) && Rules.ContainsKey(prefix + "*"))
            {
                path = prefix + "*";
            }
            if (Rules.TryGetValue(path, out var rule) && child.Children.Count == 0)
            {
                context.Path = path;
                rule(context, child, block);
            }
            else if (Blocks.Contains(path) && (path is not ("vhost" or "vhost.ingest" or "vhost.transcode.engine") || child.Args.Count == 1)
                && (path != "vhost.ingest.engine" || context.EngineCount++ == 0)
                && (path != "vhost.transcode" || (child.Args.Count <= 1 && context.TranscodeBlocks.Add(context.Vhost))))
            {
                if (path == "vhost")
                {
                    context.Vhost = $"Vhosts:{child.Arg0}:";
                    // A vhost block names the vhost, even when empty.
                    context.Settings.TryAdd($"Vhosts:{child.Arg0}:Enabled", "true");
                }
                else if (path == "vhost.ingest")
                {
                    context.Ingest = $"{context.Vhost}Ingest:{child.Arg0}:";
                    context.EngineCount = 0;
                }
                else if (path == "vhost.transcode" && child.Args.Count == 1)
                {
                    context.Set(context.Vhost + "Transcode:App", child.Arg0);
                }
                else if (path == "vhost.transcode.engine")
                {
                    context.Engine = $"{context.Vhost}Transcode:Engines:{child.Arg0}:";
                }
                Walk(context, child, path + ".");
                if (path == "vhost.ingest.engine")
                {
                    context.EndEngine(child);
                }
                else if (path == "vhost.transcode.engine")
                {
                    context.EndTranscodeEngine(child);
                }
            }
            else
            {
                context.Skip(child, path);
            }
        }
    }

    [GeneratedRegex(@"^(\[vhost\]/)?\[app\]/\[stream\]\.(flv|ts|aac|mp3)$")]
    private static partial Regex DefaultMount();

    private sealed class Context
    {
        private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

        public Dictionary<string, string?> Settings { get; } = new(StringComparer.OrdinalIgnoreCase);

        public List<string> NotImplemented { get; } = [];

        /// <summary>"Vhosts:&lt;name&gt;:" inside a vhost block.</summary>
        public string Vhost { get; set; } = "";

        /// <summary>"Vhosts:&lt;name&gt;:Ingest:&lt;id&gt;:" inside an ingest block.</summary>
        public string Ingest { get; set; } = "";

        /// <summary>"Vhosts:&lt;name&gt;:Transcode:Engines:&lt;engine&gt;:" inside a transcode engine block.</summary>
        public string Engine { get; set; } = "";

        /// <summary>Vhosts with a transcode block: this server reads one per vhost, a second is listed as not done.</summary>
        public HashSet<string> TranscodeBlocks { get; } = new(StringComparer.Ordinal);

        /// <summary>A transcode engine's threads, sample rate, channels and vparams/aparams blocks as
        /// ffmpeg output options in ExtraArgs (SRS's SrsFFMPEG passes them the same way).</summary>
        public void EndTranscodeEngine(SrsDirective engine)
        {
            var args = new List<string>();
            foreach (var (directive, option) in (ReadOnlySpan<(string, string)>)[("vthreads", "-threads"), ("asample_rate", "-ar"), ("achannels", "-ac")])
            {
                if (engine.Child(directive)?.Arg0 is { Length: > 0 } value)
                {
                    args.AddRange([option, value]);
                }
            }
            foreach (var block in (ReadOnlySpan<string>)["vparams", "aparams"])
            {
                foreach (var param in engine.Child(block)?.Children ?? [])
                {
                    args.Add("-" + param.Name);
                    args.AddRange(param.Args);
                }
            }
            if (args.Count > 0)
            {
                Set(Engine + "ExtraArgs", SrsEngine.CommandLine(args));
            }
        }

        /// <summary>Engine blocks seen in the ingest block: this server runs one engine per ingest.</summary>
        public int EngineCount { get; set; }

        /// <summary>An enabled engine's codec directives as ffmpeg output options (SRS's SrsFFMPEG);
        /// a disabled one (or none) copies the codecs.</summary>
        public void EndEngine(SrsDirective engine)
        {
            Settings.Remove(Ingest + "Engine:Enabled", out var enabled);
            if (enabled != "true")
            {
                return;
            }
            var args = SrsEngine.Arguments(engine);
            if (args.Length > 0)
            {
                Set(Ingest + "Engine:Arguments", args);
            }
        }

        /// <summary>The path of the directive a rule is looking at.</summary>
        public string Path { get; set; } = "";

        public void Set(string key, string? value) => Settings[key] = value;

        public void Skip(SrsDirective directive, string path)
        {
            // Inside a vhost block; a top-level directive may itself be named "vhost.something".
            if (Vhost.Length > 0 && path.StartsWith("vhost.", StringComparison.Ordinal))
            {
                path = $"vhost {Vhost[7..^1]}: {path[6..]}";
            }
            var text = directive.Children.Count > 0 ? $"{path} {{ }}" : (directive.Args.Count == 0 ? path : $"{path} {string.Join(' ', directive.Args)}");
            NotImplemented.Add($"{text} ({directive.Where})");
        }

        private void Skip(SrsDirective directive) => Skip(directive, Path);

        public void Accept(SrsDirective directive, string value)
        {
            if (directive.Arg0 != value)
            {
                Skip(directive);
            }
        }

        public void Text(string key, SrsDirective directive)
        {
            var value = directive.Arg0;
            // SRS reads "$NAME" from the environment.
            if (value.StartsWith('$') && value.Length > 1)
            {
                value = Environment.GetEnvironmentVariable(value[1..]) ?? "";
            }
            Set(key, value);
        }

        public void Bool(string key, SrsDirective directive)
        {
            switch (directive.Arg0)
            {
                case "on" or "true":
                    Set(key, "true");
                    break;
                case "off" or "false":
                    Set(key, "false");
                    break;
                default:
                    Skip(directive);
                    break;
            }
        }

        public void Int(string key, SrsDirective directive)
        {
            if (int.TryParse(directive.Arg0, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                Set(key, value.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                Skip(directive);
            }
        }

        public void Long(string key, SrsDirective directive)
        {
            if (long.TryParse(directive.Arg0, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                Set(key, value.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                Skip(directive);
            }
        }

        public void Number(string key, SrsDirective directive)
        {
            if (double.TryParse(directive.Arg0, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                Set(key, value.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                Skip(directive);
            }
        }

        public void OneOf(string key, SrsDirective directive, params string[] values)
        {
            if (values.Contains(directive.Arg0))
            {
                Set(key, directive.Arg0);
            }
            else
            {
                Skip(directive);
            }
        }

        /// <summary>"port" or "address:port"; the address only where there is a key for it.
        /// This server has one listener per protocol, so a second address is listed as not done.</summary>
        public void Port(string key, SrsDirective directive, string? addressKey = null)
        {
            var value = directive.Arg0;
            var colon = value.LastIndexOf(':');
            var address = colon > 0 ? value[..colon].Trim('[', ']') : "";
            if (!int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535
                || (address.Length > 0 && addressKey is null && address is not ("0.0.0.0" or "::")))
            {
                Skip(directive);
                return;
            }
            Set(key, port.ToString(CultureInfo.InvariantCulture));
            if (address.Length > 0 && addressKey is not null)
            {
                Set(addressKey, address);
            }
            if (directive.Args.Count > 1)
            {
                NotImplemented.Add($"{Path} {string.Join(' ', directive.Args.Skip(1))}: one port per listener ({directive.Where})");
            }
        }

        /// <summary><c>enabled off</c> turns the listener off (port -1).</summary>
        public void Switch(string key, SrsDirective directive)
        {
            if (directive.Arg0 == "off")
            {
                Set(key, "-1");
            }
            else
            {
                Accept(directive, "on");
            }
        }

        public void PortUnlessOff(string key, SrsDirective directive, SrsDirective parent, bool onlyIfOn = false)
        {
            var enabled = parent.Child("enabled")?.Arg0;
            if (enabled == "off" || (onlyIfOn && enabled != "on"))
            {
                return;
            }
            Port(key, directive);
        }

        /// <summary>An `enabled` of a block whose port is off by default: on without a listen takes SRS's default port.</summary>
        public void SwitchWithDefault(string key, string defaultPort, SrsDirective directive, SrsDirective parent)
        {
            if (directive.Arg0 == "on")
            {
                if (parent.Child("listen") is null)
                {
                    Set(key, defaultPort);
                }
            }
            else
            {
                Switch(key, directive);
            }
        }

        public void Candidates(SrsDirective directive)
        {
            var index = 0;
            foreach (var arg in directive.Args)
            {
                // "$CANDIDATE" is read from the environment, as SRS does (this server reads $CANDIDATE
                // itself when no candidate is set); "*" (every local address) has no equivalent here.
                var value = arg.StartsWith('$') ? Environment.GetEnvironmentVariable(arg[1..]) ?? "" : arg;
                if (arg == "*")
                {
                    Skip(directive);
                    return;
                }
                foreach (var address in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    Set($"Gateway:Rtc:Candidates:{index++}", address);
                }
            }
        }

        public void Mount(SrsDirective directive)
        {
            if (!DefaultMount().IsMatch(directive.Arg0))
            {
                Skip(directive);
            }
        }

        /// <summary>Several directives add to one list: "on_publish a b; on_publish c;" is a, b, c.</summary>
        public void List(string key, IEnumerable<string> values)
        {
            var index = _counts.GetValueOrDefault(key);
            foreach (var value in values)
            {
                Set($"{key}:{index++}", value);
            }
            _counts[key] = index;
        }

        /// <summary>"allow|deny publish|play ip ip2 ..." becomes one rule per address.</summary>
        public void SecurityRule(SrsDirective directive)
        {
            if (directive.Args.Count < 2 || directive.Args[0] is not ("publish" or "play"))
            {
                Skip(directive);
                return;
            }
            List(Vhost + "Security:Rules", directive.Args.Skip(1).Select(a => $"{directive.Name} {directive.Args[0]} {a}"));
        }
    }
}
