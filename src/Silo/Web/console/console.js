// The console: polls the HTTP API every POLL_MS and renders the tab in the location hash.
import { getJson, request, Unauthorized, showLogin, authorization, signOut } from '../common/api.js';
import { History, drawChart } from './chart.js';
import { views, filterBar, readFilters } from './views.js';

const POLL_MS = 1500;
const history = new History();
const state = { summaries: null, streams: [], clients: [], vhosts: [], reload: null, dvrs: [], processes: [], error: '', polledAt: 0 };
let timer = 0;
let waitingForLogin = false;

const $ = id => document.getElementById(id);

function tab() {
  const name = location.hash.slice(1);
  return views[name] ? name : 'overview';
}

async function poll() {
  clearTimeout(timer);
  try {
    const [summaries, streams, clients, vhosts, dvrs, ingests, execs, transcodes] = await Promise.all([
      getJson('/api/v1/summaries'),
      getJson('/api/v1/streams/?start=0&count=10000'),
      getJson('/api/v1/clients/?start=0&count=10000'),
      getJson('/api/v1/vhosts/'),
      getJson('/api/v1/dvrs'),
      getJson('/api/v1/ingests'),
      getJson('/api/v1/execs'),
      getJson('/api/v1/transcodes'),
    ]);
    Object.assign(state, {
      summaries: summaries.data, streams: streams.streams || [], clients: clients.clients || [],
      vhosts: vhosts.vhosts || [], reload: vhosts.reload || null, dvrs: dvrs.dvrs || [],
      processes: [...(ingests.ingests || []), ...(execs.execs || []), ...(transcodes.transcodes || [])], error: '', polledAt: Date.now(),
    });
    const now = Date.now();
    for (const s of state.streams) history.add(s.id, now, s.kbps?.recv_30s || 0, s.kbps?.send_30s || 0);
    history.keep(new Set(state.streams.map(s => s.id)));
  } catch (e) {
    if (e instanceof Unauthorized) {
      askForLogin();
      return;
    }
    state.error = e.message || String(e);
  }
  render();
  timer = setTimeout(poll, POLL_MS);
}

function askForLogin() {
  if (waitingForLogin) return;
  waitingForLogin = true;
  status('sign-in needed', true);
  showLogin($('login'), () => {
    waitingForLogin = false;
    poll();
  });
}

function status(text, down) {
  $('status').innerHTML = `<span class="dot${down ? ' down' : ''}"></span>${text}`;
  $('signout').hidden = !authorization();
}

let renderedTab = '';

function render() {
  const name = tab();
  document.querySelectorAll('#tabs a[data-tab]').forEach(a => a.classList.toggle('active', a.dataset.tab === name));
  if (renderedTab !== name) {
    $('filters').innerHTML = filterBar(name);
    renderedTab = name;
  }
  const filters = readFilters($('filters'), state);
  $('view').innerHTML = views[name](state, filters, history);
  const now = Date.now();
  $('view').querySelectorAll('canvas[data-chart]').forEach(c => drawChart(c, history.get(c.dataset.chart), now));
  if (state.error) status(`API error: ${state.error}`, true);
  else status(`live · ${new Date(state.polledAt).toLocaleTimeString()}`, false);
}

let toastTimer = 0;
function toast(text) {
  const t = $('toast');
  t.textContent = text;
  t.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => t.classList.remove('show'), 2500);
}

async function kick(id) {
  try {
    const response = await request(`/api/v1/clients/${encodeURIComponent(id)}`, { method: 'DELETE' });
    const body = await response.json();
    toast(body.code === 0 ? `Kicked ${id}` : `Kick of ${id} failed (code ${body.code})`);
  } catch (e) {
    if (e instanceof Unauthorized) askForLogin(); else toast(`Kick failed: ${e.message}`);
  }
  poll();
}

$('view').addEventListener('click', e => {
  const button = e.target.closest('button.kick');
  if (button) kick(button.dataset.id);
});
$('filters').addEventListener('input', () => render());
$('signout').addEventListener('click', () => { signOut(); location.reload(); });
window.addEventListener('hashchange', () => render());
window.addEventListener('resize', () => render());

poll();
