// Enhancements only: every page works without this file.
(function () {
  "use strict";
  document.querySelectorAll(".js-only[hidden]").forEach(function (el) { el.hidden = false; });

  // The fields a result is built from; nothing else goes into a share link.
  var CARRIED = /^(a-|w-)[A-Za-z0-9_.:-]+$|^(kunta|paiva|piiri)$/;

  // Municipality search over the plain <select>: bilingual municipalities are found by either name,
  // the first hit is selected (Enter then submits), and a live region says how many matched.
  var select = document.getElementById("kunta");
  if (select) {
    var field = document.getElementById("kunta-field");
    var label = document.createElement("label");
    label.htmlFor = "kunta-search";
    label.textContent = select.dataset.searchLabel;
    var input = document.createElement("input");
    input.type = "search";
    input.id = "kunta-search";
    input.autocomplete = "off";
    input.setAttribute("aria-controls", "kunta");
    input.setAttribute("aria-describedby", "kunta-search-status");
    var status = document.createElement("p");
    status.id = "kunta-search-status";
    status.className = "hint";
    status.setAttribute("role", "status");
    field.insertBefore(label, field.firstChild);
    field.insertBefore(input, label.nextSibling);
    field.insertBefore(status, input.nextSibling);
    // Accents are ignored, so "jyvas" finds Jyväskylä on any keyboard.
    var fold = function (s) {
      return s.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    };
    input.addEventListener("input", function () {
      var q = fold(input.value.trim());
      var hits = [];
      var best = null;
      Array.prototype.forEach.call(select.options, function (opt) {
        if (!opt.value) { return; }
        var names = fold(opt.dataset.names || opt.text);
        var hit = !q || names.indexOf(q) !== -1;
        opt.hidden = !hit;
        opt.disabled = !hit;
        if (!hit) { return; }
        hits.push(opt);
        // A name that starts with the search beats one that merely contains it.
        if (!best && names.split(/[\s-]+/).some(function (w) { return w.indexOf(q) === 0; })) { best = opt; }
      });
      if (!q) { status.textContent = ""; return; }
      best = best || hits[0] || null;
      select.value = best ? best.value : "";
      var text = hits.length === 0 ? select.dataset.none
        : hits.length === 1 ? select.dataset.one : select.dataset.many;
      status.textContent = text.replace("{n}", hits.length).replace("{name}", best ? best.text : "");
    });
  }

  // Language buttons on quiz pages also take along what the voter has chosen on this page.
  document.querySelectorAll("form[data-carry-current]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var source = document.getElementById(form.dataset.carryCurrent);
      if (!source) { return; }
      source.querySelectorAll("input[type=radio]:checked").forEach(function (el) {
        form.querySelectorAll("input[type=hidden]").forEach(function (old) {
          if (old.name === el.name) { old.remove(); }
        });
        var copy = document.createElement("input");
        copy.type = "hidden";
        copy.name = el.name;
        copy.value = el.value;
        form.appendChild(copy);
      });
    });
  });

  // Back, Refresh and new tabs. The server keeps no answers, so a page built from them cannot be fetched
  // again by GET. This tab keeps them instead (sessionStorage: this tab only, gone when it closes) and the
  // history entry becomes a plain GET, so Back and Refresh load a page that posts them again: no
  // "Confirm Form Resubmission". What the voter was looking at (filters, page, chosen candidates) comes too.
  var STATE = "vaalikone.answers";
  var SCROLL = "vaalikone.scroll";
  var VIEW = /^(party-|lang-|q-|at-)[A-Za-z0-9_.:-]+$|^(c|selko)$/;
  var storage = null;
  try { storage = window.sessionStorage; } catch (e) { storage = null; }
  var readScroll = function () {
    try { return JSON.parse(storage.getItem(SCROLL) || "{}"); } catch (e) { return {}; }
  };
  var state = document.getElementById("voter-state");
  if (state && storage) {
    var kept = new URLSearchParams();
    state.querySelectorAll("input[type=hidden]").forEach(function (el) {
      if (CARRIED.test(el.name) || VIEW.test(el.name)) { kept.append(el.name, el.value); }
    });
    try { storage.setItem(STATE, kept.toString()); } catch (e) { /* storage full or off: Back re-posts */ }
    history.replaceState(history.state, "", location.href);
    // Back to this page returns to where the voter was on it.
    var scrolls = readScroll();
    if (scrolls.restoring === location.pathname && scrolls[location.pathname] !== undefined) {
      window.scrollTo(0, scrolls[location.pathname]);
    }
    delete scrolls.restoring;
    storage.setItem(SCROLL, JSON.stringify(scrolls));
    window.addEventListener("pagehide", function () {
      var now = readScroll();
      now[location.pathname] = window.scrollY;
      storage.setItem(SCROLL, JSON.stringify(now));
    });
    // A candidate opened in a new tab (Ctrl/Cmd/Shift-click, middle button) gets a copy of this tab's
    // answers only when this page opens it; a browser's own new tab starts empty.
    var openWithAnswers = function (event) {
      var link = event.target.closest && event.target.closest("a[href]");
      if (!link || !link.matches("table.candidates a.name, a.candidate-link")) { return; }
      if (event.button === 1 || event.ctrlKey || event.metaKey || event.shiftKey) {
        event.preventDefault();
        window.open(link.href, "_blank");
      }
    };
    document.addEventListener("click", openWithAnswers);
    document.addEventListener("auxclick", openWithAnswers);
  }
  // GET /tulokset, /vertailu, a candidate's page: post again the answers this tab keeps. Sent before the
  // page has loaded, the post replaces this history entry instead of adding one.
  var restore = document.getElementById("restore-form");
  if (restore && storage) {
    var saved = storage.getItem(STATE);
    var restoreStatus = document.getElementById("restore-status");
    if (saved) {
      new URLSearchParams(saved).forEach(function (value, name) {
        if (!CARRIED.test(name) && !VIEW.test(name)) { return; }
        var field = document.createElement("input");
        field.type = "hidden";
        field.name = name;
        field.value = value;
        restore.appendChild(field);
      });
      var marks = readScroll();
      marks.restoring = new URL(restore.action, location.href).pathname;
      storage.setItem(SCROLL, JSON.stringify(marks));
      restore.submit();
    } else if (restoreStatus) {
      restoreStatus.textContent = restoreStatus.dataset.none;
    }
  }

  // Share link: built here from the answers on the page, kept in the #fragment, never sent to the server.
  var encode = function (text) {
    return btoa(unescape(encodeURIComponent(text))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
  var decode = function (data) {
    return decodeURIComponent(escape(atob(data.replace(/-/g, "+").replace(/_/g, "/"))));
  };
  var make = document.getElementById("make-share-link");
  var answersForm = document.getElementById("answers-form");
  if (make && answersForm) {
    var output = document.getElementById("share-output");
    var link = document.getElementById("share-link");
    make.addEventListener("click", function () {
      var params = new URLSearchParams();
      answersForm.querySelectorAll("input[type=hidden]").forEach(function (el) {
        if (CARRIED.test(el.name)) { params.append(el.name, el.value); }
      });
      params.append("lang", document.documentElement.lang);
      link.value = location.origin + make.dataset.path + "#" + encode(params.toString());
      output.hidden = false;
      link.focus();
      link.select();
    });
    var copy = document.getElementById("copy-share-link");
    copy.addEventListener("click", function () {
      var done = function () { document.getElementById("share-status").textContent = copy.dataset.done; };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(link.value).then(done, function () { link.select(); });
      } else {
        link.select();
      }
    });
  }

  // Opening a share link: the answers in the fragment are posted to the results page.
  var shared = document.getElementById("shared-form");
  if (shared && location.hash.length > 1) {
    try {
      var lang = null;
      new URLSearchParams(decode(location.hash.slice(1))).forEach(function (value, name) {
        if (name === "lang") { lang = value; return; }
        if (!CARRIED.test(name)) { return; }
        var el = document.createElement("input");
        el.type = "hidden";
        el.name = name;
        el.value = value;
        shared.appendChild(el);
      });
      if (lang && /^(fi|sv|en)$/.test(lang)) { shared.action += "?lang=" + lang; }
      shared.submit();
    } catch (e) {
      document.getElementById("shared-status").textContent = shared.dataset.error;
    }
  }
})();
