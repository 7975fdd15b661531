// Adds a "Show" button to every password field; without JavaScript the field simply stays hidden.
// Its words come from data attributes on <body> (translated by base.html), English otherwise.
document.addEventListener("DOMContentLoaded", function () {
  var words = document.body.dataset;
  var show = words.passwordShow || "Show";
  var hide = words.passwordHide || "Hide";
  var showLabel = words.passwordShowLabel || "Show password";
  var hideLabel = words.passwordHideLabel || "Hide password";
  document.querySelectorAll("input[type=password]").forEach(function (input) {
    var wrap = document.createElement("div");
    wrap.className = "password-wrap";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "password-toggle";
    button.textContent = show;
    button.setAttribute("aria-label", showLabel);
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function () {
      var showing = input.type === "password";
      input.type = showing ? "text" : "password";
      button.textContent = showing ? hide : show;
      button.setAttribute("aria-label", showing ? hideLabel : showLabel);
      button.setAttribute("aria-pressed", showing ? "true" : "false");
    });
    wrap.appendChild(button);
  });
});
