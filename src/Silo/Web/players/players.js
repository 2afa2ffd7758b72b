// Players for one stream: HTTP-FLV (mpegts.js), HLS (hls.js or the browser's own), MPEG-DASH (dash.js), WebRTC (WHEP),
// and the stream's URLs for other players, on the gateway chosen from /api/v1/summaries.
import { getJson, Unauthorized, showLogin, esc, streamUrls } from '../common/api.js';

const $ = id => document.getElementById(id);
const params = new URLSearchParams(location.search);
const choice = { vhost: params.get('vhost') || '', app: params.get('app') || 'live', stream: params.get('stream') || '', gateway: params.get('gateway') || '' };
let gateways = [];
const players = {};

function urls() {
  const gateway = gateways.find(g => g.id === choice.gateway) || gateways[0] || { host: location.hostname };
  return streamUrls(gateway, choice.vhost, choice.app, choice.stream);
}

function setState(kind, text) {
  $(`state-${kind}`).textContent = text;
}

async function load() {
  try {
    const [summaries, streams] = await Promise.all([getJson('/api/v1/summaries'), getJson('/api/v1/streams/?start=0&count=10000')]);
    gateways = (summaries.data.gateways || []).filter(g => g.http_port || g.rtmp_port);
    $('live-streams').innerHTML = (streams.streams || []).map(s => `<option value="${esc(s.name)}">${esc(s.app)}/${esc(s.name)}</option>`).join('');
    $('status').innerHTML = '<span class="dot"></span>API connected';
  } catch (e) {
    if (e instanceof Unauthorized) {
      $('status').innerHTML = '<span class="dot down"></span>sign-in needed';
      showLogin($('login'), load);
      return;
    }
    $('status').innerHTML = `<span class="dot down"></span>API error: ${esc(e.message)}`;
  }
  render();
}

function render() {
  const form = $('choose');
  form.vhost.value = choice.vhost;
  form.app.value = choice.app;
  form.stream.value = choice.stream;
  $('gateway').innerHTML = gateways.map(g => `<option value="${esc(g.id)}">${esc(g.id)} (${esc(g.host)})</option>`).join('')
    || '<option value="">this host</option>';
  if (choice.gateway) $('gateway').value = choice.gateway;
  choice.gateway = $('gateway').value;
  const u = urls();
  const rows = [['RTMP', u.rtmp], ['RTMPS', u.rtmps], ['SRT', u.srt], ['HTTP-FLV', u.flv], ['HLS', u.hls], ['DASH', u.dash], ['WHEP', u.whep]].filter(([, url]) => url);
  $('urls').innerHTML = choice.stream ? rows.map(([name, url]) => `<tr><td>${name}</td><td><input readonly value="${esc(url)}"></td>
    <td><button class="secondary copy" data-url="${esc(url)}">Copy</button></td></tr>`).join('') : '<tr><td colspan="3" class="muted">Choose a stream.</td></tr>';
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard API off a secure context: copy through a selected field.
    const field = button.closest('tr').querySelector('input');
    field.select();
    document.execCommand('copy');
  }
  button.textContent = 'Copied';
  setTimeout(() => { button.textContent = 'Copy'; }, 1500);
}

function watch(kind, video) {
  const tick = () => {
    if (!players[kind]) return;
    setState(kind, `${players[kind].label} · ${video.currentTime.toFixed(1)} s${video.videoWidth ? ` · ${video.videoWidth}×${video.videoHeight}` : ''}`);
    players[kind].timer = setTimeout(tick, 500);
  };
  tick();
}

function stop(kind) {
  const player = players[kind];
  if (!player) return;
  delete players[kind];
  clearTimeout(player.timer);
  player.close();
  setState(kind, 'stopped');
}

