// The console's tabs: each view turns the polled API state into HTML.
import { esc, bytes, kbps, duration, streamUrls } from '../common/api.js';

const DEFAULT_VHOST = '__defaultVhost__';

function vhostName(state, id) {
  return state.vhosts.find(v => v.id === id)?.name || id || DEFAULT_VHOST;
}

function vhostLabel(name) {
  return name === DEFAULT_VHOST ? 'default vhost' : name;
}

/** "rtmp-play" → "rtmp": the protocol a client type names. */
function protocol(type) {
  return String(type || 'unknown').replace(/-(play|publish)$/, '').replace(/^fmle$/, 'rtmp');
}

function countBy(items, key) {
  const counts = new Map();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) || 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

function pills(entries, empty = '—') {
  return entries.length ? entries.map(([k, n]) => `<span class="pill">${esc(k)} ${n}</span>`).join('') : `<span class="muted">${empty}</span>`;
}

function onOff(on, label = '') {
  return `<span class="pill ${on ? 'on' : 'off'}">${esc(label)}${label ? ' ' : ''}${on ? 'on' : 'off'}</span>`;
}

function codecs(s) {
  const parts = [];
  if (s.video) parts.push(`${s.video.codec}${s.video.profile ? ' ' + s.video.profile : ''}${s.video.width ? ` ${s.video.width}×${s.video.height}` : ''}`);
  if (s.audio) parts.push(`${s.audio.codec}${s.audio.sample_rate ? ` ${s.audio.sample_rate} Hz` : ''}${s.audio.channel ? ` ${s.audio.channel}ch` : ''}`);
  return parts.length ? parts.map(esc).join(' · ') : '<span class="muted">not known yet</span>';
}

function playersLink(vhost, s) {
  const q = new URLSearchParams({ app: s.app, stream: s.name });
  if (vhost !== DEFAULT_VHOST) q.set('vhost', vhost);
  return `/players/?${q}`;
}

/** The stream's latest snapshot from the gateway that took it, linked to the full picture. */
function snapshot(state, vhost, s) {
  const snap = s.snapshot;
  const gateway = snap && (state.summaries?.gateways || []).find(g => g.id === snap.gateway);
  const url = gateway && streamUrls(gateway, vhost, s.app, s.name).jpg;
  if (!url) return '';
  // The time in the query makes a new picture a new URL, so the browser shows each one once.
  const src = `${url}${url.includes('?') ? '&' : '?'}t=${snap.time_ms}`;
  return `<dt>Snapshot</dt><dd><a href="${esc(url)}" target="_blank"><img class="snapshot" src="${esc(src)}" alt="snapshot of ${esc(s.app)}/${esc(s.name)}"></a>
    <div class="muted">${esc(snap.width)}×${esc(snap.height)} · ${esc(new Date(snap.time_ms).toLocaleTimeString())}</div></dd>`;
}

function tile(label, value) {
  return `<div class="tile"><div class="label">${esc(label)}</div><div class="value">${value}</div></div>`;
}

