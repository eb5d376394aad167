// Print buttons: <button data-print>. A static file rather than an inline onclick, which the
// Content-Security-Policy (script-src 'self') refuses.
document.addEventListener("click", function (event) {
  var target = event.target.closest ? event.target.closest("[data-print]") : null;
  if (target) {
    event.preventDefault();
    window.print();
  }
});
