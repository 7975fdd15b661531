// The staff order board: fetches the columns fragment every few seconds, marks new
// orders and bill requests, and (if switched on) plays a short tone made with WebAudio.
// Without JavaScript the page works with its Refresh button.
(function () {
  "use strict";
  var board = document.querySelector("[data-board]");
  if (!board) return;
  var holder = board.querySelector("[data-board-columns]");
  var status = board.querySelector("[data-board-status]");
  var soundLabel = board.querySelector("[data-sound-toggle]");
  var soundBox = board.querySelector("[data-sound]");
  var url = board.getAttribute("data-fragment-url");
  var every = parseInt(board.getAttribute("data-poll-ms"), 10) || 4000;
  var STORE = "orderBoardSound";
  var audio = null;
  var timer = null;
  var etag = null;
  var ageTemplate = board.getAttribute("data-age-template") || "%(minutes)s min";
  var clockOffset = 0; // server clock minus this device's clock, from each response's Date header

  // A card's age counts on from its placing time, so an unchanged board (304) needs no new HTML.
  function updateAges() {
    var now = (Date.now() + clockOffset) / 1000;
    holder.querySelectorAll("[data-since]").forEach(function (el) {
      var minutes = Math.max(0, Math.floor((now - parseInt(el.getAttribute("data-since"), 10)) / 60));
      el.textContent = ageTemplate.replace("%(minutes)s", String(minutes));
    });
  }

  function keys() {
    var seen = new Set();
    holder.querySelectorAll("[data-order]").forEach(function (el) { seen.add("o" + el.getAttribute("data-order")); });
    holder.querySelectorAll("[data-bill]").forEach(function (el) { seen.add("b" + el.getAttribute("data-bill")); });
    return seen;
  }

  function tone() {
    if (!audio || !soundBox.checked) return;
    var now = audio.currentTime;
    [0, 0.18].forEach(function (offset, i) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = i ? 1175 : 880;
      gain.gain.setValueAtTime(0.0001, now + offset);
      gain.gain.exponentialRampToValueAtTime(0.3, now + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.16);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + offset);
      osc.stop(now + offset + 0.17);
    });
  }

  function ensureAudio() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) audio = new Context();
    if (audio && audio.state === "suspended") audio.resume();
  }

  if (soundBox && soundLabel) {
    soundLabel.hidden = false;
    // Off by default; remembered per device. Browsers only start audio after a
    // click, so a remembered "on" waits for the first click on the page.
    soundBox.checked = window.localStorage && localStorage.getItem(STORE) === "1";
    soundBox.addEventListener("change", function () {
      if (window.localStorage) localStorage.setItem(STORE, soundBox.checked ? "1" : "0");
      if (soundBox.checked) { ensureAudio(); tone(); }
    });
    document.addEventListener("click", function () { if (soundBox.checked) ensureAudio(); }, { once: true });
  }

  function focusedKey() {
    var el = document.activeElement;
    if (!el || !holder.contains(el)) return null;
    var form = el.closest("form");
    return form ? form.getAttribute("action") : null;
  }

  var busy = false;

  function refresh() {
    if (busy) return;
    busy = true;
    var headers = { "X-Requested-With": "fetch" };
    if (etag) headers["If-None-Match"] = etag;
    fetch(url, { credentials: "same-origin", headers: headers, cache: "no-store" })
      .then(function (response) {
        var served = Date.parse(response.headers.get("Date") || "");
        if (!isNaN(served)) clockOffset = served - Date.now();
        if (response.status === 304) return null; // nothing changed since the last poll
        if (response.redirected || !response.ok) throw new Error(String(response.status));
        etag = response.headers.get("ETag");
        return response.text();
      })
      .then(function (html) {
        board.classList.remove("board-stale");
        if (html === null) { updateAges(); return; }
        var before = keys();
        var focus = focusedKey();
        holder.innerHTML = html;
        var fresh = 0;
        holder.querySelectorAll("[data-order], [data-bill]").forEach(function (el) {
          var key = el.hasAttribute("data-order") ? "o" + el.getAttribute("data-order") : "b" + el.getAttribute("data-bill");
          if (!before.has(key)) { el.classList.add("board-new"); fresh += 1; }
        });
        if (focus) {
          var again = holder.querySelector('form[action="' + focus + '"] button');
          if (again) again.focus();
        }
        updateAges();
        if (fresh) tone();
        status.textContent = status.getAttribute("data-ok") || "";
        board.classList.remove("board-stale");
      })
      .catch(function () {
        board.classList.add("board-stale");
        status.textContent = status.getAttribute("data-stale") || "";
      })
      .then(function () { busy = false; schedule(); });
  }

  function schedule() {
    clearTimeout(timer);
    // A hidden tab does not poll; it catches up as soon as it is shown again.
    if (!document.hidden) timer = setTimeout(refresh, every);
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) refresh();
  });
  schedule();
})();
