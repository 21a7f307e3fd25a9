// Enhancements only: every page works without this file.
(function () {
  "use strict";
  document.querySelectorAll(".js-only[hidden]").forEach(function (el) { el.hidden = false; });

  // Municipality search over the plain <select>: finds bilingual municipalities by either name.
  var select = document.getElementById("kunta");
  if (select) {
    var field = select.closest(".field");
    var label = document.createElement("label");
    label.htmlFor = "kunta-search";
    label.textContent = select.dataset.searchLabel;
    var input = document.createElement("input");
    input.type = "search";
    input.id = "kunta-search";
    input.autocomplete = "off";
    input.setAttribute("aria-controls", "kunta");
    field.insertBefore(input, select);
    field.insertBefore(label, input);
    var fold = function (s) { return s.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, ""); };
    input.addEventListener("input", function () {
      var q = fold(input.value.trim());
      var first = null;
      Array.prototype.forEach.call(select.options, function (opt) {
        if (!opt.value) { return; }
        var hit = !q || fold(opt.dataset.names || opt.text).indexOf(q) !== -1;
        opt.hidden = !hit;
        opt.disabled = !hit;
        if (hit && !first) { first = opt; }
      });
      if (q && first) { select.value = first.value; }
    });
  }

  // Share link: built here, put in the #fragment, never sent to the server.
  var make = document.getElementById("make-share-link");
  var form = document.getElementById("results-form");
  if (make && form) {
    make.addEventListener("click", function () {
      var params = new URLSearchParams();
      form.querySelectorAll("input[type=hidden]").forEach(function (el) {
        if (/^(a-|w-|kunta$|piiri$)/.test(el.name)) { params.append(el.name, el.value); }
      });
      var data = btoa(unescape(encodeURIComponent(params.toString())))
        .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      var out = document.getElementById("share-link");
      out.value = location.origin + "/tulokset/jaettu#" + data;
      out.hidden = false;
      out.focus();
      out.select();
    });
  }

  var shared = document.getElementById("shared-form");
  if (shared && location.hash.length > 1) {
    try {
      var b64 = location.hash.slice(1).replace(/-/g, "+").replace(/_/g, "/");
      var text = decodeURIComponent(escape(atob(b64)));
      new URLSearchParams(text).forEach(function (value, name) {
        if (!/^(a-|w-|kunta$|piiri$)/.test(name)) { return; }
        var el = document.createElement("input");
        el.type = "hidden";
        el.name = name;
        el.value = value;
        shared.appendChild(el);
      });
      shared.submit();
    } catch (e) { /* a broken link: the page explains and offers a new quiz */ }
  }
})();
