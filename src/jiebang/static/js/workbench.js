// The queue's "tick all on this page" button (no inline script under the CSP).
document.addEventListener("click", function (event) {
  const button = event.target.closest("#select-all");
  if (!button) return;
  const boxes = document.querySelectorAll('input[type=checkbox][form="' + button.dataset.target + '"]');
  const tick = Array.from(boxes).some(function (box) { return !box.checked; });
  boxes.forEach(function (box) { box.checked = tick; });
});
