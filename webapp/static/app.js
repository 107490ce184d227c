/* Progressive enhancement for the search page. Without this script every control still
   works (forms and links); with it, ticking a filter, removing a chip, sorting and paging
   update the page in place, keep the keyboard focus where it was, give the new state its
   own URL, and announce the new number of results through the status region. A long
   facet list gets a box that narrows it as one types (without script the box stays
   hidden and the list is whole). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var REGIONS = ["zoekstaat", "zoekpagina"];
  var shown = withoutHash(window.location.href);

  function withoutHash(url) { return url.split("#")[0]; }

  function openFacets() {
    var open = [];
    var details = document.querySelectorAll("#filterformulier details[open]");
    for (var i = 0; i < details.length; i++) { open.push(details[i].parentNode.id); }
    return open;
  }

  function reopen(ids) {
    for (var i = 0; i < ids.length; i++) {
      var details = document.querySelector("#" + ids[i] + " details");
      if (details) { details.open = true; }
    }
  }

  function sameControl(old) {
    if (!old || !old.name) { return null; }
    var inputs = document.querySelectorAll("#filterformulier input[name='" + old.name + "']");
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].value === old.value) { return inputs[i]; }
    }
    return null;
  }

  function swap(html, url, push, trigger) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var open = openFacets();
    for (var i = 0; i < REGIONS.length; i++) {
      var now = document.getElementById(REGIONS[i]);
      var next = fresh.getElementById(REGIONS[i]);
      if (!now || !next) { window.location.assign(url); return; }
      now.replaceWith(next);
    }
    reopen(open);
    bindFacetSearch();
    document.title = fresh.title;
    var canonical = fresh.querySelector("link[rel=canonical]");
    if (canonical) { url = canonical.getAttribute("href"); }
    var head = document.querySelector("link[rel=canonical]");
    if (head && canonical) { head.setAttribute("href", url); }
    var feed = "link[rel=alternate][type='application/atom+xml']";
    var nextFeed = fresh.querySelector(feed), headFeed = document.querySelector(feed);
    if (nextFeed && headFeed) {
      headFeed.setAttribute("href", nextFeed.getAttribute("href"));
      headFeed.setAttribute("title", nextFeed.getAttribute("title"));
    }
    if (push) { history.pushState({ kennisbank: true }, "", url); }
    shown = withoutHash(url);
    var status = document.getElementById("aantal");
    var nextStatus = fresh.getElementById("aantal");
    if (status && nextStatus) { status.textContent = nextStatus.textContent; }
    var target = sameControl(trigger) || document.getElementById("resultaten-kop");
    var folded = target && target.closest("details");
    if (folded) { folded.open = true; }
    if (target) { target.focus({ preventScroll: target.type === "checkbox" }); }
    bind();
  }

  function load(url, push, trigger) {
    var page = document.getElementById("zoekpagina");
    if (page) { page.setAttribute("aria-busy", "true"); }
    fetch(url, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) { swap(html, url, push, trigger); })
      .catch(function () { window.location.assign(url); });
  }

  function formUrl(form) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (String(value).trim() !== "") { params.append(name, value); }
    });
    var query = params.toString();
    return form.getAttribute("action") + (query ? "?" + query : "");
  }

  function bind() {
    var form = document.getElementById("filterformulier");
    if (form) {
      form.addEventListener("change", function (event) {
        if (event.target.type === "checkbox") { load(formUrl(form), true, event.target); }
      });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        load(formUrl(form), true, null);
      });
    }
    var links = document.querySelectorAll("#zoekpagina a[data-swap]");
    for (var i = 0; i < links.length; i++) {
      links[i].addEventListener("click", function (event) {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
        event.preventDefault();
        load(this.href, true, null);
      });
    }
  }

  // Lower case without accents, so "Cafe" finds "Café".
  function folded(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function narrow(box, input, status) {
    var wanted = folded(input.value);
    var facet = box.closest("fieldset.facet");
    var items = facet.querySelectorAll(".options li");
    var found = 0;
    for (var i = 0; i < items.length; i++) {
      var label = items[i].querySelector(".option-label");
      var match = !wanted || folded(label ? label.textContent : "").indexOf(wanted) !== -1;
      items[i].hidden = !match;
      if (match) { found++; }
    }
    var more = facet.querySelector("details.more");
    if (more) {
      if (wanted && !more.hasAttribute("data-was")) {
        more.setAttribute("data-was", more.open ? "open" : "closed");
      }
      if (wanted) { more.open = true; }
      if (!wanted && more.hasAttribute("data-was")) {
        more.open = more.getAttribute("data-was") === "open";
        more.removeAttribute("data-was");
      }
    }
    status.textContent = !wanted ? "" : found === 0 ? "Geen waarden gevonden" :
      found === 1 ? "1 waarde gevonden" : found + " waarden gevonden";
  }

  function bindFacetSearch() {
    var boxes = document.querySelectorAll("[data-facet-search]");
    for (var i = 0; i < boxes.length; i++) {
      (function (box) {
        var input = box.querySelector("input");
        var status = box.querySelector("[role=status]");
        box.hidden = false;
        input.addEventListener("input", function () { narrow(box, input, status); });
        // Enter would submit the filter form; here it only means "done typing".
        input.addEventListener("keydown", function (event) {
          if (event.key === "Enter") { event.preventDefault(); }
        });
      })(boxes[i]);
    }
  }

  document.addEventListener("DOMContentLoaded", bindFacetSearch);

  if (window.fetch && window.DOMParser && window.history && history.pushState) {
    document.addEventListener("DOMContentLoaded", bind);
    window.addEventListener("popstate", function () {
      // A jump to an anchor on the same page also pops state; only a new search reloads.
      if (withoutHash(window.location.href) !== shown) { load(window.location.href, false, null); }
    });
  }
})();