function overview(state) {
  const d = state.summaries;
  if (!d) return '<section class="panel"><div class="empty">Waiting for the API…</div></section>';
  const sys = d.system || {};
  const silos = d.silos || [];
  const gateways = d.gateways || [];
  const siloRows = silos.map(s => `<tr><td class="mono">${esc(s.address)}</td><td>${esc(s.name)}</td><td>${esc(s.host)}</td>
      <td><span class="pill ${s.status === 'Active' ? 'on' : 'bad'}">${esc(s.status)}</span></td>
      <td class="num">${s.activations}</td><td>${esc(new Date(s.started_ms).toLocaleString())}</td></tr>`).join('');
  const gatewayRows = gateways.map(g => {
    const endpoints = [
      g.rtmp_port && `rtmp ${g.rtmp_port}`, g.rtmps_port && `rtmps ${g.rtmps_port}`,
      g.http_port && `http ${g.http_port}`, g.https_port && `https ${g.https_port}`,
      g.srt_port && `srt ${g.srt_port}/udp`, g.rtc_port && `webrtc ${g.rtc_port}/udp`, g.rtc_tcp_port && `ice-tcp ${g.rtc_tcp_port}`,
    ].filter(Boolean);
    const load = g.max_connections > 0 ? `${g.connections} / ${g.max_connections}` : `${g.connections}`;
    return `<tr data-gateway="${esc(g.id)}"><td class="mono">${esc(g.id)}</td><td>${esc(g.host ?? '—')}</td>
      <td>${endpoints.length ? endpoints.map(e => `<span class="pill">${esc(e)}</span>`).join('') : '<span class="pill bad">no heartbeat</span>'}</td>
      <td class="num">${load}</td><td class="num">${g.refused_max_connections + g.refused_ip_rate}</td>
      <td>${g.started_ms ? duration((d.now_ms - g.started_ms) / 1000) : '—'}</td></tr>`;
  }).join('');
  return `
    <section class="panel"><h2>Cluster</h2><div class="tiles">
      ${tile('Silos', silos.length)}${tile('Gateways', gateways.length)}
      ${tile('Streams', state.streams.length)}${tile('Clients', sys.conn_srs ?? state.clients.length)}
      ${tile('Received', bytes(sys.srs_recv_bytes))}${tile('Sent', bytes(sys.srs_send_bytes))}
      ${tile('This silo CPU', `${(d.self?.cpu_percent ?? 0).toFixed(1)}%`)}${tile('This silo memory', bytes((d.self?.mem_kbyte ?? 0) * 1024))}
      ${tile('System load', `${(sys.load_1m ?? 0).toFixed(2)}`)}${tile('Uptime', duration(d.self?.srs_uptime))}
      ${tile('Refused connections', sys.conn_srs_refused ?? 0)}${tile('Version', esc(d.self?.version))}
    </div></section>
    <section class="panel"><h2>Silos <span class="count">${silos.length}</span></h2>
      ${silos.length ? `<table><thead><tr><th>Address</th><th>Name</th><th>Host</th><th>Status</th><th class="num">Activations</th><th>Started</th></tr></thead><tbody>${siloRows}</tbody></table>` : '<div class="empty">No silo answered.</div>'}
    </section>
    <section class="panel"><h2>Gateways <span class="count">${gateways.length}</span></h2>
      ${gateways.length ? `<table><thead><tr><th>Id</th><th>Host</th><th>Endpoints</th><th class="num">Connections</th><th class="num">Refused</th><th>Up</th></tr></thead><tbody>${gatewayRows}</tbody></table>` : '<div class="empty">No gateway has reported yet.</div>'}
    </section>`;
}

