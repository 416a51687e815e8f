// Results as you type in the header search box (services/search).
// The box is <input data-suggest data-suggest-url=...> inside form.header-search; results come
// from the JSON suggest endpoint (narrowed to the user on the server), shown in a listbox under
// the box. Keyboard: ↓/↑ move, Enter opens the highlighted result (else searches), Esc closes.
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest]");
  if (!input || !window.fetch) return;
  var form = input.form;
  var url = input.getAttribute("data-suggest-url");
  if (!url) return;
  var script = document.currentScript;
  if (script && script.src) {
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = script.src.replace(/suggest\.js(\?.*)?$/, "suggest.css");
    document.head.appendChild(css);
  }
  var labels = {
    document: input.getAttribute("data-label-document") || "文档",
    member: input.getAttribute("data-label-member") || "党员",
    all: input.getAttribute("data-label-all") || "查看全部结果",
    empty: input.getAttribute("data-label-empty") || "没有匹配的结果",
  };
  var list = document.createElement("ul");
  list.id = "search-suggest-list";
  list.className = "suggest-list";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  form.classList.add("suggest-host");
  form.appendChild(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  var timer = null;
  var controller = null;
  var active = -1;
  var composing = false;

  function options() {
    return list.querySelectorAll("[role=option]");
  }
  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }
  function highlight(index) {
    var items = options();
    if (!items.length) return;
    active = (index + items.length) % items.length;
    for (var i = 0; i < items.length; i++) {
      items[i].setAttribute("aria-selected", i === active ? "true" : "false");
    }
    input.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({ block: "nearest" });
  }
  function option(id, href, render) {
    var li = document.createElement("li");
    li.id = id;
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    li.dataset.href = href;
    render(li);
    li.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep focus in the box until we navigate
      go(li);
    });
    return li;
  }
  function go(li) {
    if (li.dataset.href) {
      window.location.assign(li.dataset.href);
    } else {
      form.submit();
    }
  }
  function render(results, q) {
    list.textContent = "";
    if (!results.length) {
      var none = document.createElement("li");
      none.className = "suggest-empty";
      none.textContent = labels.empty;
      list.appendChild(none);
    }
    results.forEach(function (hit, i) {
      list.appendChild(
        option("suggest-" + i, hit.url, function (li) {
          var kind = document.createElement("span");
          kind.className = "suggest-kind";
          kind.textContent = labels[hit.kind] || hit.kind;
          var title = document.createElement("span");
          title.className = "suggest-title";
          title.textContent = hit.title;
          li.appendChild(kind);
          li.appendChild(title);
          if (hit.snippet) {
            var snippet = document.createElement("span");
            snippet.className = "suggest-snippet";
            snippet.innerHTML = hit.snippet; // escaped on the server; only <mark> is markup
            li.appendChild(snippet);
          }
        })
      );
    });
    list.appendChild(
      option("suggest-all", "", function (li) {
        li.className = "suggest-all";
        li.textContent = labels.all + " “" + q + "”";
      })
    );
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
  }
  function lookup() {
    var q = input.value.trim();
    if (!q) {
      close();
      return;
    }
    if (controller) controller.abort();
    controller = window.AbortController ? new AbortController() : null;
    fetch(url + "?q=" + encodeURIComponent(q), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        return response.ok ? response.json() : { results: [] };
      })
      .then(function (data) {
        if (input.value.trim() === q) render(data.results || [], q);
      })
      .catch(function () {});
  }
  input.addEventListener("input", function () {
    if (composing) return; // wait for the IME to commit the Chinese characters
    clearTimeout(timer);
    timer = setTimeout(lookup, 250);
  });
  input.addEventListener("compositionstart", function () {
    composing = true;
  });
  input.addEventListener("compositionend", function () {
    composing = false;
    clearTimeout(timer);
    timer = setTimeout(lookup, 250);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (list.hidden) lookup();
      else highlight(active + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active - 1);
    } else if (event.key === "Escape") {
      close();
    } else if (event.key === "Enter" && !list.hidden && active >= 0) {
      event.preventDefault();
      go(options()[active]);
    }
  });
  input.addEventListener("blur", function () {
    setTimeout(close, 150);
  });
})();