function playFlv() {
  stop('flv');
  const video = $('video-flv');
  if (!window.mpegts || !mpegts.isSupported()) return setState('flv', 'this browser has no Media Source Extensions');
  const player = mpegts.createPlayer({ type: 'flv', isLive: true, url: urls().flv },
    { enableStashBuffer: false, liveBufferLatencyChasing: true, autoCleanupSourceBuffer: true });
  player.on(mpegts.Events.ERROR, (type, detail) => setState('flv', `error: ${type} ${detail}`));
  player.attachMediaElement(video);
  player.load();
  video.play().catch(() => {});
  players.flv = { label: 'playing', close: () => { player.pause(); player.unload(); player.detachMediaElement(); player.destroy(); } };
  watch('flv', video);
}

function playHls() {
  stop('hls');
  const video = $('video-hls');
  const url = urls().hls;
  if (window.Hls && Hls.isSupported()) {
    const hls = new Hls({ liveDurationInfinity: true });
    hls.on(Hls.Events.ERROR, (_, data) => { if (data.fatal) setState('hls', `error: ${data.type} ${data.details}`); });
    hls.on(Hls.Events.MANIFEST_PARSED, () => video.play().catch(() => {}));
    hls.loadSource(url);
    hls.attachMedia(video);
    players.hls = { label: 'playing', close: () => hls.destroy() };
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = url;
    video.play().catch(() => {});
    players.hls = { label: 'playing (native)', close: () => { video.removeAttribute('src'); video.load(); } };
  } else {
    return setState('hls', 'this browser plays no HLS');
  }
  watch('hls', video);
}

function playDash() {
  stop('dash');
  const video = $('video-dash');
  if (!window.dashjs || !window.MediaSource) return setState('dash', 'this browser has no Media Source Extensions');
  const player = dashjs.MediaPlayer().create();
  player.on(dashjs.MediaPlayer.events.ERROR, e => setState('dash', `error: ${e.error && e.error.message ? e.error.message : 'playback failed'}`));
  player.initialize(video, urls().dash, true);
  players.dash = { label: 'playing', close: () => player.destroy() };
  watch('dash', video);
}

async function playRtc() {
  stop('rtc');
  const video = $('video-rtc');
  const pc = new RTCPeerConnection();
  let resource = '';
  players.rtc = {
    label: 'connecting',
    close: () => {
      if (resource) fetch(resource, { method: 'DELETE' }).catch(() => {});
      pc.close();
      video.srcObject = null;
    },
  };
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  const media = new MediaStream();
  video.srcObject = media;
  pc.ontrack = e => media.addTrack(e.track);
  pc.onconnectionstatechange = () => { if (players.rtc) players.rtc.label = pc.connectionState; };
  watch('rtc', video);
  try {
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    const url = urls().whep;
    const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: offer.sdp });
    const answer = await response.text();
    if (response.status !== 201) throw new Error(`WHEP answered ${response.status}: ${answer}`);
    resource = new URL(response.headers.get('Location'), url).href;
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    video.play().catch(() => {});
  } catch (e) {
    stop('rtc');
    setState('rtc', `error: ${e.message}`);
  }
}

$('choose').addEventListener('submit', e => {
  e.preventDefault();
  const form = e.target;
  Object.assign(choice, { vhost: form.vhost.value.trim(), app: form.app.value.trim(), stream: form.stream.value.trim(), gateway: $('gateway').value });
  const q = new URLSearchParams({ app: choice.app, stream: choice.stream });
  if (choice.vhost) q.set('vhost', choice.vhost);
  if (choice.gateway) q.set('gateway', choice.gateway);
  history.replaceState(null, '', `?${q}`);
  ['flv', 'hls', 'dash', 'rtc'].forEach(stop);
  render();
});
$('urls').addEventListener('click', e => {
  const button = e.target.closest('button.copy');
  if (button) copy(button.dataset.url, button);
});
$('play-flv').addEventListener('click', playFlv);
$('play-hls').addEventListener('click', playHls);
$('play-dash').addEventListener('click', playDash);
$('play-rtc').addEventListener('click', playRtc);
['flv', 'hls', 'dash', 'rtc'].forEach(kind => $(`stop-${kind}`).addEventListener('click', () => stop(kind)));
window.addEventListener('pagehide', () => ['flv', 'hls', 'dash', 'rtc'].forEach(stop));

load();
