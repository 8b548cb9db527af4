// The process board, drawn in the browser: the segment's buying stages as columns (or a
// checklist), each with its steps, exit criteria and the mirrored seller stage, and the sticky
// notes on any of them. The stream's elements are applied as they come (no run of the page);
// a note put on a card goes to the page through the component's trigger (the services store it).
// A big segment (more steps than the page's `pageAfter`, issue 18) shows a page of `pageSize`
// steps per stage, with "previous" and "next" on each stage: the browser draws a few hundred
// steps, not thousands, and the viewer moves through a stage's steps one page at a time.

import { byPos, clamped, node } from "./dom.js";
import { View } from "./view.js";

export class BoardView extends View {
  constructor(parent, style) {
    super(parent, style);
    this.elements = new Map();
    this.pages = new Map(); // stage id -> the page of its steps shown (a big segment's)
  }

  loadState(state) {
    this.elements = new Map((state.elements || []).map((e) => [e.id, e]));
  }

  changed(msg) {
    for (const e of msg.put || []) this.elements.set(e.id, e);
    for (const id of msg.remove || []) this.elements.delete(id);
    this.scheduleDraw();
  }

  drawContent() {
    this.drawBoard();
  }

  of(kind, parent) {
    const out = [];
    for (const e of this.elements.values()) if (e.kind === kind && (parent === undefined || e.parent === parent)) out.push(e);
    return out.sort(byPos);
  }

  // the board is drawn column by column: a column whose stage, steps and notes did not change
  // keeps its nodes (what a viewer is selecting or typing there stays as it is)
  drawBoard() {
    const seg = this.cfg.query.seg || (this.cfg.state && this.cfg.state.segment);
    const stages = this.of("stage", seg);
    this.roles = new Map(this.of("role", seg).map((r) => [r.id, r.data.name]));
    this.people = new Map(this.of("participant").map((p) => [p.id, p.data.name]));
    this.notes = new Map();
    for (const n of this.of("note")) {
      const about = n.data.about;
      if (!about) continue;
      if (!this.notes.has(about)) this.notes.set(about, []);
      this.notes.get(about).push(n);
    }
    const mode = (this.cfg.options || {}).mode === "checklist" ? "checklist" : "columns";
    if (!this.grid || this.grid.dataset.mode !== mode) {
      this.grid = node("div", mode === "columns" ? "kk-board" : "kk-checklist");
      this.grid.dataset.mode = mode;
      this.columns = new Map();
    }
    if (!stages.length) {
      this.columns = new Map();
      this.content.replaceChildren(node("div", "kk-info", this.text("process.empty")));
      return;
    }
    if (this.content.firstChild !== this.grid || this.content.childNodes.length !== 1) this.content.replaceChildren(this.grid);
    const wanted = [];
    const kept = new Map();
    const names = JSON.stringify([...this.roles, ...this.people]); // every card shows some of them
    const stepsOf = new Map(stages.map((stage) => [stage.id, this.of("step", stage.id)]));
    let total = 0;
    for (const steps of stepsOf.values()) total += steps.length;
    const opts = this.cfg.options || {};
    this.pageSize = opts.pageAfter && total > opts.pageAfter ? Math.max(1, opts.pageSize || 25) : 0;
    stages.forEach((stage, i) => {
      const all = stepsOf.get(stage.id);
      const page = this.pageOf(stage.id, all.length);
      const steps = this.pageSize ? all.slice(page.from, page.to) : all;
      const sig = JSON.stringify([
        i, stage.data, this.noteSig(stage.id), names, page,
        steps.map((st) => [st.id, st.data, this.noteSig(st.id)]), this.composing && this.composing.about,
      ]);
      const old = this.columns.get(stage.id);
      let col = old && old.sig === sig ? old.node : null;
      if (!col) {
        col = mode === "columns" ? this.column(i, stage, steps) : this.checklistStage(i, stage, steps);
        col.dataset.stage = stage.id;
        if (page.pages > 1) col.querySelector("[data-pager]").replaceWith(this.pager(stage.id, page));
      }
      kept.set(stage.id, { sig, node: col });
      wanted.push(col);
    });
    this.columns = kept;
    wanted.forEach((col, i) => {
      if (this.grid.children[i] !== col) this.grid.insertBefore(col, this.grid.children[i] || null);
    });
    while (this.grid.children.length > wanted.length) this.grid.lastChild.remove();
    this.placeComposer();
  }

