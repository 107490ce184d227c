/* Autocomplete for the search box: a WAI-ARIA 1.2 combobox with a listbox popup.
   Without this script the search box is a plain text field and the form still works.
   Keys: ArrowDown/ArrowUp move through the suggestions (aria-activedescendant keeps
   the focus in the box), Enter opens the chosen one (or searches what was typed),
   Escape closes the list (a second Escape clears the box). The number of suggestions
   is announced through a polite live region. Suggestions come from /api/suggest and
   are rendered with textContent only: nothing from the server is parsed as HTML. */
(function () {
  "use strict";
  var DELAY_MS = 120;

  function setUp(input) {
    var form = input.form;
    var endpoint = input.getAttribute("data-suggest");
    var list = document.createElement("div");
    var live = document.createElement("p");
    var items = [];
    var active = -1;
    var timer = null;
    var pending = null;
    var asked = "";

    list.id = input.id + "-suggesties";
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggesties");
    list.hidden = true;
    live.className = "visually-hidden";
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.parentNode.classList.add("has-suggestions");
    input.insertAdjacentElement("afterend", list);
    form.appendChild(live);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(index) {
      var options = list.querySelectorAll("[role=option]");
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }

    function go(item) {
      close();
      window.location.assign(item.url);
    }

    function render(found) {
      list.textContent = "";
      items = found;
      var group = null;
      var groupList = null;
      found.forEach(function (item, index) {
        if (item.group !== group) {
          group = item.group;
          groupList = document.createElement("div");
          groupList.setAttribute("role", "group");
          groupList.setAttribute("aria-label", group);
          var label = document.createElement("div");
          label.className = "suggestion-group";
          label.setAttribute("aria-hidden", "true");
          label.textContent = group;
          groupList.appendChild(label);
          list.appendChild(groupList);
        }
        var option = document.createElement("div");
        option.id = list.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = item.text;
        if (item.count) {
          var count = document.createElement("span");
          count.className = "suggestion-count";
          count.textContent = " (" + item.count + ")";
          option.appendChild(count);
        }
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { go(item); });
        groupList.appendChild(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (found.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        live.textContent = found.length === 1 ? "1 suggestie beschikbaar"
          : found.length + " suggesties beschikbaar";
      } else {
        close();
        live.textContent = "";
      }
    }

    function ask() {
      var text = input.value;
      if (!text.trim()) { render([]); asked = text; return; }
      if (text === asked && items.length) { render(items); return; }
      asked = text;
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(endpoint + "?q=" + encodeURIComponent(text),
            { headers: { "Accept": "application/json" }, signal: pending.signal })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (data && input.value === text) { render(data.suggestions || []); }
        })
        .catch(function () { /* a failed suggestion never hinders searching */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      var count = items.length;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) { ask(); return; }
        choose(active + 1 < count ? active + 1 : 0);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (!list.hidden) { choose(active > 0 ? active - 1 : count - 1); }
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault();
          go(items[active]);
        } else {
          close();
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
        }
      }
    });
    input.addEventListener("blur", close);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.fetch || !window.AbortController) { return; }
    var boxes = document.querySelectorAll("input[data-suggest]");
    for (var i = 0; i < boxes.length; i++) { setUp(boxes[i]); }
  });
})();
