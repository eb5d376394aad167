// Page behaviour shared by the staff pages, as a static file (the Content-Security-Policy refuses
// inline scripts): "select all on this page" boxes, confirmations of irreversible steps, and the
// navigation toggle of narrow screens.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (box.matches && box.matches("[data-select-all]")) {
    var form = box.form || box.closest("form");
    form.querySelectorAll("input[type=checkbox][name=" + box.getAttribute("data-select-all") + "]").forEach(
      function (item) { item.checked = box.checked; }
    );
  }
});
document.addEventListener("click", function (event) {
  var target = event.target.closest ? event.target.closest("[data-confirm]") : null;
  if (target && !window.confirm(target.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
  var toggle = event.target.closest ? event.target.closest("[data-nav-toggle]") : null;
  if (toggle) {
    var nav = document.getElementById(toggle.getAttribute("aria-controls"));
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("open", open);
  }
});