  // which of a stage's steps are shown: all, or (a big segment) one page of them
  pageOf(stageId, count) {
    if (!this.pageSize) return { from: 0, to: count, count, page: 0, pages: 1 };
    const pages = Math.max(1, Math.ceil(count / this.pageSize));
    const page = Math.min(this.pages.get(stageId) || 0, pages - 1);
    const from = page * this.pageSize;
    return { from, to: Math.min(count, from + this.pageSize), count, page, pages };
  }

  pager(stageId, page) {
    const bar = node("div", "kk-pager kk-row");
    const button = (label, attr, to, disabled) => {
      const b = node("button", "kk-secondary", label);
      b.type = "button";
      b.dataset[attr] = stageId;
      b.disabled = disabled;
      b.addEventListener("click", () => {
        this.pages.set(stageId, to);
        this.drawBoard();
      });
      return b;
    };
    const label = this.text("process.page_of", { from: page.from + 1, to: page.to, count: page.count });
    bar.append(
      button(this.text("process.page_prev"), "pagePrev", page.page - 1, page.page === 0),
      node("span", "kk-gray", label),
      button(this.text("process.page_next"), "pageNext", page.page + 1, page.page >= page.pages - 1),
    );
    bar.setAttribute("aria-label", label);
    return bar;
  }

  noteSig(eid) {
    return (this.notes.get(eid) || []).map((n) => [n.id, n.data.text, n.data.author]);
  }

  column(i, stage, steps) {
    const col = node("div", "kk-col");
    col.append(this.stageCard(i, stage, steps), this.sellerCard(stage));
    return col;
  }

  list(titleKey, items, emptyKey) {
    const out = [];
    if (items && items.length) {
      out.push(this.heading(this.text(titleKey)));
      const ul = node("ul");
      for (const item of items) ul.appendChild(node("li", null, item));
      out.push(ul);
    } else if (emptyKey) {
      out.push(this.heading(this.text(titleKey)));
      out.push(node("p", "kk-gray", `⚠️ ${this.text(emptyKey)}`));
    }
    return out;
  }

  noteLines(eid) {
    return (this.notes.get(eid) || []).map((n) => {
      const who = (n.data.author && this.people.get(n.data.author)) || n.data.author || this.text("notes.anonymous");
      const line = node("div", "kk-gray kk-note", `📝 ${who}: ${n.data.text}`);
      line.dataset.note = n.id;
      return line;
    });
  }

  // a step's kind, or the map's default (given by the page: workshop/model/defaults.py)
  kindOf(step) {
    return step.data.kind || ((this.cfg.options || {}).defaults || {}).kind || "action";
  }

  stepMeta(step) {
    const kind = this.kindOf(step);
    const meta = [this.text(`option.step_kind.${kind}`) || kind];
    if (step.data.owner) meta.push(this.roles.get(step.data.owner) || step.data.owner);
    if (step.data.behind_the_scenes) meta.push(`🕶 ${this.text("process.hidden")}`);
    return meta.join(" · ");
  }

  stageCard(i, stage, steps) {
    const d = stage.data;
    const card = node("div", "kk-card");
    const head = this.heading(`${i + 1}. ${d.name}`);
    head.appendChild(this.noteButton(stage.id));
    card.appendChild(head);
    card.appendChild(node("div", "kk-slot")).dataset.slot = stage.id;
    if (d.customer_goal) card.appendChild(node("p", null, `🎯 ${d.customer_goal}`));
    card.append(...this.noteLines(stage.id));
    card.appendChild(this.heading(this.text("process.steps")));
    if (!steps.length) card.appendChild(node("p", "kk-gray", `⚠️ ${this.text("process.no_steps")}`));
    else {
      const ul = node("ul", "kk-steps");
      const icons = (this.cfg.options || {}).icons || {};
      for (const step of steps) {
        const kind = this.kindOf(step);
        const li = node("li");
        li.dataset.step = step.id;
        const line = node("div", "kk-step");
        line.append(clamped(`${icons[kind] || "▸"} ${step.data.text}`), this.noteButton(step.id));
        li.appendChild(line);
        li.appendChild(node("div", "kk-gray", this.stepMeta(step)));
        li.append(...this.noteLines(step.id));
        li.appendChild(node("div", "kk-slot")).dataset.slot = step.id;
        ul.appendChild(li);
      }
      card.appendChild(ul);
      card.appendChild(node("div")).dataset.pager = stage.id;
    }
    card.append(
      ...this.list("process.exit_criteria", d.exit_criteria, "process.no_exit"),
      ...this.list("process.must_be_true", d.must_be_true),
      ...this.list("process.questions", d.questions),
    );
    return card;
  }

