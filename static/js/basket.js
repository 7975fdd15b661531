// The guest menu's basket: a running count and total in the send bar, and a
// summary to check before the order is sent. Progressive enhancement only:
// without this file the form posts straight to the kitchen as before, and the
// server stays the judge of every quantity and price.
(function () {
  "use strict";

  var formatters = {};

  // In the page's language, like common.money.format_money on the server
  // (Babel): "€36.70" in English, "36,70 €" in German and French.
  function formatMoney(cents, form) {
    var decimals = parseInt(form.dataset.currencyDecimals, 10) || 0;
    var unit = Math.pow(10, decimals);
    var language = document.documentElement.lang || "en";
    if (window.Intl && Intl.NumberFormat) {
      try {
        if (!formatters[language]) {
          formatters[language] = new Intl.NumberFormat(language, {
            style: "currency",
            currency: form.dataset.currency,
            minimumFractionDigits: decimals,
            maximumFractionDigits: decimals,
          });
        }
        return formatters[language].format(cents / unit);
      } catch (error) {
        // An unknown currency code: the plain format below.
      }
    }
    var whole = Math.floor(cents / unit);
    var fraction = cents % unit;
    var amount = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    if (decimals) {
      amount += "." + String(fraction).padStart(decimals, "0");
    }
    var symbol = form.dataset.currencySymbol;
    return symbol ? symbol + amount : amount + " " + form.dataset.currency;
  }

  function countText(count, form) {
    var template = count === 1 ? form.dataset.countOne : form.dataset.countOther;
    return template.replace("%(count)s", String(count));
  }

  // A quantity the server would accept, or null (then the server explains the problem).
  function quantityOf(input) {
    var text = input.value.trim();
    if (text === "") return 0;
    if (!/^\d+$/.test(text)) return null;
    var value = parseInt(text, 10);
    var max = parseInt(input.max, 10);
    return value > max ? null : value;
  }

  function basketOf(form) {
    var lines = [];
    var count = 0;
    var total = 0;
    var valid = true;
    form.querySelectorAll("input.qty-input").forEach(function (input) {
      var quantity = quantityOf(input);
      if (quantity === null) {
        valid = false;
        return;
      }
      if (quantity > 0) {
        var cents = parseInt(input.dataset.priceCents, 10) * quantity;
        lines.push({ name: input.dataset.name, quantity: quantity, cents: cents });
        count += quantity;
        total += cents;
      }
    });
    return { lines: lines, count: count, total: total, valid: valid };
  }

  function showBasket(form) {
    var basket = basketOf(form);
    var bar = form.querySelector("[data-basket]");
    if (!bar) return;
    bar.hidden = basket.count === 0;
    form.querySelector("[data-basket-count]").textContent = countText(basket.count, form);
    form.querySelector("[data-basket-total]").textContent = formatMoney(basket.total, form);
  }

  function fillReview(form, dialog, basket) {
    var body = dialog.querySelector("[data-review-lines]");
    body.replaceChildren();
    basket.lines.forEach(function (line) {
      var row = document.createElement("tr");
      [line.quantity + "×", line.name, formatMoney(line.cents, form)].forEach(function (text, index) {
        var cell = document.createElement("td");
        cell.textContent = text;
        if (index === 0) cell.className = "qty-col";
        if (index === 2) cell.className = "num";
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
    dialog.querySelector("[data-review-total]").textContent = formatMoney(basket.total, form);
    var note = form.querySelector("#id_note").value.trim();
    dialog.querySelector("[data-review-note]").hidden = note === "";
    dialog.querySelector("[data-review-note-text]").textContent = note;
  }

  function enhance(form) {
    var dialog = form.querySelector("[data-review]");
    var reviewed = false;
    form.addEventListener("input", function () {
      showBasket(form);
    });
    showBasket(form);
    if (!dialog || typeof dialog.showModal !== "function") return;

    form.addEventListener("submit", function (event) {
      var basket = basketOf(form);
      // An empty or malformed order goes to the server, which says what is wrong.
      if (reviewed || !basket.valid || basket.count === 0) return;
      event.preventDefault();
      fillReview(form, dialog, basket);
      dialog.showModal();
    });
    dialog.querySelector("[data-review-change]").addEventListener("click", function () {
      dialog.close();
    });
    dialog.querySelector("[data-review-send]").addEventListener("click", function (event) {
      reviewed = true;
      event.currentTarget.disabled = true; // one order per tap; the server's submission key covers retries
      dialog.close();
      form.submit();
    });
  }

  document.querySelectorAll("form[data-basket-form]").forEach(enhance);
})();
