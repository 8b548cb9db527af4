// The workshop's event stream in the browser: one EventSource per page and credentials, shared
// by every live part of the page (module state: Streamlit imports the component's module once
// and calls it again with new data when the page is drawn again), reopened after a server
// restart or a silence, with the room's size as the server last told it.

export const STREAM = "/_kopkarta/events";
const HUBS = new Map();
// a hub nobody uses any more (the page changed) stays open this long for the next page
const LINGER_MS = 10000;
// the server pings every 15 s of silence: a stream silent for this long is dead (a phone that
// slept, a network that dropped it without a word) and is opened again
const SILENT_MS = 40000;

class Hub {
  constructor(key, base, auth) {
    this.key = key;
    this.base = base || "";
    this.auth = auth;
    this.views = new Set();
    this.status = "connecting";
    this.since = Date.now();
    this.room = 1;
    this.retry = 1000;
    this.linger = null;
    this.es = null;
    this.connect();
    this.watchdog();
  }

  url(path, extra) {
    const q = new URLSearchParams(Object.assign({}, this.auth, extra || {}));
    return `${this.base}${path}?${q.toString()}`;
  }

  connect() {
    if (this.es) this.es.close();
    const es = new EventSource(this.url(STREAM));
    this.es = es;
    this.setStatus("connecting");
    es.addEventListener("open", () => {
      this.retry = 1000;
      this.setStatus("open");
    });
    this.heard = Date.now();
    es.addEventListener("ping", () => {
      this.heard = Date.now();
    });
    es.addEventListener("change", (event) => {
      this.heard = Date.now();
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch (err) {
        return;
      }
      if (typeof msg.n === "number") this.room = msg.n;
      for (const view of this.views) view.receive(msg);
    });
    es.addEventListener("error", () => {
      if (es.readyState === EventSource.CLOSED) {
        // refused or broken for good: the browser will not try again by itself
        this.setStatus("closed");
        setTimeout(() => {
          if (this.es === es && this.views.size) this.connect();
        }, this.retry);
        this.retry = Math.min(this.retry * 2, 15000);
      } else {
        this.setStatus("connecting");
      }
    });
  }

  watchdog() {
    clearInterval(this.dog);
    this.dog = setInterval(() => {
      if (this.views.size && Date.now() - this.heard > SILENT_MS) this.connect();
    }, SILENT_MS / 4);
  }

  setStatus(status) {
    if (status !== this.status) this.since = Date.now();
    this.status = status;
    for (const view of this.views) view.streamStatus(status);
  }

  add(view) {
    clearTimeout(this.linger);
    this.views.add(view);
    if (!this.es || this.es.readyState === EventSource.CLOSED) this.connect();
    view.streamStatus(this.status);
  }

  remove(view) {
    this.views.delete(view);
    if (this.views.size) return;
    clearTimeout(this.linger);
    this.linger = setTimeout(() => {
      if (!this.views.size) {
        if (this.es) this.es.close();
        clearInterval(this.dog);
        HUBS.delete(this.key);
      }
    }, LINGER_MS);
  }
}

export function hubFor(base, auth) {
  const key = `${base}|${JSON.stringify(auth)}`;
  let hub = HUBS.get(key);
  if (!hub) {
    hub = new Hub(key, base, auth);
    HUBS.set(key, hub);
  }
  return hub;
}