function streamsView(state, filters, history) {
  if (state.streams.length === 0) return '<section class="panel"><h2>Streams</h2><div class="empty">No live stream. Publish one, e.g. <code>ffmpeg -re -i in.mp4 -c copy -f flv rtmp://HOST/live/NAME</code>.</div></section>';
  const cards = state.streams.map(s => {
    const vhost = vhostName(state, s.vhost);
    const settings = state.vhosts.find(v => v.name === vhost)?.settings;
    const clients = state.clients.filter(c => c.stream === s.id);
    const publisher = clients.find(c => c.id === s.publish?.cid) || clients.find(c => c.publish);
    const players = clients.filter(c => !c.publish);
    const dvr = state.dvrs.find(d => d.vhost === vhost && d.app === s.app && d.stream === s.name);
    const bridges = (s.bridges || []).map(b => `<div><span class="pill on">${esc(b.side)}</span> ${esc(b.from)} → ${esc(b.to)} ${esc(b.sample_rate)} Hz ${esc(b.channels)} ch ${esc(b.kbps)} kbit/s on <code>${esc(b.gateway)}</code>${b.dropped ? ` <span class="error">${esc(b.dropped)} undecodable</span>` : ''}</div>`).join('');
    const forwards = (s.forwards || []).map(f => `<div><span class="pill ${f.state === 'active' ? 'on' : f.error ? 'bad' : ''}">${esc(f.state)}</span> <code>${esc(f.url)}</code>${f.error ? ` <span class="error">${esc(f.error)}</span>` : ''}</div>`).join('');
    return `<article class="stream-card" data-stream="${esc(s.app)}/${esc(s.name)}" data-id="${esc(s.id)}">
      <h3>${esc(s.app)}/${esc(s.name)} <span class="vhost">${esc(vhostLabel(vhost))}</span><a href="${esc(playersLink(vhost, s))}" target="_blank">Players ▸</a></h3>
      <dl>
        <dt>Publisher</dt><dd>${publisher ? `<span class="pill">${esc(protocol(publisher.type))}</span> <code>${esc(publisher.id)}</code> ${esc(publisher.ip)}` : s.publish?.active ? `<code>${esc(s.publish.cid)}</code>` : '<span class="muted">none</span>'}</dd>
        <dt>Codecs</dt><dd class="codecs">${codecs(s)}</dd>
        <dt>Bitrate</dt><dd><span class="kbps-in" data-kbps="${s.kbps?.recv_30s || 0}">in ${kbps(s.kbps?.recv_30s)}</span> · <span class="kbps-out">out ${kbps(s.kbps?.send_30s)}</span> <span class="muted">(30 s average)</span></dd>
        <dt>Bytes</dt><dd>in ${bytes(s.recv_bytes)} · out ${bytes(s.send_bytes)} · ${s.frames} video frames</dd>
        <dt>Players</dt><dd>${players.length} ${pills(countBy(players, c => protocol(c.type)), '')}</dd>
        <dt>By gateway</dt><dd>${pills(countBy(players, c => c.gateway || '?'))}</dd>
        <dt>Where</dt><dd>silo <code>${esc(s.silo || '?')}</code> · gateway <code>${esc(s.gateway || '?')}</code></dd>
        <dt>Outputs</dt><dd>${onOff(settings?.hls?.enabled, 'HLS')}${onOff(dvr?.recording, 'DVR')}${onOff((s.forwards || []).length > 0, 'forward')}</dd>
        ${forwards ? `<dt>Forwards</dt><dd>${forwards}</dd>` : ''}
        ${bridges ? `<dt>Audio bridges</dt><dd>${bridges}</dd>` : ''}
        ${(s.processes || []).length ? `<dt>Processes</dt><dd>${s.processes.map(processLine).join('')}</dd>` : ''}
        ${snapshot(state, vhost, s)}
      </dl>
      <canvas class="chart" data-chart="${esc(s.id)}" data-points="${history.get(s.id).length}"></canvas>
      <div class="legend"><span class="in">in</span><span class="out">out</span><span>last 5 minutes</span></div>
    </article>`;
  }).join('');
  return `<div class="streams">${cards}</div>`;
}

export function filterBar(tab) {
  if (tab !== 'clients') return '';
  return `<section class="panel filters">
    <label>Stream <select name="stream"><option value="">all</option></select></label>
    <label>Type <select name="type"><option value="">all</option></select></label>
    <label>Gateway <select name="gateway"><option value="">all</option></select></label>
    <label>IP or id <input name="text" placeholder="search"></label>
  </section>`;
}

/** Refreshes the filter choices from the polled state (only when they changed, so an open list stays open) and reads them. */
export function readFilters(element, state) {
  const filters = {};
  element.querySelectorAll('select, input').forEach(control => {
    if (control.tagName === 'SELECT') {
      const choices = choicesFor(control.name, state);
      const signature = JSON.stringify(choices);
      if (control.dataset.choices !== signature) {
        const value = control.value;
        control.innerHTML = '<option value="">all</option>' + choices.map(([v, label]) => `<option value="${esc(v)}">${esc(label)}</option>`).join('');
        control.value = choices.some(([v]) => v === value) ? value : '';
        control.dataset.choices = signature;
      }
    }
    filters[control.name] = control.value;
  });
  return filters;
}

function choicesFor(name, state) {
  const distinct = values => [...new Set(values.filter(Boolean))].sort();
  if (name === 'stream') return state.streams.map(s => [s.id, `${s.app}/${s.name}`]);
  if (name === 'type') return distinct(state.clients.map(c => c.type)).map(t => [t, t]);
  if (name === 'gateway') return distinct(state.clients.map(c => c.gateway)).map(g => [g, g]);
  return [];
}

