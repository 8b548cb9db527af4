// What every live part shares: its settings and state from the page, the stream's messages, the
// state read again, asking for a run of the page, drawing. Each kind of part is a subclass
// (board.js, ballot.js, round.js) that keeps its own state and draws it; this one, the page's
// watcher, draws nothing.

import { fill, node } from "./dom.js";
import { hubFor } from "./hub.js";

const STATE = "/_kopkarta/live";
// a disconnected stream shows it after this long (a phone waking up reconnects at once)
const SHOW_OFFLINE_MS = 3000;
// while the stream is down, parts read their state this often
const OFFLINE_READ_MS = 15000;
// a run a part asks for waits while the page is running a run of the viewer's own, and this
// long after the viewer's last click or key (the click's run may not have started yet) ...
const QUIET_MS = 1500;
// ... but not longer than this (a page that never settles still gets its run)
const BUSY_WAIT_MS = 20000;

// Why the wait: Streamlit drops a click when another run is asked for before the running
// script has reached the clicked button (the newer run starts over without the click). The
// facilitator's "Reveal" was lost so to the run that a participant's dot made the console's
// watcher ask for.
let lastInput = 0;
for (const type of ["pointerdown", "keydown", "change", "submit"]) {
  document.addEventListener(
    type,
    () => {
      lastInput = Date.now();
    },
    true,
  );
}

function pageBusy() {
  if (Date.now() - lastInput < QUIET_MS) return true;
  // the page's script state, as Streamlit's frontend shows it on its root (absent: not busy)
  const app = document.querySelector('[data-testid="stApp"]');
  const state = app ? app.getAttribute("data-test-script-state") : null;
  return state === "running" || state === "rerunRequested";
}

export class View {
  constructor(parent, style) {
    this.parent = parent;
    this.root = node("div", "kk-live");
    this.style = document.createElement("link");
    this.style.rel = "stylesheet";
    this.style.href = style;
    parent.append(this.style, this.root);
    this.cfg = null;
    this.hub = null;
    this.v = -1;
    this.pendingDraw = false;
    this.reading = null;
    this.buffer = [];
    this.asked = null;
    this.askedStructure = null;
    this.offlineTimer = null;
  }

  // whether the part follows the stream (a ballot holds only the viewer's own dots: from the page)
  get listens() {
    return true;
  }

  // the page drew this part again (its own run): new settings, maybe a newer state
  configure(cfg, live, trigger) {
    const first = this.cfg === null;
    this.cfg = cfg;
    this.trigger = trigger;
    clearTimeout(this.asked);
    this.asked = null;
    this.root.dataset.view = cfg.view;
    const hub = this.listens ? hubFor(cfg.base, cfg.auth) : null; // a ballot follows no stream
    if (hub && hub !== this.hub) {
      if (this.hub) this.hub.remove(this);
      this.hub = hub;
      hub.add(this);
    }
    const state = live.state;
    if (!state) {
      // the page did not send the state again (the part was on the screen already and kept
      // itself up to date); a part that has none reads it
      if (first) this.read();
      else this.draw();
    } else if (first || state.v >= this.v) this.load(state);
    else this.draw();
    // the map moved on between the page's run and the reading of this state
    if (live.structure && live.structure !== cfg.structure) this.structureChanged(live.structure);
  }

  close() {
    clearInterval(this.offlineTimer);
    if (this.hub) this.hub.remove(this);
    this.hub = null;
    this.root.remove();
    this.style.remove();
  }

  load(state) {
    this.v = state.v;
    this.root.dataset.v = String(state.v);
    this.loadState(state);
    this.draw();
  }

  // the part keeps what it draws from (a subclass's own)
  loadState(state) {} // eslint-disable-line no-unused-vars

  streamStatus(status) {
    this.root.dataset.stream = status;
    clearInterval(this.offlineTimer);
    if (status !== "open" && this.listens) {
      // the stream is down: read the state now and then, so the screen does not stand still,
      // and say so if it stays down
      this.offlineTimer = setInterval(() => this.read(), OFFLINE_READ_MS);
      setTimeout(() => this.scheduleDraw(), SHOW_OFFLINE_MS + 50);
    }
    this.scheduleDraw();
  }

