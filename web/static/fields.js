// hostwatch form fields: the one helper for a hidden field a script keeps in a GET form (the
// range form's time zone, the explorer's search), so a submit carries what the page knows.
"use strict";

window.hostwatchFields = {
  // The form's hidden field `name` (made if missing), set to `value`.
  hidden(form, name, value) {
    let field = form.querySelector("input[type=hidden][name='" + name + "']");
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = name;
      form.appendChild(field);
    }
    field.value = value;
    return field;
  },
};