function clientsView(state, filters) {
  const text = (filters.text || '').toLowerCase();
  const clients = state.clients.filter(c => (!filters.stream || c.stream === filters.stream)
    && (!filters.type || c.type === filters.type) && (!filters.gateway || c.gateway === filters.gateway)
    && (!text || String(c.ip).toLowerCase().includes(text) || String(c.id).toLowerCase().includes(text)));
  const rows = clients.map(c => {
    const rtp = c.rtp ? `<div class="muted mono">rtp in ${c.rtp.packets_received} out ${c.rtp.packets_sent} lost ${c.rtp.packets_lost} nack ${c.rtp.nacks} rtx ${c.rtp.retransmits} pli ${c.rtp.keyframe_requests}</div>` : '';
    return `<tr data-client="${esc(c.id)}"><td class="mono">${esc(c.id)}</td><td><span class="pill${c.publish ? ' on' : ''}">${esc(c.type)}</span></td>
      <td><code>${esc(c.url)}</code>${rtp}</td><td class="mono">${esc(c.gateway || '')}</td><td>${esc(c.ip)}</td>
      <td class="num">${duration(c.alive)}</td><td class="num">${bytes(c.recv_bytes)}</td><td class="num">${bytes(c.send_bytes)}</td>
      <td class="num">${kbps(c.kbps?.recv_30s)} / ${kbps(c.kbps?.send_30s)}</td>
      <td><button class="kick" data-id="${esc(c.id)}">Kick</button></td></tr>`;
  }).join('');
  return `<section class="panel"><h2>Clients <span class="count">${clients.length} of ${state.clients.length}</span></h2>
    ${clients.length ? `<table><thead><tr><th>Id</th><th>Type</th><th>Stream</th><th>Gateway</th><th>IP</th><th class="num">Alive</th>
      <th class="num">In</th><th class="num">Out</th><th class="num">kbps in / out</th><th></th></tr></thead><tbody>${rows}</tbody></table>`
      : '<div class="empty">No client matches.</div>'}</section>`;
}

const PROCESS_STATE = { running: 'on', backoff: 'bad', stopped: 'off' };

/** One supervised process in a line: its kind and id, state, pid and restarts. */
function processLine(p) {
  return `<div data-process="${esc(p.kind)}:${esc(p.id)}"><span class="pill">${esc(p.kind)}</span> <code>${esc(p.id)}</code>
    <span class="pill ${PROCESS_STATE[p.state] || ''}">${esc(p.state)}</span>${p.pid ? ` pid ${esc(p.pid)}` : ''}${p.restarts ? ` · ${esc(p.restarts)} restarts` : ''}</div>`;
}

