// Jiebang: behaviour shared by all pages. Page-specific code lives beside it in static/js/.
document.addEventListener("htmx:responseError", function (event) {
  const status = event.detail.xhr.status;
  const box = document.createElement("div");
  box.className = "alert alert-danger";
  box.setAttribute("role", "alert");
  box.textContent = document.documentElement.lang.startsWith("zh")
    ? "请求失败（" + status + "），请刷新页面后重试。"
    : "The request failed (" + status + "). Please reload the page and try again.";
  document.querySelector("main").prepend(box);
});
// Phones: label every cell with its column header so a table can show as stacked cards.
function stackTables(root) {
  root.querySelectorAll("main table.table").forEach(function (table) {
    const headers = Array.from(table.querySelectorAll("thead th")).map(function (th) {
      return th.textContent.trim();
    });
    if (!headers.length) return;
    table.classList.add("table-stack");
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.from(row.children).forEach(function (cell, index) {
        if (!cell.hasAttribute("data-label") && headers[index] && !cell.hasAttribute("colspan")) {
          cell.setAttribute("data-label", headers[index]);
        }
      });
    });
  });
}
document.addEventListener("DOMContentLoaded", function () { stackTables(document); });
document.addEventListener("htmx:afterSwap", function () { stackTables(document); });