  // -- what the stream sends ----------------------------------------------------------------
  receive(msg) {
    if (!this.listens) return;
    if (this.reading) {
      this.buffer.push(msg);
      return;
    }
    if (msg.read) {
      if (msg.hello && msg.v === this.v) return; // reconnected and nothing was missed
      this.read();
      return;
    }
    if (msg.voted) {
      if (this.cfg.rerun && this.cfg.rerun.voted) this.askRerun("voted");
      this.voted(msg);
      return;
    }
    if (msg.v <= this.v) return; // already in the state this part was given
    const rerun = this.cfg.rerun || {};
    const kinds = rerun.kinds || [];
    const ids = rerun.ids || [];
    const structural =
      !!rerun.any || (msg.put || []).some((e) => kinds.includes(e.kind)) || (msg.remove || []).some((id) => ids.includes(id));
    this.v = msg.v;
    this.root.dataset.v = String(msg.v);
    if (structural) this.askRerun("content");
    this.changed(msg);
  }

  // elements added, changed or removed (a subclass applies them)
  changed(msg) {} // eslint-disable-line no-unused-vars

  // who has taken part in the round so far
  voted(msg) {} // eslint-disable-line no-unused-vars

  // -- reading the state again --------------------------------------------------------------
  readSoon() {
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(() => this.read(), 250);
  }

  read() {
    if (this.reading || !this.hub) return;
    const query = Object.assign({}, this.cfg.query || { view: this.cfg.view });
    const url = this.hub.url(STATE, query);
    this.reading = fetch(url, { cache: "no-store", credentials: "same-origin" })
      .then((r) => {
        // refused: the workshop was deleted (or the link is no longer valid): the page says so
        if (r.status === 403 || r.status === 404) this.structureChanged(`gone:${r.status}`);
        return r.ok ? r.json() : Promise.reject(new Error(`${r.status}`));
      })
      .then((answer) => {
        if (answer.structure !== this.cfg.structure) this.structureChanged(answer.structure);
        if (answer.state && answer.state.v >= this.v) this.load(answer.state);
      })
      .catch(() => {
        // the server restarting: the next reconnect (or the reading while offline) catches up
      })
      .finally(() => {
        this.reading = null;
        const waiting = this.buffer;
        this.buffer = [];
        for (const msg of waiting) this.receive(msg);
      });
  }

  structureChanged(structure) {
    if (this.askedStructure === structure) return; // asked once for it already
    this.askedStructure = structure;
    if (this.cfg.view === "watch") this.askRerun("structure"); // one part per page asks
  }

  // the page itself must be drawn again: ask Streamlit for a run, spread over a moment in a
  // full room (everyone asks at the same change), and not while a run of the viewer's own
  // may be under way (see pageBusy)
  askRerun(why) {
    if (!this.trigger || this.asked) return;
    const spread = Math.min(4000, 25 * (this.hub ? this.hub.room : 1));
    const delay = (why === "structure" ? 0 : 300) + Math.random() * spread;
    const since = Date.now();
    const fire = () => {
      if (pageBusy() && Date.now() - since < BUSY_WAIT_MS) {
        this.asked = setTimeout(fire, 200);
        return;
      }
      this.trigger("rerun", { why, v: this.v, at: Date.now() });
      // a run that draws the same data calls no configure(): allow the next ask a bit later
      setTimeout(() => {
        this.asked = null;
      }, 2000);
    };
    this.asked = setTimeout(fire, delay);
  }

  // -- drawing ------------------------------------------------------------------------------
  scheduleDraw() {
    if (this.pendingDraw) return;
    this.pendingDraw = true;
    requestAnimationFrame(() => {
      this.pendingDraw = false;
      this.draw();
    });
  }

  draw() {
    if (!this.cfg) return;
    const offline = this.hub && this.hub.status !== "open" && Date.now() - this.hub.since > SHOW_OFFLINE_MS;
    if (!this.banner) {
      this.banner = node("p", "kk-gray kk-offline");
      this.content = node("div", "kk-content");
      this.root.replaceChildren(this.banner, this.content);
    }
    this.banner.hidden = !(offline && this.cfg.view !== "watch");
    this.banner.textContent = this.banner.hidden ? "" : this.text("live.reconnecting");
    this.root.classList.toggle("kk-big", !!(this.cfg.options && this.cfg.options.big));
    this.drawContent();
  }

  // what the part shows (the watcher shows nothing)
  drawContent() {}

  text(key, values) {
    const t = (this.cfg.texts || {})[key];
    return values ? fill(t, values) : t || "";
  }

  heading(text) {
    const p = node("p", "kk-h");
    p.appendChild(node("strong", null, text));
    return p;
  }
}
