// Riposte's only script: search as you type on the catalogue, reading an
// uploaded manifest into the text area, and suggesting a new plugin's
// short name from its name. Every page works without it.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // The filters fold behind their summary on small screens; on wide ones
  // they stay open beside the results, whatever the search as you type does.
  var wide = window.matchMedia("(min-width: 48.01rem)");
  var unfold = function (open) {
    var f = document.getElementById("filters");
    if (f && (open || wide.matches)) f.open = true;
  };
  unfold(false);
  wide.addEventListener("change", function () { unfold(false); });
  document.addEventListener("click", function (e) {
    if (wide.matches && e.target.closest && e.target.closest("#filters > summary")) e.preventDefault();
  });

  var form = document.getElementById("search");
  var results = document.getElementById("results");
  if (form && results) {
    var timer = 0, pending = null;
    var refresh = function () {
      var params = new URLSearchParams(new FormData(form));
      params.delete("page");
      if (!params.get("q")) params.delete("q");
      if (params.get("sort") === "relevance") params.delete("sort");
      var qs = params.toString();
      if (pending) pending.abort();
      pending = new AbortController();
      fetch("/results" + (qs ? "?" + qs : ""), { signal: pending.signal, credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
        .then(function (html) {
          var active = document.activeElement, name = active && active.name, value = active && active.value;
          var inResults = active && results.contains(active);
          var open = (document.getElementById("filters") || {}).open;
          results.innerHTML = html;
          unfold(open);
          history.replaceState(null, "", "/" + (qs ? "?" + qs : ""));
          if (inResults && name) {
            var again = results.querySelector('[name="' + CSS.escape(name) + '"]' +
              (active.type === "checkbox" ? '[value="' + CSS.escape(value) + '"]' : ""));
            if (again) again.focus();
          }
        })
        .catch(function (e) { if (e.name !== "AbortError") form.submit(); });
    };
    var later = function () { clearTimeout(timer); timer = setTimeout(refresh, 250); };
    form.addEventListener("input", function (e) { if (e.target.id === "q") later(); });
    form.addEventListener("change", function (e) { if (e.target.id !== "q") { clearTimeout(timer); refresh(); } });
  }

  var file = document.getElementById("file"), text = document.getElementById("manifest");
  if (file && text && window.FileReader) {
    file.addEventListener("change", function () {
      if (!file.files.length) return;
      var reader = new FileReader();
      reader.onload = function () { text.value = reader.result; file.value = ""; text.focus(); };
      reader.readAsText(file.files[0]);
    });
  }

  // The server derives the slug from the name when it is left empty
  // (plugins.SuggestSlug); this shows the suggestion while typing, until
  // the slug is typed in.
  var name = document.getElementById("new-name"), slug = document.getElementById("new-slug");
  if (name && slug && String.prototype.normalize) {
    var typed = slug.value !== "";
    slug.addEventListener("input", function () { typed = slug.value !== ""; });
    name.addEventListener("input", function () {
      if (typed) return;
      slug.value = name.value.toLowerCase().replace(/œ/g, "oe").replace(/æ/g, "ae").replace(/ß/g, "ss")
        .normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+/, "").slice(0, 64).replace(/-+$/, "");
    });
  }
})();
