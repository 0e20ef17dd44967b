// The only script: apply the language choice as soon as it changes (the button does it without script).
document.addEventListener("DOMContentLoaded", function () {
  var select = document.getElementById("lang-select");
  if (select && select.form) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
});
