using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLive.GatewayEdge.Cluster;
using OrleansLive.GatewayEdge.Forward;
using OrleansLive.GatewayEdge.Limits;
using OrleansLive.GatewayEdge.Processes;
using OrleansLive.GatewayEdge.Protocols.Http;
using OrleansLive.GatewayEdge.Protocols.MpegTsUdp;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Protocols.Rtsp;
using OrleansLive.GatewayEdge.Protocols.Srt;
using OrleansLive.GatewayEdge.Protocols.WebRtc;
using OrleansLive.GatewayEdge.Recording;
using OrleansLive.GatewayEdge.Recording.Dash;
using OrleansLive.GatewayEdge.Recording.Dvr;
using OrleansLive.GatewayEdge.Recording.Hls;
using OrleansLive.GatewayEdge.Recording.Snapshots;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.GatewayEdge.Tls;
using OrleansLive.Media.Audio;
using OrleansLive.Media.FFmpeg;

namespace OrleansLive.GatewayEdge;

public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Adds the gateway: RTMP and HTTP stream listeners, the per-stream hubs and the link to the
    /// grains. Needs an <see cref="IGrainFactory"/> (a co-hosting silo or an Orleans client); register
    /// it after Orleans so the listeners open once the cluster is reachable.
    /// </summary>
    public static IServiceCollection AddGatewayEdge(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<GatewayOptions>(configuration.GetSection(GatewayOptions.Section));
        services.AddSingleton(sp => new GatewayIdentity(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.Id));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<GatewayOptions>>().Value.PlayerLimits());
        services.AddSingleton<GatewayEndpoints>();
        services.AddServerCertificate(configuration);
        // AAC <-> Opus for players of the other family, on FFmpeg's libraries when the machine has them.
        services.TryAddSingleton<IAudioCodecs, FFmpegAudioCodecs>();
        services.AddSingleton(sp =>
        {
            var rtc = sp.GetRequiredService<IOptions<GatewayOptions>>().Value.Rtc;
            return new AudioBridges(sp.GetService<IAudioCodecs>(), new AudioBridgeSettings(rtc.OpusBitrate, rtc.AacBitrate),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<AudioBridges>());
        });
        services.AddSingleton(sp => new StreamHubRegistry(sp.GetRequiredService<AudioBridges>()));
        services.AddSingleton<ConnectionRegistry>();
        services.AddMetrics();
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton(sp => new WorkDirectory(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.WorkDir));
        services.AddSingleton<VhostSettingsCache>();
        services.AddSingleton(sp => new ClusterLinkLimits(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.ClusterBacklog));
        services.AddSingleton<ClusterLink>();
        services.Configure<GatewayLimitsOptions>(configuration.GetSection(GatewayOptions.Section));
        services.AddSingleton<ConnectionLimiter>();
        services.AddSingleton<ConnectionDrops>();
        services.AddSingleton<DescriptorBudget>();
        services.AddSingleton<StreamSessions>();
        services.AddSingleton<GatewayContext>();
        services.AddSingleton<GatewayObserver>();
        services.AddSingleton<EdgePulls>();
        services.AddSingleton<IRemoteStreams>(sp => sp.GetRequiredService<EdgePulls>());
        services.AddSingleton<IPublishExtension, ForwardExtension>();
        services.AddHostedService<VhostConfigSubscription>();
        services.AddHostedService<EdgePullManager>();
        // HLS, DASH and DVR run beside each publish; tests may put their own file system in first.
        services.TryAddSingleton<IMediaFileSystem, PhysicalMediaFileSystem>();
        services.AddSingleton<HlsStreams>();
        services.AddSingleton<LowLatencyHlsStreams>();
        services.AddSingleton<DvrSessions>();
        services.AddSingleton<IPublishExtension, HlsPublishExtension>();
        services.AddSingleton<IPublishExtension, DvrPublishExtension>();
        // Ingests and exec commands: external processes under one supervisor.
        services.AddSingleton<ProcessTable>();
        services.AddSingleton<IPublishExtension, ExecExtension>();
        services.AddSingleton<IPublishExtension, TranscodeExtension>();
        // The HLS master playlist and the DASH MPD over a stream and its transcode renditions.
        services.AddSingleton<IHttpPortRoutes, HlsAbrRoutes>();
        services.AddSingleton<IHttpPortRoutes, DashAbrRoutes>();
        services.AddHostedService<IngestRunner>();
        services.AddSingleton<DashStreams>();
        services.AddSingleton<IPublishExtension, DashPublishExtension>();
        // Snapshots: a short-lived ffmpeg per keyframe taken, a few at once per gateway.
        services.TryAddSingleton<ISnapshotDecoder, FfmpegSnapshotDecoder>();
        services.AddSingleton(sp => new SnapshotDecodes(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.SnapshotDecodes));
        services.AddSingleton<IPublishExtension, SnapshotExtension>();
        services.AddHostedService<RtmpListener>();
        services.AddHostedService<SrtListener>();
        services.AddHostedService<RtspListener>();
        services.AddSingleton<MpegTsUdpCaster>();
        services.AddHostedService(sp => sp.GetRequiredService<MpegTsUdpCaster>());
        services.AddSingleton<RtcServer>();
        services.AddHostedService(sp => sp.GetRequiredService<RtcServer>());
        services.AddSingleton<RtcSignalling>();
        services.AddSingleton<HttpStreamServer>();
        services.AddHostedService(sp => sp.GetRequiredService<HttpStreamServer>());
        services.AddHostedService<GatewayHeartbeat>();
        services.AddHostedService<TrafficReporter>();
        services.AddHostedService<LimitStatsReporter>();
        return services;
    }
}
