// Ajustes pequeños de la interfaz que el tema no permite configurar.
(function () {
  "use strict";

  // 1. sphinx-togglebutton crea por JavaScript sus botones con aria-label «Toggle hidden
  //    content» (sin traducción ni opción para cambiarlo).
  var ETIQUETA = "Mostrar u ocultar el contenido";
  function traducirBotones() {
    document.querySelectorAll('button.toggle-button[aria-label="Toggle hidden content"]')
      .forEach(function (boton) { boton.setAttribute("aria-label", ETIQUETA); });
  }

  // 2. En la página de búsqueda, Sphinx resume cada resultado con el texto de la zona
  //    principal de la página, que en este tema empieza por los botones de la cabecera
  //    («.md .pdf … Contenido»). Se quitan la cabecera y los índices antes de resumir.
  function limpiarResumenesDeBusqueda() {
    if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") return;
    var original = Search.htmlToText;
    Search.htmlToText = function (html, ancla) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      doc.querySelectorAll(".bd-header-article, .onlyprint, .prev-next-area, .bd-sidebar-secondary")
        .forEach(function (el) { el.remove(); });
      return original.call(this, doc.documentElement.outerHTML, ancla);
    };
  }

  // 3. El botón del tema (claro u oscuro) dice en su nombre accesible el modo actual (los iconos son
  //    decorativos, ver _templates/theme-switcher.html) y lo actualiza al cambiar.
  var MODOS = {light: "claro", dark: "oscuro", auto: "el del sistema"};
  function nombrarBotonDelTema() {
    var modo = MODOS[document.documentElement.dataset.mode] || MODOS.auto;
    document.querySelectorAll(".theme-switch-button").forEach(function (boton) {
      boton.setAttribute("aria-label", "Tema: " + modo + " (pulsa para cambiarlo)");
    });
  }

  // 4. La barra lateral del índice es un <div> sin papel de región: el logotipo y el buscador
  //    quedaban fuera de toda región (axe, regla «region»). Se marca como complementaria.
  function marcarBarraLateral() {
    var barra = document.getElementById("pst-primary-sidebar");
    if (barra && !barra.hasAttribute("role")) {
      barra.setAttribute("role", "complementary");
      barra.setAttribute("aria-label", "Barra lateral del libro");
    }
  }

  // 5. Las fórmulas quedan fuera del orden del tabulador (configuración de MathJax en
  //    _ext/curso_sphinx.py), salvo las que no caben y se desplazan en su caja: sin foco no se
  //    podrían desplazar con el teclado (axe, regla «scrollable-region-focusable»).
  function formulasDesplazables() {
    // También la caja div.math de Sphinx: una fórmula con nombre (\tag, como BP1–BP4) se compone
    // a todo el ancho y lo que se desplaza en un teléfono es esa caja, no la fórmula.
    document.querySelectorAll('mjx-container[display="true"], div.math').forEach(function (formula) {
      var desborda = formula.scrollWidth > formula.clientWidth + 1;
      if (desborda) {
        formula.setAttribute("tabindex", "0");
      } else if (formula.getAttribute("tabindex") === "0") {
        formula.setAttribute("tabindex", "-1");
      }
    });
  }
  function vigilarFormulas() {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(formulasDesplazables);
    }
    var espera;
    window.addEventListener("resize", function () {
      clearTimeout(espera);
      espera = setTimeout(formulasDesplazables, 200);
    });
  }

  function alCargar() {
    setTimeout(traducirBotones, 0);  // después de togglebutton.js (también en DOMContentLoaded)
    limpiarResumenesDeBusqueda();
    marcarBarraLateral();
    nombrarBotonDelTema();
    new MutationObserver(nombrarBotonDelTema)
      .observe(document.documentElement, {attributes: true, attributeFilter: ["data-mode"]});
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", alCargar);
  } else {
    alCargar();
  }
  window.addEventListener("load", traducirBotones);
  window.addEventListener("load", vigilarFormulas);
})();
