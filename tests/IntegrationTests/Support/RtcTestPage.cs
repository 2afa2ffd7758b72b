using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrleansLive.IntegrationTests.Support;

/// <summary>
/// The test's own web page on localhost (a secure context, so the browser grants the fake camera):
/// WHIP publish and WHEP play written as a user's page would, with the numbers the tests read.
/// </summary>
public sealed class RtcTestPage : IAsyncDisposable
{
    private const string Html = """
        <!doctype html>
        <html><body>
        <video id="v" autoplay muted playsinline></video>
        <script>
        window.log = [];
        function codecOnly(transceiver, kind, name) {
          if (!name) return;
          const codecs = RTCRtpReceiver.getCapabilities(kind).codecs
            .filter(c => c.mimeType.toLowerCase() === kind + '/' + name.toLowerCase());
          transceiver.setCodecPreferences(codecs);
        }
        async function exchange(pc, url, token) {
          const offer = await pc.createOffer();
          await pc.setLocalDescription(offer);
          const headers = { 'Content-Type': 'application/sdp' };
          if (token) headers['Authorization'] = 'Bearer ' + token;
          const res = await fetch(url, { method: 'POST', headers, body: offer.sdp });
          const body = await res.text();
          if (res.status !== 201) throw new Error('status ' + res.status + ': ' + body);
          window.resource = new URL(res.headers.get('Location'), url).href;
          await pc.setRemoteDescription({ type: 'answer', sdp: body });
          window.answeredAt = performance.now();
          window.answer = body;
        }
        async function publish(url, videoCodec, token) {
          const media = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360 }, audio: true });
          const pc = new RTCPeerConnection();
          window.pc = pc;
          for (const track of media.getTracks()) {
            const t = pc.addTransceiver(track, { direction: 'sendonly' });
            if (track.kind === 'video') codecOnly(t, 'video', videoCodec);
          }
          await exchange(pc, url, token);
          return pc.connectionState;
        }
        // The decoded sound, through Web Audio: loudness (RMS) and the pitch of the strongest FFT bin.
        function listen(track) {
          const context = new AudioContext();
          const analyser = context.createAnalyser();
          analyser.fftSize = 8192;
          context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
          window.analyser = analyser;
        }
        function sound() {
          const analyser = window.analyser;
          if (!analyser) return { rms: 0, hz: 0 };
          const wave = new Float32Array(analyser.fftSize);
          analyser.getFloatTimeDomainData(wave);
          const rms = Math.sqrt(wave.reduce((sum, x) => sum + x * x, 0) / wave.length);
          const bins = new Float32Array(analyser.frequencyBinCount);
          analyser.getFloatFrequencyData(bins);
          let peak = 1;
          for (let i = 1; i < bins.length; i++) if (bins[i] > bins[peak]) peak = i;
          return { rms, hz: peak * analyser.context.sampleRate / analyser.fftSize };
        }
        async function play(url, videoCodec) {
          const pc = new RTCPeerConnection();
          window.pc = pc;
          const v = pc.addTransceiver('video', { direction: 'recvonly' });
          codecOnly(v, 'video', videoCodec);
          pc.addTransceiver('audio', { direction: 'recvonly' });
          const video = document.getElementById('v');
          const media = new MediaStream();
          video.srcObject = media;
          pc.ontrack = e => { media.addTrack(e.track); if (e.track.kind === 'audio') listen(e.track); };
          window.firstFrameMs = -1;
          video.requestVideoFrameCallback(() => { window.firstFrameMs = performance.now() - window.answeredAt; });
          await exchange(pc, url);
          return pc.connectionState;
        }
        async function playJson(api, streamurl) {
          const pc = new RTCPeerConnection();
          window.pc = pc;
          pc.addTransceiver('video', { direction: 'recvonly' });
          pc.addTransceiver('audio', { direction: 'recvonly' });
          const media = new MediaStream();
          document.getElementById('v').srcObject = media;
          pc.ontrack = e => media.addTrack(e.track);
          const offer = await pc.createOffer();
          await pc.setLocalDescription(offer);
          const res = await fetch(api, { method: 'POST', body: JSON.stringify({ api, clientip: null, sdp: offer.sdp, streamurl, tid: 't1' }) });
          const reply = await res.json();
          if (reply.code !== 0) throw new Error('code ' + reply.code + ': ' + reply.message);
          window.sessionid = reply.sessionid;
          await pc.setRemoteDescription({ type: 'answer', sdp: reply.sdp });
          return reply.sessionid;
        }
        async function stats() {
          const video = document.getElementById('v');
          const out = { state: window.pc ? window.pc.connectionState : 'none', width: video.videoWidth, height: video.videoHeight,
            time: video.currentTime, firstFrameMs: window.firstFrameMs, sound: sound(), inbound: {}, outbound: {} };
          if (!window.pc) return out;
          (await window.pc.getStats()).forEach(r => {
            if (r.type === 'inbound-rtp') out.inbound[r.kind] = { packets: r.packetsReceived, lost: r.packetsLost, frames: r.framesDecoded || 0, bytes: r.bytesReceived, nacks: r.nackCount || 0,
              level: r.audioLevel || 0, energy: r.totalAudioEnergy || 0, samples: r.totalSamplesReceived || 0, concealed: r.concealedSamples || 0 };
            if (r.type === 'outbound-rtp') out.outbound[r.kind] = { packets: r.packetsSent, frames: r.framesEncoded || 0, bytes: r.bytesSent, nacks: r.nackCount || 0, plis: r.pliCount || 0 };
          });
          return out;
        }
        async function stop() {
          const status = window.resource ? (await fetch(window.resource, { method: 'DELETE' })).status : 0;
          if (window.pc) window.pc.close();
          return status;
        }
        </script>
        </body></html>
        """;

    private readonly WebApplication _app;

    private RtcTestPage(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The page's address.</summary>
    public string Url { get; }

    public static async Task<RtcTestPage> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/rtc.html", () => Results.Content(Html, "text/html"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RtcTestPage(app, address + "/rtc.html");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
