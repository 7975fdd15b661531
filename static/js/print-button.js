// A button marked data-print opens the browser's print dialog (a script file, so the CSP needs no inline handler).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
