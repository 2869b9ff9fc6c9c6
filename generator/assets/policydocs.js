/* policydocs: permalink buttons copy the link to their anchor. Generated file; edit
   generator/assets/policydocs.js.

   Without this script (or without a clipboard) each button stays what it is in the HTML: a plain
   link to the anchor. The listener sits on the document, so it keeps working when a theme swaps
   the page content in place (Material's navigation.instant). */
(function () {
  "use strict";

  var COPIED = "policydocs-copied";

  function permalink(button) {
    // Absolute link from site_url when the site knows it, else the link the browser resolved.
    return button.getAttribute("data-permalink") || button.href;
  }

  function copied(button) {
    button.classList.add(COPIED);
    window.setTimeout(function () {
      button.classList.remove(COPIED);
    }, 2000);
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    var button = target instanceof Element ? target.closest("a.policydocs-permalink") : null;
    if (!button || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
      return;
    }
    if (!navigator.clipboard || !window.isSecureContext) {
      return; // follow the link, as without the script
    }
    event.preventDefault();
    var here = button.getAttribute("href");
    navigator.clipboard.writeText(permalink(button)).then(
      function () {
        copied(button);
        if (here.charAt(0) === "#") {
          window.history.replaceState(null, "", here);
        }
      },
      function () {
        window.location.href = button.href;
      }
    );
  });
})();

/* Sortable, filterable tables (the catalogue of policies): a click on a heading sorts by that
   column, a second click reverses; typing in the box named by data-policydocs-filter hides the
   rows that do not contain the text. Without the script the table is complete and in name
   order. */
(function () {
  "use strict";

  function key(row, column) {
    var cell = row.cells[column];
    return cell ? cell.getAttribute("data-sort") || cell.textContent.trim() : "";
  }

  function compare(a, b) {
    var x = Number(a);
    var y = Number(b);
    if (a !== "" && b !== "" && !isNaN(x) && !isNaN(y)) {
      return x - y;
    }
    return a.localeCompare(b, undefined, { sensitivity: "base" });
  }

  function sort(table, heading) {
    var column = heading.cellIndex;
    var ascending = heading.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var order = compare(key(a, column), key(b, column));
      return ascending ? order : -order;
    });
    Array.prototype.forEach.call(heading.parentNode.cells, function (th) {
      th.removeAttribute("aria-sort");
    });
    heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var fragment = document.createDocumentFragment();
    rows.forEach(function (row) {
      fragment.appendChild(row);
    });
    body.appendChild(fragment);
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    var heading = target instanceof Element ? target.closest("th") : null;
    var table = heading ? heading.closest("table[data-policydocs-sortable]") : null;
    if (table && heading.parentNode.parentNode === table.tHead) {
      sort(table, heading);
    }
  });

  document.addEventListener("input", function (event) {
    var box = event.target;
    var name = box instanceof Element ? box.getAttribute("data-policydocs-filter") : null;
    var table = name ? document.getElementById(name) : null;
    if (!table) {
      return;
    }
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var text = row.textContent.toLowerCase();
      row.hidden = !words.every(function (word) {
        return text.indexOf(word) !== -1;
      });
    });
  });
})();