function processesView(state) {
  const processes = state.processes;
  if (processes.length === 0) return '<section class="panel"><h2>Processes</h2><div class="empty">No supervised process runs: configure an ingest (<code>Vhosts:NAME:Ingest:*</code>), exec (<code>Vhosts:NAME:Exec:*</code>) or transcode (<code>Vhosts:NAME:Transcode:*</code>).</div></section>';
  const rows = processes.map(p => `<tr data-process="${esc(p.kind)}:${esc(p.id)}" data-state="${esc(p.state)}">
      <td><span class="pill">${esc(p.kind)}</span></td><td><code>${esc(p.id)}</code></td>
      <td><code>${esc(p.app)}/${esc(p.stream)}</code> <span class="vhost">${esc(vhostLabel(p.vhost))}</span></td>
      <td class="mono">${esc(p.gateway)}</td><td><span class="pill ${PROCESS_STATE[p.state] || ''}">${esc(p.state)}</span></td>
      <td class="num">${p.pid || ''}</td><td class="num">${p.restarts}</td><td class="num">${p.last_exit_code ?? ''}</td>
      <td>${p.started_ms ? esc(new Date(p.started_ms).toLocaleTimeString()) : ''}</td></tr>
    <tr class="detail"><td></td><td colspan="8"><code class="mono">${esc((p.command || []).join(' '))}</code>
      ${(p.stderr || []).length ? `<pre class="stderr">${esc(p.stderr.slice(-5).join('\n'))}</pre>` : ''}</td></tr>`).join('');
  return `<section class="panel"><h2>Processes <span class="count">${processes.length}</span></h2>
    <table><thead><tr><th>Kind</th><th>Id</th><th>Stream</th><th>Gateway</th><th>State</th><th class="num">Pid</th>
      <th class="num">Restarts</th><th class="num">Last exit</th><th>Started</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function hookList(hooks) {
  if (!hooks) return '<span class="muted">none</span>';
  const events = ['on_connect', 'on_close', 'on_publish', 'on_unpublish', 'on_play', 'on_stop', 'on_dvr', 'on_hls'];
  const rows = events.filter(e => (hooks[e] || []).length).map(e => `<div><span class="pill">${e}</span> ${hooks[e].map(u => `<code>${esc(u)}</code>`).join(', ')}</div>`);
  return `${onOff(hooks.enabled)} timeout ${hooks.timeout_ms} ms${rows.length ? rows.join('') : ' <span class="muted">no URLs</span>'}`;
}

function vhostsView(state) {
  const reload = state.reload;
  const reloadPanel = reload ? `<section class="panel"><h2>Configuration</h2>
    Last reload #${reload.rid} (${esc(reload.trigger)}) at ${esc(new Date(reload.at_ms).toLocaleString())}:
    <span class="pill ${reload.ok ? 'on' : 'bad'}">${reload.ok ? 'ok' : 'failed'}</span> ${esc(reload.message)}</section>` : '';
  const panels = state.vhosts.map(v => {
    const s = v.settings || {};
    const hls = s.hls || {};
    const dvr = s.dvr || {};
    const forward = s.forward;
    const rules = s.security?.rules || [];
    return `<section class="panel" data-vhost="${esc(v.name)}"><h2>${esc(vhostLabel(v.name))} <span class="count mono">${esc(v.id)}</span> ${onOff(v.enabled)}</h2>
      <table><tbody>
        <tr><td>Live</td><td>${v.streams} streams · ${v.clients} clients · in ${kbps(v.kbps?.recv_30s)} · out ${kbps(v.kbps?.send_30s)}</td></tr>
        <tr><td>Play</td><td>GOP cache ${onOff(s.gop_cache)} · queue ${s.queue_length_seconds ?? '?'} s · chunk size ${s.chunk_size ?? '?'}</td></tr>
        <tr><td>HLS</td><td>${onOff(hls.enabled)} ${hls.enabled ? `fragment ${hls.fragment} s · window ${hls.window} s · ${hls.fmp4 ? 'fMP4' : 'MPEG-TS'} · <code>${esc(hls.path)}/${esc(hls.m3u8_file)}</code>` : ''}</td></tr>
        <tr><td>DVR</td><td>${onOff(dvr.enabled)} ${dvr.enabled ? `${esc(dvr.plan)} · apply ${esc(dvr.apply)} · <code>${esc(dvr.path)}</code>` : ''}</td></tr>
        <tr><td>Forward</td><td>${forward ? `${onOff(forward.enabled)} ${(forward.destinations || []).map(d => `<code>${esc(d)}</code>`).join(', ')}${forward.backend ? ` backend <code>${esc(forward.backend)}</code>` : ''}` : '<span class="muted">none</span>'}</td></tr>
        <tr><td>Hooks</td><td>${hookList(s.http_hooks)}</td></tr>
        <tr><td>Security</td><td>${s.security ? `${onOff(s.security.enabled)} ${rules.map(r => `<div><code>${esc(r)}</code></div>`).join('') || '<span class="muted">no rules</span>'}` : '<span class="muted">none</span>'}</td></tr>
      </tbody></table>
    </section>`;
  }).join('');
  return reloadPanel + (panels || '<section class="panel"><div class="empty">No vhost.</div></section>');
}

function dvrsView(state) {
  if (state.dvrs.length === 0) return '<section class="panel"><h2>DVR</h2><div class="empty">No stream has been recorded.</div></section>';
  return state.dvrs.map(d => {
    const files = (d.files || []).map(f => `<tr><td><code>${esc(f.file)}</code></td><td>${esc(f.format)}</td><td>${esc(f.plan)}</td>
      <td>${esc(new Date(f.start_ms).toLocaleString())}</td><td class="num">${duration(f.duration)}</td><td class="num">${bytes(f.size)}</td>
      <td>${f.closed ? '<span class="pill off">closed</span>' : '<span class="pill on">writing</span>'}</td></tr>`).join('');
    return `<section class="panel" data-dvr="${esc(d.app)}/${esc(d.stream)}"><h2>${esc(d.url)} ${onOff(d.live, 'live')} ${onOff(d.recording, 'recording')}
      ${d.plan ? `<span class="count">${esc(d.plan)} · ${esc(d.source || '')}</span>` : ''}</h2>
      ${files ? `<table><thead><tr><th>File</th><th>Format</th><th>Plan</th><th>Started</th><th class="num">Duration</th><th class="num">Size</th><th></th></tr></thead><tbody>${files}</tbody></table>` : '<div class="empty">No file yet.</div>'}
    </section>`;
  }).join('');
}

export const views = { overview, streams: streamsView, clients: clientsView, vhosts: vhostsView, dvrs: dvrsView, processes: processesView };
