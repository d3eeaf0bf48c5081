"""Accesibilidad del libro publicado: axe-core en Chromium, foco visible y orden del tabulador.

axe-core (npm, versión fijada en package-lock.json; ``make test`` lo instala con
scripts/asegurar_node.sh) audita cada página de ``_toc.yml`` en modo claro y oscuro, en el
escritorio y en un teléfono. Ninguna página puede tener infracciones graves o críticas.
Además se recorre la página con el tabulador como lo haría quien no usa ratón: cada botón
de la cabecera muestra dónde está el foco y las fórmulas no son paradas del tabulador
(conservan su copia en MathML para los lectores de pantalla).

El resumen de infracciones por impacto queda en ``_build/screenshots/axe.json``.
"""
import json
import re
from pathlib import Path

import pytest

from test_navegador import (  # noqa: F401  (fijaciones compartidas con las pruebas del navegador)
    ESCRITORIO, JS_ESPERAR_MATHJAX, PAGINA_RETROPROPAGACION, PAGINAS, TELEFONO, _abrir,
)

RAIZ = Path(__file__).resolve().parents[1]
AXE = RAIZ / "node_modules" / "axe-core" / "axe.min.js"
MODOS = {"claro": "light", "oscuro": "dark"}
DISPOSITIVOS = {"escritorio": ESCRITORIO, "telefono": TELEFONO}
# Impactos que hacen fallar la prueba; las demás infracciones se anotan en axe.json.
GRAVES = {"serious", "critical"}
# Reglas moderadas o menores que el libro o el tema incumplían y ya están corregidas: no pueden volver.
# empty-table-header: una cabecera de tabla sin palabras (vacía o solo una fórmula) no dice nada a
# un lector de pantalla.
CORREGIDAS = {"region", "label-content-name-mismatch", "empty-table-header"}
RESUMEN_AXE = {}
# Las páginas largas (cientos de fórmulas) tardan en cargar en una máquina ocupada.
CARGA_MS = 60_000

JS_AXE = """
async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({
    id: v.id, impacto: v.impact, ayuda: v.help,
    nodos: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' + n.failureSummary.replace(/\\s+/g, ' ')),
    total: v.nodes.length,
  }));
}
"""

# Elemento con el foco: dónde está y si se ve el indicador (contorno o sombra sólida de 2 px o más).
JS_FOCO = """
() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const opaco = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return false;
                       const p = m[1].split(',').map(Number); return p.length < 4 || p[3] > 0.5; };
  const contorno = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && opaco(s.outlineColor);
  const sombra = s.boxShadow !== 'none' && s.boxShadow.split(/,(?![^(]*\\))/).some(sh => {
    const medidas = (sh.match(/-?[\\d.]+px/g) || []).map(parseFloat);
    return opaco(sh) && medidas.length >= 4 && Math.abs(medidas[3]) >= 2;
  });
  const r = e.getBoundingClientRect();
  return {
    etiqueta: e.tagName.toLowerCase(),
    nombre: (e.getAttribute('aria-label') || e.getAttribute('title') || e.innerText || '').trim().slice(0, 60),
    clase: typeof e.className === 'string' ? e.className : '',
    cabecera: !!e.closest('.bd-header-article, .bd-header, .bd-sidebar-primary'),
    formula: e.tagName === 'MJX-CONTAINER',
    desplazable: e.scrollWidth > e.clientWidth + 1,
    visible: contorno || sombra, tamano: r.width > 0 && r.height > 0,
  };
}
"""

JS_BOTONES_DE_CABECERA = """
() => [...document.querySelectorAll('.bd-header-article button, .bd-header-article a.btn, .search-button-field')]
  .filter(b => b.getClientRects().length && getComputedStyle(b).visibility !== 'hidden'
               && !b.closest('.dropdown-menu'))
  .map(b => (b.getAttribute('aria-label') || b.getAttribute('title') || b.innerText).trim())
"""

JS_MATHML = """
() => [...document.querySelectorAll('mjx-container')].filter(m => !m.querySelector('mjx-assistive-mml math')).length
"""


