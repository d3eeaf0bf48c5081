// Traduce la única etiqueta de la interfaz que no admite configuración ni plantilla:
// sphinx-togglebutton crea por JavaScript sus botones con aria-label «Toggle hidden content».
// Se ejecuta después de togglebutton.js (que actúa en DOMContentLoaded).
(function () {
  "use strict";
  var ETIQUETA = "Mostrar u ocultar el contenido";
  function traducir() {
    document.querySelectorAll('button.toggle-button[aria-label="Toggle hidden content"]')
      .forEach(function (boton) { boton.setAttribute("aria-label", ETIQUETA); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setTimeout(traducir, 0); });
  } else {
    traducir();
  }
  window.addEventListener("load", traducir);
})();
