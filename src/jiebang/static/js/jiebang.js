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