@pytest.fixture(scope="session")
def axe_js():
    if not AXE.is_file():
        pytest.fail(f"Falta {AXE.relative_to(RAIZ)}: instala axe-core con «make test» (o «npm ci» "
                    "en la raíz del repositorio).")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def contextos(navegador, capturas):
    """Un contexto de Chromium por dispositivo (y modo de color inicial), creado al pedirlo."""
    abiertos = {}

    def contexto(dispositivo, modo="claro"):
        if (modo, dispositivo) not in abiertos:
            telefono = dispositivo == "telefono"
            abiertos[modo, dispositivo] = navegador.new_context(
                viewport=DISPOSITIVOS[dispositivo], color_scheme=MODOS[modo], locale="es-ES",
                is_mobile=telefono, has_touch=telefono, service_workers="block")
        return abiertos[modo, dispositivo]

    yield contexto
    for c in abiertos.values():
        c.close()
    (capturas / "axe.json").write_text(json.dumps(RESUMEN_AXE, ensure_ascii=False, indent=1),
                                       encoding="utf-8")


def _auditar(contexto, url, axe_js, clave, espera=None):
    """Abre url y la audita con axe en modo claro y en modo oscuro (sin recargarla).

    El tema sigue el modo del sistema (``default_mode: auto``): se cambia con la preferencia
    ``prefers-color-scheme`` emulada y se espera a que el tema lo aplique.
    """
    pagina, _ = _abrir(contexto, url, CARGA_MS)
    resultados = {}
    try:
        assert pagina.evaluate(JS_ESPERAR_MATHJAX) in ("ok", "sin fórmulas")
        if espera:
            pagina.wait_for_function(espera, timeout=15_000)
        pagina.add_script_tag(content=axe_js)
        for modo, esquema in MODOS.items():
            pagina.emulate_media(color_scheme=esquema)
            pagina.wait_for_function("(t) => document.documentElement.dataset.theme === t", arg=esquema,
                                     timeout=5_000)
            # Los colores del tema cambian con transiciones: se mide cuando han terminado.
            pagina.evaluate("async () => { await new Promise(r => requestAnimationFrame(r));"
                            " await Promise.all(document.getAnimations().map(a => a.finished.catch(() => null))); }")
            infracciones = pagina.evaluate(JS_AXE)
            resaltadas = pagina.evaluate("() => document.querySelectorAll('span.highlighted').length")
            RESUMEN_AXE[f"{clave} · {modo}"] = {v["id"]: {"impacto": v["impacto"], "nodos": v["total"]}
                                                for v in infracciones}
            resultados[modo] = (infracciones, resaltadas)
    finally:
        pagina.close()
    return resultados


def _informe(infracciones):
    return "\n  ".join(f"[{v['impacto']}] {v['id']} ({v['total']} nodos): {v['ayuda']}\n    " +
                       "\n    ".join(v["nodos"]) for v in infracciones)


def _graves(resultados):
    return {modo: [v for v in infracciones if v["impacto"] in GRAVES or v["id"] in CORREGIDAS]
            for modo, (infracciones, _) in resultados.items()}


@pytest.mark.parametrize("dispositivo", DISPOSITIVOS)
@pytest.mark.parametrize("doc", PAGINAS + ["search"])
def test_axe_sin_infracciones_graves(contextos, servidor, axe_js, doc, dispositivo):
    """axe en modo claro y oscuro: ninguna infracción grave o crítica (ni de las ya corregidas)."""
    resultados = _auditar(contextos(dispositivo), f"{servidor}{doc}.html", axe_js, f"{doc} · {dispositivo}")
    graves = {modo: g for modo, g in _graves(resultados).items() if g}
    assert not graves, "\n".join(f"{doc} ({modo}, {dispositivo}): axe encuentra infracciones de "
                                 f"accesibilidad:\n  " + _informe(g) for modo, g in graves.items())


def test_axe_resultados_de_busqueda_resaltados(contextos, servidor, axe_js):
    """Los resultados de una búsqueda resaltan la palabra buscada: se leen en ambos modos."""
    espera = ("() => document.querySelectorAll('#search-results span.highlighted').length > 0"
              " && !document.querySelector('.search-progress')")
    resultados = _auditar(contextos("escritorio"), f"{servidor}search.html?q=gradiente", axe_js,
                          "search?q=gradiente · escritorio", espera)
    for modo, (_, resaltadas) in resultados.items():
        assert resaltadas > 0, f"({modo}) la búsqueda no resaltó «gradiente»: la prueba no mide el contraste."
    graves = {modo: g for modo, g in _graves(resultados).items() if g}
    assert not graves, "\n".join(f"Resultados de búsqueda en modo {modo}:\n  " + _informe(g)
                                 for modo, g in graves.items())


