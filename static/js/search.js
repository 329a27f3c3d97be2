/* «Тёзки»: suggestions as you type in the search boxes.
   Progressive enhancement: without JavaScript the boxes are plain GET forms. The suggestions
   come from /search/suggest/?q=… (JSON) and are built with textContent, never innerHTML. */
(function () {
  "use strict";

  var MIN_CHARS = 2;
  var DELAY_MS = 150;
  var counter = 0;

  function suggestUrl(form) {
    if (form.dataset.suggestUrl) {
      return new URL(form.dataset.suggestUrl, window.location.href);
    }
    var action = new URL(form.getAttribute("action") || window.location.pathname, window.location.href);
    if (!/\/$/.test(action.pathname)) {
      action.pathname += "/";
    }
    return new URL("suggest/", action);
  }

  function enhance(form) {
    var input = form.querySelector('input[type="search"][name="query"]');
    if (!input || input.dataset.suggest === "on") {
      return;
    }
    input.dataset.suggest = "on";
    counter += 1;
    var listId = "search-suggestions-" + counter;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "search-suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    form.classList.add("has-suggestions");
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    var timer = null;
    var controller = null;
    var active = -1;

    function options() {
      return list.querySelectorAll('[role="option"]');
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var items = options();
      if (!items.length) {
        return;
      }
      active = (index + items.length) % items.length;
      items.forEach(function (item, i) {
        item.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", items[active].id);
    }

    function render(suggestions) {
      list.textContent = "";
      active = -1;
      if (!suggestions.length) {
        close();
        return;
      }
      suggestions.forEach(function (suggestion, index) {
        var item = document.createElement("li");
        item.id = listId + "-" + index;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        var link = document.createElement("a");
        link.href = suggestion.url;
        link.tabIndex = -1;
        link.textContent = suggestion.title;
        item.appendChild(link);
        if (suggestion.type) {
          var kind = document.createElement("span");
          kind.className = "search-suggestions__type";
          kind.textContent = suggestion.type;
          item.appendChild(kind);
        }
        list.appendChild(item);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function fetchSuggestions() {
      var text = input.value.trim();
      if (text.length < MIN_CHARS) {
        close();
        return;
      }
      if (controller) {
        controller.abort();
      }
      controller = new AbortController();
      var url = suggestUrl(form);
      url.searchParams.set("q", text);
      fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { suggestions: [] };
        })
        .then(function (data) {
          if (input.value.trim() === text) {
            render(data.suggestions || []);
          }
        })
        .catch(function () {
          /* No suggestions: the form still searches. */
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        return;
      }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active - 1);
      } else if (event.key === "Escape") {
        close();
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.assign(options()[active].querySelector("a").href);
      }
    });

    input.addEventListener("blur", function () {
      window.setTimeout(close, 200);
    });
  }

  function init() {
    document.querySelectorAll('form[role="search"]').forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
