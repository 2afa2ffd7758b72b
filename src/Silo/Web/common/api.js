// The HTTP API as the pages use it: every request carries the credentials kept in sessionStorage,
// and a 401 raises Unauthorized so the page can ask for them.

const AUTH_KEY = 'orleanslive.authorization';

export class Unauthorized extends Error {
  constructor() { super('the API asks for credentials'); }
}

export function authorization() {
  return sessionStorage.getItem(AUTH_KEY) || '';
}

export function setBasic(user, password) {
  // btoa takes Latin-1; encode UTF-8 first so any user name works.
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  sessionStorage.setItem(AUTH_KEY, 'Basic ' + btoa(String.fromCharCode(...bytes)));
}

export function setBearer(token) {
  sessionStorage.setItem(AUTH_KEY, 'Bearer ' + token);
}

export function signOut() {
  sessionStorage.removeItem(AUTH_KEY);
}

export async function request(path, options = {}) {
  const headers = new Headers(options.headers || {});
  // No Basic challenge for this request, so the browser leaves the login to the page.
  headers.set('X-Requested-With', 'XMLHttpRequest');
  const auth = authorization();
  if (auth) headers.set('Authorization', auth);
  const response = await fetch(path, { ...options, headers, cache: 'no-store' });
  if (response.status === 401) throw new Unauthorized();
  return response;
}

/** GET a JSON resource; SRS-style replies with a non-zero code raise an error. */
export async function getJson(path) {
  const response = await request(path);
  const body = await response.json();
  if (typeof body.code === 'number' && body.code !== 0) throw new Error(`${path}: code ${body.code}`);
  return body;
}

/** A login form in the given element; calls done() once credentials are stored. */
export function showLogin(element, done) {
  element.hidden = false;
  element.innerHTML = `
    <form class="login">
      <h2>Sign in to the API</h2>
      <p>The HTTP API needs credentials: a user name and password (basic auth) or a bearer token.
         They are kept for this browser tab only.</p>
      <label>User <input name="user" autocomplete="username"></label>
      <label>Password <input name="password" type="password" autocomplete="current-password"></label>
      <p class="or">or</p>
      <label>Bearer token <input name="token" autocomplete="off"></label>
      <button type="submit">Sign in</button>
    </form>`;
  element.querySelector('form').addEventListener('submit', e => {
    e.preventDefault();
    const form = new FormData(e.target);
    const token = String(form.get('token') || '').trim();
    if (token) setBearer(token); else setBasic(String(form.get('user') || ''), String(form.get('password') || ''));
    element.hidden = true;
    element.innerHTML = '';
    done();
  });
}

/** Escapes text for HTML. */
export function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

export function bytes(n) {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = Number(n) || 0;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function kbps(n) {
  const value = Number(n) || 0;
  return value >= 1000 ? `${(value / 1000).toFixed(2)} Mbps` : `${value} kbps`;
}

export function duration(seconds) {
  let s = Math.max(0, Math.floor(Number(seconds) || 0));
  const d = Math.floor(s / 86400); s %= 86400;
  const h = Math.floor(s / 3600); s %= 3600;
  const m = Math.floor(s / 60); s %= 60;
  return (d ? `${d}d ` : '') + `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/** The streams' URLs on a gateway, as a player outside the browser would use them. */
export function streamUrls(gateway, vhost, app, stream) {
  const host = publicHost(gateway.host);
  const defaultVhost = !vhost || vhost === '__defaultVhost__';
  const query = defaultVhost ? '' : `?vhost=${encodeURIComponent(vhost)}`;
  const path = `${encodeURIComponent(app)}/${encodeURIComponent(stream)}`;
  const srtVhost = defaultVhost ? '' : `h=${vhost},`;
  const whepVhost = defaultVhost ? '' : `&vhost=${encodeURIComponent(vhost)}`;
  // A page on HTTPS may only fetch HTTPS streams: the gateway's HTTPS port when it has one.
  const secure = location.protocol === 'https:' && gateway.https_port;
  const http = secure ? `https://${host}:${gateway.https_port}` : gateway.http_port ? `http://${host}:${gateway.http_port}` : '';
  const urls = {
    rtmp: gateway.rtmp_port ? `rtmp://${host}:${gateway.rtmp_port}/${path}${query}` : '',
    rtmps: gateway.rtmps_port ? `rtmps://${host}:${gateway.rtmps_port}/${path}${query}` : '',
    flv: http ? `${http}/${path}.flv${query}` : '',
    hls: http ? `${http}/${path}.m3u8${query}` : '',
    dash: http ? `${http}/${path}.mpd${query}` : '',
    jpg: http ? `${http}/${path}.jpg${query}` : '',
    srt: gateway.srt_port ? `srt://${host}:${gateway.srt_port}?streamid=#!::${srtVhost}r=${app}/${stream},m=request` : '',
    whep: `${location.origin}/rtc/v1/whep/?app=${encodeURIComponent(app)}&stream=${encodeURIComponent(stream)}${whepVhost}`,
  };
  return urls;
}

/** A gateway that advertises a loopback or unspecified address is reached by the page's own host name. */
function publicHost(host) {
  const local = !host || host === '0.0.0.0' || host === '::' || host === 'localhost' || host.startsWith('127.');
  const name = local ? location.hostname : host;
  return name.includes(':') && !name.startsWith('[') ? `[${name}]` : name;
}
