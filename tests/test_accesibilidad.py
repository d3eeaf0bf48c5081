"""Accesibilidad del libro publicado: axe-core en Chromium, foco visible y orden del tabulador.

axe-core (npm, versión fijada en package-lock.json; ``make test`` lo instala con
scripts/asegurar_node.sh) audita cada página de ``_toc.yml`` en modo claro y oscuro, en el
escritorio y en un teléfono. Ninguna página puede tener infracciones graves o críticas.
Además se recorre la página con el tabulador como lo haría quien no usa ratón: cada botón
de la cabecera muestra dónde está el foco y las fórmulas no son paradas del tabulador
(conservan su copia en MathML para los lectores de pantalla).

Cada página se abre una sola vez por dispositivo y allí se audita en los dos modos
(tests/libro_en_chromium.py, compartido con test_navegador.py). El resumen de infracciones por
impacto queda en ``_build/screenshots/axe.json``.
"""
import json
import re

import pytest

from libro_en_chromium import BUSQUEDA_RESALTADA, DISPOSITIVOS, MODOS, PAGINA_RETROPROPAGACION, PAGINAS
from test_navegador import _abrir, medido

# Impactos que hacen fallar la prueba; las demás infracciones se anotan en axe.json.
GRAVES = {"serious", "critical"}
# Reglas moderadas o menores que el libro o el tema incumplían y ya están corregidas: no pueden volver.
# empty-table-header: una cabecera de tabla sin palabras (vacía o solo una fórmula) no dice nada a
# un lector de pantalla.
CORREGIDAS = {"region", "label-content-name-mismatch", "empty-table-header"}
# Las páginas largas (cientos de fórmulas) tardan en cargar en una máquina ocupada.
CARGA_MS = 60_000


@pytest.fixture(scope="session")
def resumen_axe(capturas):
    """Infracciones de cada página, modo y dispositivo; se guarda en _build/screenshots/axe.json."""
    resumen = {}
    yield resumen
    (capturas / "axe.json").write_text(json.dumps(resumen, ensure_ascii=False, indent=1), encoding="utf-8")


def _auditado(recorrido, resumen_axe, doc, dispositivo):
    """{modo: {"infracciones": [...], "resaltadas": n}} de axe en ``doc`` (tests/libro_en_chromium.py)."""
    datos = medido(recorrido, doc, dispositivo)
    assert datos["mathjax"] in ("ok", "sin fórmulas"), f"{doc} ({dispositivo}): {datos['mathjax']}"
    if "error" in datos["axe"]:
        pytest.fail(datos["axe"]["error"])
    for modo, r in datos["axe"].items():
        resumen_axe[f"{doc} · {dispositivo} · {modo}"] = {v["id"]: {"impacto": v["impacto"], "nodos": v["total"]}
                                                         for v in r["infracciones"]}
    return datos["axe"]


def _informe(infracciones):
    return "\n  ".join(f"[{v['impacto']}] {v['id']} ({v['total']} nodos): {v['ayuda']}\n    " +
                       "\n    ".join(v["nodos"]) for v in infracciones)


def _graves(resultados):
    return {modo: [v for v in r["infracciones"] if v["impacto"] in GRAVES or v["id"] in CORREGIDAS]
            for modo, r in resultados.items()}


@pytest.mark.parametrize("dispositivo", DISPOSITIVOS)
@pytest.mark.parametrize("doc", PAGINAS + ["search"])
def test_axe_sin_infracciones_graves(recorrido, resumen_axe, doc, dispositivo):
    """axe en modo claro y oscuro: ninguna infracción grave o crítica (ni de las ya corregidas)."""
    resultados = _auditado(recorrido, resumen_axe, doc, dispositivo)
    graves = {modo: g for modo, g in _graves(resultados).items() if g}
    assert not graves, "\n".join(f"{doc} ({modo}, {dispositivo}): axe encuentra infracciones de "
                                 f"accesibilidad:\n  " + _informe(g) for modo, g in graves.items())


def test_axe_resultados_de_busqueda_resaltados(recorrido, resumen_axe):
    """Los resultados de una búsqueda resaltan la palabra buscada: se leen en ambos modos."""
    resultados = _auditado(recorrido, resumen_axe, BUSQUEDA_RESALTADA, "escritorio")
    for modo, r in resultados.items():
        assert r["resaltadas"] > 0, f"({modo}) la búsqueda no resaltó «gradiente»: la prueba no mide el contraste."
    graves = {modo: g for modo, g in _graves(resultados).items() if g}
    assert not graves, "\n".join(f"Resultados de búsqueda en modo {modo}:\n  " + _informe(g)
                                 for modo, g in graves.items())


@pytest.mark.parametrize("dispositivo", DISPOSITIVOS)
@pytest.mark.parametrize("modo", MODOS)
def test_foco_visible_y_orden_del_tabulador(recorrido, modo, dispositivo):
    """Con el teclado: cada botón de la cabecera se alcanza y muestra el foco; las fórmulas no son paradas."""
    datos = medido(recorrido, PAGINA_RETROPROPAGACION, dispositivo)
    assert datos["mathjax"] == "ok", f"{PAGINA_RETROPROPAGACION} ({dispositivo}): {datos['mathjax']}"
    foco = datos["foco"][modo]
    if "error" in foco:
        pytest.fail(f"({modo}, {dispositivo}) {foco['error']}")
    botones, paradas, sin_mathml, formulas = foco["botones"], foco["paradas"], foco["sin_mathml"], foco["formulas"]
    assert len(botones) >= 4, f"({modo}, {dispositivo}) solo se ven {len(botones)} botones en la cabecera: {botones}"
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
    assert sin_mathml == 0, (f"({modo}, {dispositivo}) {sin_mathml} de {formulas} fórmulas no tienen copia "
                             "en MathML para lectores de pantalla.")


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
