/* «Найти тёзок»: suggestions while typing. Without this script the form still submits and the
   page lists the matching settlements to choose from. */
(function () {
  "use strict";
  var form = document.querySelector("form.namesake-finder[data-suggest-url]");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var list = form.querySelector(".finder-suggestions");
  var timer = null;
  var latest = 0;

  function clear() {
    list.innerHTML = "";
    list.hidden = true;
  }

  function render(results) {
    clear();
    results.forEach(function (item) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = item.url;
      link.setAttribute("role", "option");
      link.textContent = item.name;
      li.appendChild(link);
      var place = [item.kind, item.district, item.region].filter(Boolean).join(", ");
      if (place) {
        var span = document.createElement("span");
        span.className = "muted";
        span.textContent = " — " + place;
        li.appendChild(span);
      }
      list.appendChild(li);
    });
    list.hidden = results.length === 0;
  }

  function fetchSuggestions() {
    var text = input.value.trim();
    if (text.length < 2) {
      clear();
      return;
    }
    var ticket = ++latest;
    var url = form.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(text);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : { results: [] };
      })
      .then(function (data) {
        if (ticket === latest) render(data.results || []);
      })
      .catch(clear);
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(fetchSuggestions, 200);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") clear();
    if (event.key === "ArrowDown" && !list.hidden) {
      var first = list.querySelector("a");
      if (first) {
        event.preventDefault();
        first.focus();
      }
    }
  });
  list.addEventListener("keydown", function (event) {
    var current = document.activeElement.closest("li");
    if (!current) return;
    var next = null;
    if (event.key === "ArrowDown") next = current.nextElementSibling;
    if (event.key === "ArrowUp") next = current.previousElementSibling;
    if (event.key === "Escape") {
      clear();
      input.focus();
      return;
    }
    if (next) {
      event.preventDefault();
      next.querySelector("a").focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      input.focus();
    }
  });
})();