  // -- a sticky note on a card: the viewer's own input, posted through the page ---------------
  noteButton(eid) {
    const span = node("span");
    if (!(this.cfg.options || {}).note) return span;
    const b = node("button", "kk-note-btn", "📝+");
    b.type = "button";
    b.title = this.text("live.note_here");
    b.setAttribute("aria-label", this.text("live.note_here"));
    b.dataset.noteFor = eid;
    b.addEventListener("click", () => this.compose(eid));
    return b;
  }

  compose(eid) {
    if (!this.composer) {
      const form = node("form", "kk-composer");
      const label = node("label", "kk-gray");
      const area = node("textarea");
      area.maxLength = 4000;
      area.rows = 3;
      label.append(document.createTextNode(this.text("notes.text")), area);
      const post = node("button", "kk-primary", this.text("notes.post"));
      post.type = "submit";
      const cancel = node("button", "kk-secondary", this.text("form.cancel"));
      cancel.type = "button";
      cancel.addEventListener("click", () => this.closeComposer());
      const row = node("div", "kk-row");
      row.append(post, cancel);
      form.append(label, row);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const text = area.value.trim();
        if (!text || !this.composing) return;
        this.trigger("note", { about: this.composing.about, text, at: Date.now() });
        this.closeComposer();
      });
      area.addEventListener("keydown", (event) => {
        if (event.key === "Escape") this.closeComposer();
      });
      this.composer = { form, area };
    }
    if (!this.composing || this.composing.about !== eid) this.composer.area.value = "";
    this.composing = { about: eid };
    this.drawBoard();
    this.composer.area.focus();
  }

  closeComposer() {
    this.composing = null;
    if (this.composer) this.composer.form.remove();
    this.drawBoard();
  }

  // the open note form goes where its card is now (a card drawn anew gets it back, focused)
  placeComposer() {
    if (!this.composer || !this.composing) return;
    const slot = this.grid.querySelector(`[data-slot="${CSS.escape(this.composing.about)}"]`);
    if (!slot) {
      this.composing = null; // the card went
      this.composer.form.remove();
      return;
    }
    if (this.composer.form.parentNode === slot) return;
    const area = this.composer.area;
    const focused = this.parent.activeElement === area;
    const [from, to] = [area.selectionStart, area.selectionEnd];
    slot.appendChild(this.composer.form);
    if (focused) {
      area.focus();
      area.setSelectionRange(from, to);
    }
  }

  sellerCard(stage) {
    const d = stage.data;
    const card = node("div", "kk-card kk-seller");
    card.appendChild(this.heading(this.text("process.seller_side")));
    card.appendChild(node("p", null, `🤝 ${d.seller_stage || "—"}`));
    card.append(
      ...this.list("process.seller_activities", d.seller_activities),
      ...this.list("process.buyer_enablement", d.buyer_enablement, "process.no_enablement"),
    );
    return card;
  }

  checklistStage(i, stage, steps) {
    const box = node("section", "kk-check");
    box.appendChild(node("h3", null, `${i + 1}. ${stage.data.name}`));
    for (const step of steps) {
      const owner = step.data.owner ? ` (${this.roles.get(step.data.owner) || step.data.owner})` : "";
      const hidden = step.data.behind_the_scenes ? " 🕶" : "";
      box.appendChild(node("p", "kk-mono", `☐ ${step.data.text}${owner}${hidden}`));
    }
    box.appendChild(node("div")).dataset.pager = stage.id;
    box.appendChild(this.heading(this.text("process.exit_criteria")));
    const crit = stage.data.exit_criteria || [];
    // criteria to verify with the customer, not met ones: an open box, as the steps have
    for (const c of crit) box.appendChild(node("p", "kk-mono", `☐ ${c}`));
    if (!crit.length) box.appendChild(node("p", "kk-gray", `⚠️ ${this.text("process.no_exit")}`));
    return box;
  }
}