def _recorrer_con_tabulador(pagina, maximo=400):
    """Pulsa Tab desde el principio hasta volver al cuerpo de la página; devuelve cada parada."""
    paradas = []
    for _ in range(maximo):
        pagina.keyboard.press("Tab")
        foco = pagina.evaluate(JS_FOCO)
        if foco is None:
            return paradas
        paradas.append(foco)
    pytest.fail(f"Tras {maximo} pulsaciones de Tab el foco no ha llegado al final de la página: "
                f"las últimas paradas son {[p['nombre'] for p in paradas[-5:]]}")


@pytest.mark.parametrize("dispositivo", DISPOSITIVOS)
@pytest.mark.parametrize("modo", MODOS)
def test_foco_visible_y_orden_del_tabulador(contextos, servidor, modo, dispositivo):
    """Con el teclado: cada botón de la cabecera se alcanza y muestra el foco; las fórmulas no son paradas."""
    pagina, _ = _abrir(contextos(dispositivo, modo), f"{servidor}{PAGINA_RETROPROPAGACION}.html", CARGA_MS)
    try:
        assert pagina.evaluate(JS_ESPERAR_MATHJAX) == "ok"
        botones = pagina.evaluate(JS_BOTONES_DE_CABECERA)
        sin_mathml = pagina.evaluate(JS_MATHML)
        formulas = pagina.evaluate("() => document.querySelectorAll('mjx-container').length")
        paradas = _recorrer_con_tabulador(pagina)
    finally:
        pagina.close()
    assert len(botones) >= 4, f"Solo se ven {len(botones)} botones en la cabecera: {botones}"
    alcanzados = {p["nombre"] for p in paradas if p["cabecera"]}
    faltan = [b for b in botones if b not in alcanzados and not any(a.startswith(b) for a in alcanzados)]
    assert not faltan, f"({modo}, {dispositivo}) el tabulador no llega a estos botones: {faltan}"
    sin_foco = [f"{p['etiqueta']}.{p['clase']} «{p['nombre']}»" for p in paradas if not p["visible"]]
    assert not sin_foco, (f"({modo}, {dispositivo}) al recibir el foco con el teclado no se ve "
                          f"dónde está:\n  " + "\n  ".join(sin_foco))
    # Una fórmula solo puede ser parada si no cabe y hay que desplazarla con el teclado.
    formulas_parada = [p["nombre"] for p in paradas if p["formula"] and not p["desplazable"]]
    assert not formulas_parada, (
        f"({modo}, {dispositivo}) {len(formulas_parada)} de {len(paradas)} paradas del tabulador "
        f"son fórmulas: {formulas_parada[:5]}")
    assert sin_mathml == 0, f"{sin_mathml} de {formulas} fórmulas no tienen copia en MathML para lectores de pantalla."


def test_mathjax_lee_las_formulas_en_espanol(navegador, servidor):
    """Quien activa el explorador de MathJax (menú contextual → Accessibility) lo oye en español."""
    contexto = navegador.new_context(locale="es-ES", service_workers="block")
    # Así guarda MathJax la opción cuando el lector la activa en su menú.
    contexto.add_init_script("localStorage.setItem('MathJax-Menu-Settings', JSON.stringify({explorer: true}))")
    try:
        pagina, problemas = _abrir(contexto, f"{servidor}book/02-funciones-de-coste.html", CARGA_MS)
        # Con el explorador, MathJax analiza cada fórmula antes de mostrarla: tarda más.
        pagina.wait_for_function(
            "() => { const m = document.querySelector('mjx-container[display=\"true\"]');"
            " return m && (m.getAttribute('aria-label') || '').length > 0; }", timeout=90_000)
        voz = pagina.evaluate("() => document.querySelector('mjx-container[display=\"true\"]').getAttribute('aria-label')")
    finally:
        contexto.close()
    palabras = set(re.findall(r"\w+", voz.lower()))
    assert palabras & {"igual", "paréntesis", "fracción", "entre", "más", "menos", "por", "subíndice",
                       "superíndice", "bajoíndice", "mayúscula"}, f"La voz de MathJax no está en español: «{voz}»"
    assert not palabras & {"equals", "open", "close", "times", "plus", "minus", "fraction", "sub",
                           "super", "upper"}, f"La voz de MathJax tiene palabras inglesas: «{voz}»"
    assert not problemas, "Errores al activar el explorador de MathJax:\n  " + "\n  ".join(problemas)
