/* The ceasefire dashboard: controls -> quick what-if -> figures; refined in the background.
   Everything it loads comes from this server (the page's Content-Security-Policy allows
   nothing else). Figures are the report's own plotly figures, sent as JSON by the API. */
(function () {
  "use strict";

  var CONFIG = {displaylogo: false, responsive: true,
                modeBarButtonsToRemove: ["lasso2d", "select2d"]};
  var state = {
    scenario: null, meta: null, levers: {}, set: {}, carried: {}, falls: "", seq: 0,
    current: null, previous: null, figures: {}, mapView: null, refineTimer: null,
    answers: 0, refined: 0, job: null, streams: 0, refineSource: null, dealsSource: null,
    deals: null, dealsSeq: 0, dealsFor: null
  };
  window.ceasefire = state;  // read by the browser tests

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "className") { node.className = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function pct(p) { return (100 * p).toFixed(0) + "%"; }
  function pm(e) { return pct(e.p) + " ± " + (200 * e.se).toFixed(0) + " pts"; }
  function status(text, busy) {
    var s = $("status");
    s.textContent = text;
    s.classList.toggle("busy", !!busy);
    document.body.dataset.busy = busy ? "1" : "0";
  }

  function api(path, body) {
    var options = body === undefined ? {} : {
      method: "POST", headers: {"content-type": "application/json"},
      body: JSON.stringify(body)};
    return fetch(path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var detail = data.detail;
          if (Array.isArray(detail)) {
            detail = detail.map(function (d) { return (d.path || (d.loc || []).join(".")) + ": " + d.msg; }).join("; ");
          }
          var error = new Error(detail || ("HTTP " + response.status));
          error.status = response.status;
          throw error;
        }
        return data;
      });
    });
  }

  // --- figures ---------------------------------------------------------------------------

  function draw(id, fig, extra) {
    var node = $(id);
    if (!fig || !window.Plotly) { return; }
    var narrow = fig.narrow && node.clientWidth < (fig.narrow_px || 600);
    var layout = JSON.parse(JSON.stringify(narrow ? fig.narrow : fig.layout));
    var data = fig.data.map(function (trace, i) {
      var change = narrow && fig.changes && fig.changes[String(i)];
      return change ? Object.assign({}, trace, change) : trace;
    });
    if (extra) { data = data.concat(extra); }
    node.style.height = (layout.height || 420) + "px";
    state.figures[id] = {fig: fig, extra: extra};
    return window.Plotly.react(node, data, layout, CONFIG);
  }

  function redrawAll() {
    Object.keys(state.figures).forEach(function (id) {
      var f = state.figures[id];
      var done = draw(id, f.fig, f.extra);
      if (id === "fig-map" && done) { done.then(applyMapView); }
    });
  }

  function previousCurve() {
    var old = state.previous && state.previous.view && state.previous.view.figures.agreement;
    if (!old) { return null; }
    var signed = old.data.filter(function (t) { return t.mode === "lines+markers"; })[0];
    if (!signed) { return null; }
    return [{x: signed.x, y: signed.y, mode: "lines", name: "previous answer",
             line: {color: "#bdc1c6", width: 2, dash: "dot"}, hoverinfo: "skip"}];
  }

  function mapTitle() {
    var answer = state.current;
    if (!answer) { return ""; }
    var view = state.mapView || "now";
    if (view === "now") {
      var a = answer.agreement.p_within_12;
      var fell = fallen();
      return "Control now" + (fell ? " (" + fell.label + ")" : "") +
        " · P(deal within 12 months) " + pm(a.variant || a);
    }
    var row = answer.view.acceptance[view];
    return "Under " + row.name + " · P(all veto players accept now) " + pm(row.p_all_veto_accept);
  }

  function applyMapView() {
    var fig = state.current && state.current.view.figures.map;
    if (!fig || !window.Plotly) { return; }
    var index = fig.proposals.indexOf(state.mapView || "now");
    var view = fig.views[Math.max(index, 0)];
    var node = $("fig-map");
    var done = view ? window.Plotly.restyle(node, view.restyle, [0]) : Promise.resolve();
    return done.then(function () {
      var title = mapTitle();
      node.dataset.title = title;
      var shown = title.replace(/&/g, "&amp;").replace(/</g, "&lt;");
      if (node.clientWidth < (fig.narrow_px || 600)) { shown = shown.replace(" · ", "<br>"); }
      return window.Plotly.relayout(node, {"title.text": shown});
    });
  }

  // --- controls ---------------------------------------------------------------------------

  function evidenceButton(path, label) {
    var b = el("button", {type: "button", className: "small evidence-button", "data-path": path,
                          "aria-label": "Evidence for " + label}, "Evidence");
    return b;
  }

  function buildControls(meta) {
    var levers = $("lever-list");
    levers.textContent = "";
    meta.levers.forEach(function (lever) {
      var id = "lever-" + lever.id;
      var box = el("div", {className: "control"});
      box.appendChild(el("label", {"for": id}, lever.name));
      var row = el("div", {className: "row"});
      var select = el("select", {id: id, "data-lever": lever.id});
      select.appendChild(el("option", {value: ""}, "scenario (" + pct(lever.probability) + ")"));
      select.appendChild(el("option", {value: "on"}, "on"));
      select.appendChild(el("option", {value: "off"}, "off"));
      select.addEventListener("change", function () {
        if (select.value === "") { delete state.levers[lever.id]; }
        else { state.levers[lever.id] = select.value === "on"; }
        changed();
      });
      row.appendChild(select);
      row.appendChild(evidenceButton("levers." + lever.id, lever.name));
      box.appendChild(row);
      levers.appendChild(box);
    });
    buildThreats(meta);
    var sliders = $("slider-list");
    sliders.textContent = "";
    var belligerents = meta.belligerents;
    meta.actors.forEach(function (actor) {
      if (belligerents.indexOf(actor.id) < 0) { return; }
      var d = actor.discount_factor;
      if (d) {
        addSlider(sliders, "actors." + actor.id + ".discount_factor",
                  actor.name + ": monthly discount factor", Math.max(0.5, d.low - 0.02),
                  Math.min(0.999, d.high + 0.009), 0.001, d.mode, d);
      }
      var r = actor.ratification_threshold;
      if (r) {
        addSlider(sliders, "actors." + actor.id + ".ratification_threshold",
                  actor.name + ": ratification threshold", 0, 1, 0.01, r.mode, r);
      }
    });
    meta.priors.forEach(function (prior) {
      var m = prior.mean_log_m;
      if (m) {
        addSlider(sliders, "beliefs.priors." + prior.id + ".mean_log_m",
                  prior.id + "'s prior belief: mean log m", m.mode - 0.6, m.mode + 0.6, 0.05,
                  m.mode, m);
      }
    });
  }

  function actorName(id) {
    var actor = (state.meta.actors || []).filter(function (a) { return a.id === id; })[0];
    return actor ? actor.name : id;
  }

  function buildThreats(meta) {
    var list = $("threat-list");
    list.textContent = "";
    var threats = meta.levers.filter(function (lever) { return lever.against; });
    if (!threats.length) {
      list.appendChild(el("p", {className: "hint"}, "This scenario holds no conditional threat."));
    }
    threats.forEach(function (lever) {
      var id = "carried-" + lever.id;
      var box = el("div", {className: "control check"});
      var row = el("div", {className: "row"});
      var input = el("input", {type: "checkbox", id: id, "data-lever": lever.id});
      var label = el("label", {"for": id}, "Carried out: " + lever.name + " (against " +
                     actorName(lever.against) + ")");
      input.addEventListener("change", function () {
        var select = $("lever-" + lever.id);
        if (input.checked) {
          state.carried[lever.id] = true;
          delete state.levers[lever.id];  // a threat carried out is certain: no other setting
          if (select) { select.value = ""; select.disabled = true; }
        } else {
          delete state.carried[lever.id];
          if (select) { select.disabled = false; }
        }
        changed();
      });
      row.appendChild(input);
      row.appendChild(label);
      row.appendChild(evidenceButton("levers." + lever.id, lever.name));
      box.appendChild(row);
      list.appendChild(box);
    });
    var falls = $("falls");
    falls.textContent = "";
    falls.appendChild(el("option", {value: ""}, "no region falls"));
    meta.regions.forEach(function (region) {
      meta.belligerents.forEach(function (b) {
        var held = region.control[b];
        if (held !== undefined && held !== null && held >= 0.999) { return; }
        falls.appendChild(el("option", {value: region.id + "|" + b},
                             region.name + " falls to " + actorName(b)));
      });
    });
    falls.value = "";
  }

  function fallen() {
    if (!state.falls || !state.meta) { return null; }
    var parts = state.falls.split("|");
    var region = state.meta.regions.filter(function (r) { return r.id === parts[0]; })[0];
    if (!region) { return null; }
    var control = {};
    state.meta.belligerents.forEach(function (b) { control[b] = b === parts[1] ? 1 : 0; });
    return {path: "regions." + region.id + ".control", control: control,
            label: region.name + " fallen to " + parts[1]};
  }

  function addSlider(parent, path, label, min, max, step, value, range) {
    var id = "set-" + path.replace(/[^a-zA-Z0-9]/g, "-");
    var box = el("div", {className: "control"});
    box.appendChild(el("label", {"for": id}, label));
    var row = el("div", {className: "row"});
    var input = el("input", {type: "range", id: id, min: String(min), max: String(max),
                             step: String(step), value: String(value), "data-path": path});
    var out = el("output", {"for": id}, Number(value).toFixed(3));
    input.addEventListener("input", function () { out.textContent = Number(input.value).toFixed(3); });
    input.addEventListener("change", function () {
      state.set[path] = Number(input.value);
      changed();
    });
    row.appendChild(input);
    row.appendChild(out);
    row.appendChild(evidenceButton(path, label));
    box.appendChild(row);
    var span = range.low === range.high ? "fixed at " + range.low : "sampled " + range.low + " to " + range.high;
    box.appendChild(el("div", {className: "range"}, "scenario: " + span));
    parent.appendChild(box);
  }

  // --- answers ----------------------------------------------------------------------------

  function changed() {
    runQuick();
  }

  function request(extra) {
    var set = Object.assign({}, state.set);
    var fell = fallen();
    if (fell) { set[fell.path] = fell.control; }
    return Object.assign({scenario: state.scenario, levers: state.levers, set: set,
                          carried_out: Object.keys(state.carried), view: true}, extra || {});
  }

  function changeCount() {
    return Object.keys(state.levers).length + Object.keys(state.set).length +
      Object.keys(state.carried).length + (state.falls ? 1 : 0);
  }

  function runQuick() {
    var seq = ++state.seq;
    clearTimeout(state.refineTimer);
    state.job = null;
    if (state.refineSource) { state.refineSource.close(); state.refineSource = null; }
    status("Computing the quick answer…", true);
    Object.keys(state.figures).forEach(function (id) { $(id).classList.add("stale"); });
    api("/api/whatif", request()).then(function (answer) {
      if (seq !== state.seq) { return; }
      render(answer);
      if (changeCount()) {
        status("Quick answer shown (preliminary); refining in the background…", true);
        state.refineTimer = setTimeout(function () { refine(seq); }, 600);
      } else {
        status("Base run: the full solve on " + answer.draws + " draws, seed " + answer.seed + ".", false);
      }
    }).catch(function (error) {
      if (seq !== state.seq) { return; }
      status("Error: " + error.message, false);
    });
  }

  function refine(seq) {
    api("/api/whatif", request({refine: true, background: true})).then(function (job) {
      if (seq !== state.seq) { return; }
      state.job = job.id;
      state.refineSource = follow(job.id, function (now) {
        if (seq === state.seq) {
          status("Refining: " + now.progress.stage + " (" + pct(now.progress.fraction) + ")…", true);
        }
      }, function (ended) { refined(seq, job.id, ended); });
    }).catch(function (error) {
      if (seq !== state.seq) { return; }
      status("Quick answer shown; the refinement was not started (" + error.message + ").", false);
    });
  }

  // A job's progress as server-sent events (GET /api/jobs/{id}/events); polling only
  // where the browser has no EventSource or the stream breaks.
  function follow(id, progress, end) {
    var finished = false;
    function finish(job) {
      if (finished) { return; }
      finished = true;
      end(job);
    }
    if (!window.EventSource) { poll(id, progress, finish); return null; }
    var source = new EventSource("/api/jobs/" + id + "/events");
    state.streams += 1;
    source.addEventListener("progress", function (event) {
      var job = JSON.parse(event.data);
      if (job.status === "queued" || job.status === "running") { progress(job); }
    });
    source.addEventListener("end", function () {
      source.close();
      api("/api/jobs/" + id).then(finish).catch(function (error) {
        finish({status: "failed", error: {message: error.message}});
      });
    });
    source.onerror = function () {  // the stream broke before its end: poll instead
      source.close();
      if (!finished) { poll(id, progress, finish); }
    };
    return source;
  }

  function poll(id, progress, end) {
    api("/api/jobs/" + id).then(function (job) {
      if (job.status === "queued" || job.status === "running") {
        progress(job);
        setTimeout(function () { poll(id, progress, end); }, 1000);
        return;
      }
      end(job);
    }).catch(function (error) { end({status: "failed", error: {message: error.message}}); });
  }

  function refined(seq, id, job) {
    if (seq !== state.seq) { return; }
    state.refineSource = null;
    if (job.status !== "done") {
      status("The refinement stopped: " + (job.error ? job.error.message : job.status), false);
      return;
    }
    return api("/api/jobs/" + id + "/view").then(function (answer) {
      if (seq !== state.seq) { return; }
      state.refined += 1;
      render(answer, true);
      status("Refined answer: the game re-solved for this what-if.", false);
    }).catch(function (error) {
      if (seq === state.seq) { status("Refinement failed: " + error.message, false); }
    });
  }

  // --- the deal table: the deal space of the scenario, as a background job ----------------

  function startDeals() {
    var seq = ++state.dealsSeq;
    state.dealsFor = state.scenario;
    if (state.dealsSource) { state.dealsSource.close(); state.dealsSource = null; }
    state.deals = null;
    $("deals").querySelector("thead").textContent = "";
    $("deals").querySelector("tbody").textContent = "";
    var note = $("deals-status");
    note.textContent = "Scoring the deal space in the background…";
    api("/api/deals", {scenario: state.scenario, top: 10, background: true}).then(function (job) {
      if (seq !== state.dealsSeq) { return; }
      state.dealsSource = follow(job.id, function (now) {
        if (seq === state.dealsSeq) {
          note.textContent = "Scoring the deal space: " + now.progress.stage + " (" +
            pct(now.progress.fraction) + ")…";
        }
      }, function (done) {
        if (seq !== state.dealsSeq) { return; }
        state.dealsSource = null;
        if (done.status !== "done") {
          note.textContent = "The deal table could not be computed: " +
            (done.error ? done.error.message : done.status);
          return;
        }
        state.deals = done.result;
        renderDeals(done.result);
      });
    }).catch(function (error) {
      if (seq === state.dealsSeq) { note.textContent = "The deal table was not started (" + error.message + ")."; }
    });
  }

  function sameTerms(a, b) {
    var keys = Object.keys(a || {});
    return keys.length === Object.keys(b || {}).length &&
      keys.every(function (k) { return a[k] === b[k]; });
  }

  function renderDeals(deals) {
    var top = deals.top || [];
    var parties = [];
    top.forEach(function (p) {
      Object.keys(p.acceptance).forEach(function (a) { if (parties.indexOf(a) < 0) { parties.push(a); } });
    });
    var head = $("deals").querySelector("thead");
    head.textContent = "";
    var tr = el("tr");
    tr.appendChild(el("th", {scope: "col", className: "num"}, "#"));
    tr.appendChild(el("th", {scope: "col"}, "terms (changed from the default)"));
    tr.appendChild(el("th", {scope: "col", className: "num"}, "all veto players"));
    parties.forEach(function (a) { tr.appendChild(el("th", {scope: "col", className: "num"}, a)); });
    head.appendChild(tr);
    var body = $("deals").querySelector("tbody");
    body.textContent = "";
    var likely = deals.likely_settlement && deals.likely_settlement.terms;
    top.forEach(function (p, k) {
      var line = el("tr");
      line.appendChild(el("td", {className: "num"}, k + 1));
      var terms = Object.keys(p.changes).map(function (issue) { return issue + ": " + p.changes[issue]; });
      var cell = el("th", {scope: "row"}, terms.length ? terms.join(", ") : "every issue at its default");
      if (likely && sameTerms(likely, p.terms)) {
        cell.appendChild(el("span", {className: "badge refined"}, "likely settlement"));
      }
      line.appendChild(cell);
      line.appendChild(el("td", {className: "num"}, pm(p.p_all_veto_accept)));
      parties.forEach(function (a) {
        var e = p.acceptance[a];
        line.appendChild(el("td", {className: "num"}, e ? pm(e) : "·"));
      });
      body.appendChild(line);
    });
    $("deals-status").textContent = deals.space.evaluated.toLocaleString("en") + " packages (" +
      deals.space.method + ") scored on " + deals.draws + " draws, seed " + deals.seed +
      "; " + deals.zone.size.toLocaleString("en") + " pass every veto with P ≥ " +
      pct(deals.p_star) + ".";
  }

  function card(label, estimate, previous, badge, path) {
    var box = el("div", {className: "card"});
    var head = el("div", {className: "label"}, label);
    box.appendChild(head);
    var value = el("div", {className: "value"}, pm(estimate));
    var b = el("span", {className: "badge " + badge}, badge);
    value.appendChild(b);
    box.appendChild(value);
    if (previous) {
      box.appendChild(el("div", {className: "previous"}, "previous answer: " + pm(previous)));
    }
    if (path) { box.appendChild(evidenceButton(path, label)); }
    return box;
  }

  function variantOf(entry) { return entry.variant || entry; }

  function render(answer, refined) {
    var last = state.current;
    if (last && !refined) { state.previous = last; }
    state.current = answer;
    state.answers += 1;
    var badge = answer.preliminary ? "preliminary" : "refined";  // refined: a full solve
    var cards = $("cards");
    cards.textContent = "";
    var prev = state.previous && state.previous.agreement;
    [["12", "Deal signed within 12 months"], ["24", "Deal signed within 24 months"]].forEach(function (pair) {
      var key = "p_within_" + pair[0];
      cards.appendChild(card(pair[1], variantOf(answer.agreement[key]),
                             prev ? variantOf(prev[key]) : null, badge, "bargaining"));
    });
    var d = answer.agreement.p_within_12.difference;
    if (d && (Object.keys(answer.levers).length || Object.keys(answer.changes).length ||
              (answer.carried_out || []).length)) {
      var box = el("div", {className: "card"});
      box.appendChild(el("div", {className: "label"}, "Change against the base (12 months)"));
      box.appendChild(el("div", {className: "value"}, (d.d >= 0 ? "+" : "") + (100 * d.d).toFixed(0) +
                         " ± " + (200 * d.se).toFixed(0) + " pts"));
      cards.appendChild(box);
    }
    var subset = answer.base_draws && answer.base_draws !== answer.draws;
    $("answer-note").textContent = (answer.preliminary
      ? "Preliminary: played forward on the base run's fitted continuation values (same draws and seed). "
      : "") + (subset ? "The first " + answer.draws + " of the base run's " + answer.base_draws
                        : answer.draws) + " draws, seed " + answer.seed + ". ± is two standard errors.";
    var banner = $("extrapolated");
    if (answer.extrapolated) {
      banner.hidden = false;
      banner.textContent = "This what-if leaves what the base run was fitted on — " +
        answer.extrapolated_parameters.map(function (e) { return e.parameter + " (" + e.reason + ")"; }).join("; ") +
        ". Read the quick answer as a rough guide; the refined answer re-solves the game.";
    } else { banner.hidden = true; banner.textContent = ""; }
    document.body.dataset.preliminary = answer.preliminary ? "1" : "0";
    document.body.dataset.extrapolated = answer.extrapolated ? "1" : "0";

    var figs = answer.view.figures;
    Object.keys(state.figures).forEach(function (id) { $(id).classList.remove("stale"); });
    draw("fig-agreement", figs.agreement, previousCurve());
    draw("fig-acceptance", figs.acceptance);
    draw("fig-timing", figs.timing);
    var select = $("map-view");
    if (select.options.length !== figs.map.proposals.length) {
      select.textContent = "";
      figs.map.proposals.forEach(function (pid, k) {
        select.appendChild(el("option", {value: pid}, figs.map.views[k] ? figs.map.views[k].label.replace(/<br>/g, " ") : pid));
      });
    }
    if (!state.mapView) { state.mapView = "now"; }
    select.value = state.mapView;
    var mapped = draw("fig-map", figs.map);
    if (mapped) {
      mapped.then(function () {
        var node = $("fig-map");
        if (!node.dataset.clicks) {
          node.dataset.clicks = "1";
          node.on("plotly_click", function (event) {
            var point = event.points && event.points[0];
            if (point && point.curveNumber === 0 && state.meta) {
              var region = state.meta.regions[point.pointIndex];
              if (region) { openEvidence("regions." + region.id, region.name); }
            }
          });
        }
        return applyMapView();
      });
    }
    renderTables(answer.view);
  }

  function renderTables(view) {
    var parties = [];
    Object.keys(view.acceptance).forEach(function (pid) {
      Object.keys(view.acceptance[pid].acceptance).forEach(function (a) {
        if (parties.indexOf(a) < 0) { parties.push(a); }
      });
    });
    var table = $("acceptance");
    var head = table.querySelector("thead");
    head.textContent = "";
    var tr = el("tr");
    tr.appendChild(el("th", {scope: "col"}, "proposal"));
    parties.forEach(function (a) { tr.appendChild(el("th", {scope: "col", className: "num"}, a)); });
    tr.appendChild(el("th", {scope: "col", className: "num"}, "all veto players"));
    head.appendChild(tr);
    var body = table.querySelector("tbody");
    body.textContent = "";
    Object.keys(view.acceptance).forEach(function (pid) {
      var row = view.acceptance[pid];
      var line = el("tr");
      var name = el("th", {scope: "row"}, row.name + " ");
      name.appendChild(evidenceButton("proposals." + pid, row.name));
      line.appendChild(name);
      parties.forEach(function (a) {
        var cell = el("td", {className: "num"});
        var e = row.acceptance[a];
        cell.textContent = e ? pm(e) : "·";
        if (row.binding[a]) { cell.appendChild(el("span", {className: "refuse"}, "refuses: " + row.binding[a])); }
        line.appendChild(cell);
      });
      line.appendChild(el("td", {className: "num"}, pm(row.p_all_veto_accept)));
      body.appendChild(line);
    });
    var packages = $("packages").querySelector("tbody");
    packages.textContent = "";
    var agreement = view.agreement;
    (agreement ? agreement.packages.slice(0, 8) : []).forEach(function (p) {
      var line = el("tr");
      line.appendChild(el("td", {}, p.name + (p.searched ? " (searched)" : "")));
      line.appendChild(el("td", {className: "num"}, pm(p.p)));
      line.appendChild(el("td", {}, p.median_month || "—"));
      packages.appendChild(line);
    });
  }

  // --- evidence ---------------------------------------------------------------------------

  function openEvidence(path, label) {
    var panel = $("evidence");
    api("/api/scenarios/" + encodeURIComponent(state.scenario) + "/evidence?path=" + encodeURIComponent(path))
      .then(function (data) {
        $("evidence-path").textContent = (label ? label + " — " : "") + path + ": " +
          data.claims.length + " claim" + (data.claims.length === 1 ? "" : "s");
        var list = $("evidence-list");
        list.textContent = "";
        data.claims.forEach(function (c) {
          var item = el("li");
          item.appendChild(el("strong", {}, c.id + " "));
          item.appendChild(el("span", {className: "grade " + c.grade}, c.grade));
          if (c.disputed) { item.appendChild(el("span", {className: "grade disputed"}, "disputed")); }
          item.appendChild(el("div", {}, c.claim));
          var src = c.source.outlet + (c.source.title ? ", " + c.source.title : "") +
                    (c.source.date ? " (" + c.source.date + ")" : "");
          var s = el("div", {className: "caption"}, "Source: " + src + " ");
          if (/^https?:\/\//.test(c.source.url)) {
            // a link to follow in a new tab, never a resource this page loads
            s.appendChild(el("a", {href: c.source.url, rel: "noopener noreferrer", target: "_blank"}, c.source.url));
          }
          item.appendChild(s);
          list.appendChild(item);
        });
        panel.hidden = false;
        $("evidence-title").focus();
      }).catch(function (error) { status("Evidence: " + error.message, false); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".evidence-button");
    if (button) { openEvidence(button.dataset.path, button.getAttribute("aria-label").replace(/^Evidence (for|behind) /, "")); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !$("evidence").hidden) { closeEvidence(); }
  });
  function closeEvidence() { $("evidence").hidden = true; $("results").focus(); }

  // --- start ------------------------------------------------------------------------------

  function loadScenario(id) {
    state.scenario = id;
    state.levers = {}; state.set = {}; state.carried = {}; state.falls = "";
    state.previous = null; state.current = null; state.mapView = null;
    $("map-view").textContent = "";
    status("Loading " + id + " (the first answer fits the base game: a few seconds)…", true);
    return api("/api/scenarios/" + encodeURIComponent(id)).then(function (meta) {
      state.meta = meta;
      buildControls(meta);
      runQuick();
      if (state.dealsFor !== id) { startDeals(); }  // Reset keeps the table
    }).catch(function (error) { status("Error: " + error.message, false); });
  }

  function start() {
    $("evidence-close").addEventListener("click", closeEvidence);
    $("reset").addEventListener("click", function () { loadScenario(state.scenario); });
    $("map-view").addEventListener("change", function () {
      state.mapView = $("map-view").value;
      applyMapView();
    });
    $("scenario").addEventListener("change", function () { loadScenario($("scenario").value); });
    $("falls").addEventListener("change", function () {
      state.falls = $("falls").value;
      changed();
    });
    var resizing = null;
    window.addEventListener("resize", function () {
      clearTimeout(resizing);
      resizing = setTimeout(redrawAll, 200);
    });
    api("/api/scenarios").then(function (data) {
      var select = $("scenario");
      data.scenarios.forEach(function (s) { select.appendChild(el("option", {value: s.id}, s.name)); });
      var wanted = new URLSearchParams(window.location.search).get("scenario");
      var first = data.scenarios.some(function (s) { return s.id === wanted; }) ? wanted :
        (data.scenarios.some(function (s) { return s.id === "tutorial"; }) ? "tutorial" : data.scenarios[0].id);
      select.value = first;
      loadScenario(first);
    }).catch(function (error) { status("Error: " + error.message, false); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
