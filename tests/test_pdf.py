"""El libro en papel: el PDF de ``make pdf`` y la impresión de un capítulo desde el navegador.

El PDF se construye una sola vez por sesión con el mismo programa que usa ``make pdf``
(scripts/libro_pdf.py: página única de Jupyter Book impresa por el Chromium de Debian) y se
lee con pypdf: número de páginas, índice, capítulos numerados, texto en español, fórmulas
compuestas (ni ``$`` ni órdenes de TeX) y las soluciones de los ejercicios impresas.
"""
import copy
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from test_navegador import (  # noqa: F401  (fijaciones compartidas con las pruebas del navegador)
    JS_ESPERAR_MATHJAX, PAGINA_RETROPROPAGACION, PAGINAS, _abrir,
)

RAIZ = Path(__file__).resolve().parents[1]
PDF = RAIZ / "_build" / "pdf" / "libro.pdf"
PAGINA_UNICA = RAIZ / "_build" / "singlehtml" / "book" / "intro.html"
# Restos de TeX sin componer: dólares o una orden de TeX seguida de letra, llave o espacio.
TEX_CRUDO = re.compile(r"\$|\\(?:frac|begin|end|sum|partial|sigma|mathbb|mathcal|hat|cdot|left|right|sqrt|"
                       r"eta|theta|alpha|delta|nabla|mathbf|boldsymbol|operatorname|text|odot|ln|log)\b")
INTERFAZ_SOBRANTE = ("Pulsa para mostrar", "Pulsa para ocultar", "Mostrar la celda", "Click to show",
                     "Toggle hidden content", "Copy to clipboard")
PALABRAS_ES = ("de", "la", "que", "el", "en", "los", "del", "las", "una", "con", "por", "es")
PALABRAS_EN = ("the", "and", "of", "to", "is", "with", "that", "for", "this", "are")


def _normalizar(texto):
    texto = unicodedata.normalize("NFKD", texto.lower())
    return re.sub(r"[^a-z0-9]", "", texto.encode("ascii", "ignore").decode())


def _capitulos():
    """(documento, título) de cada capítulo de _toc.yml, leído de su primer «# …»."""
    capitulos = []
    for doc in PAGINAS[1:]:
        for linea in (RAIZ / f"{doc}.md").read_text(encoding="utf-8").splitlines():
            if linea.startswith("# "):
                capitulos.append((doc, linea[2:].strip()))
                break
    return capitulos


@pytest.fixture(scope="session")
def libro_pdf(libro_html):
    """Ejecuta una vez lo mismo que `make pdf` (después de construir el HTML: reutiliza su caché)."""
    resultado = subprocess.run([sys.executable, str(RAIZ / "scripts" / "libro_pdf.py")], cwd=RAIZ,
                               capture_output=True, text=True)
    if resultado.returncode != 0:
        pytest.fail("make pdf falló:\n" + resultado.stdout[-3000:] + resultado.stderr[-5000:])
    lector = PdfReader(PDF)
    paginas = [p.extract_text() or "" for p in lector.pages]
    return {"lector": lector, "paginas": paginas, "texto": "\n".join(paginas), "salida": resultado.stdout}


@pytest.fixture(scope="session")
def pagina_unica(libro_pdf):
    """La página única (singlehtml) que se imprimió, ya analizada."""
    return BeautifulSoup(PAGINA_UNICA.read_text(encoding="utf-8"), "html.parser")


def _imagenes_del_pdf(lector):
    """Imágenes de mapa de bits de cada página (sin descomprimirlas)."""
    total = 0
    for pagina in lector.pages:
        recursos = pagina.get("/Resources") or {}
        objetos = recursos.get("/XObject") or {}
        total += sum(1 for o in objetos.values() if o.get_object().get("/Subtype") == "/Image")
    return total


def test_pdf_tiene_un_numero_de_paginas_razonable(libro_pdf):
    n = len(libro_pdf["paginas"])
    # Once capítulos con figuras y ejercicios: menos de 40 páginas es que falta contenido;
    # más de 400, que algo se ha roto en la maquetación (p. ej. una página por fórmula).
    assert 40 <= n <= 400, f"El PDF del libro tiene {n} páginas."
    vacias = [i + 1 for i, t in enumerate(libro_pdf["paginas"]) if len(t.split()) < 3]
    assert len(vacias) <= 2, f"Páginas casi vacías en el PDF: {vacias}"


def test_pdf_en_espanol(libro_pdf):
    palabras = Counter(re.findall(r"[a-záéíóúñü]+", libro_pdf["texto"].lower()))
    es = sum(palabras[p] for p in PALABRAS_ES)
    en = sum(palabras[p] for p in PALABRAS_EN)
    assert es > 20 * max(en, 1), f"El texto del PDF no parece español ({es} palabras españolas frecuentes, {en} inglesas)."
    sobrante = [s for s in INTERFAZ_SOBRANTE if s.lower() in libro_pdf["texto"].lower()]
    assert not sobrante, f"El PDF imprime textos de la interfaz web: {sobrante}"
    assert libro_pdf["lector"].metadata.title == "Entrenamiento de redes neuronales"


def test_pdf_formulas_compuestas(libro_pdf, pagina_unica):
    # El código de las celdas puede llevar TeX a propósito (etiquetas de matplotlib): sus líneas
    # (las de los bloques <pre> del libro, quizá partidas al imprimir) no cuentan.
    codigo = "\n".join(pre.get_text() for pre in pagina_unica.find_all("pre"))
    restos = []
    for n, texto in enumerate(libro_pdf["paginas"], 1):
        for linea in texto.splitlines():
            if linea.strip() and linea.strip() in codigo:
                continue
            restos += [f"pág. {n}: «…{linea[max(0, m.start() - 40):m.end() + 30]}…»"
                       for m in TEX_CRUDO.finditer(linea)]
    assert not restos, "El PDF tiene TeX sin componer:\n  " + "\n  ".join(restos[:8])
    # Y las fórmulas están: símbolos que solo escribe MathJax.
    simbolos = sum(libro_pdf["texto"].count(s) for s in "∂∑θησδ∇⊙")
    assert simbolos > 200, f"El PDF apenas tiene símbolos matemáticos ({simbolos}): ¿se imprimió antes que MathJax?"


def test_pdf_indice_y_capitulos_numerados(libro_pdf):
    paginas = libro_pdf["paginas"]
    normalizadas = [_normalizar(p) for p in paginas]
    # El índice está al principio y cada capítulo está en él con su página.
    indice = next((i for i, t in enumerate(paginas[:6]) if "Índice" in t), None)
    assert indice is not None, "El PDF no tiene índice en las primeras páginas."
    texto_indice = "\n".join(paginas[indice:indice + 4])
    for doc, titulo in _capitulos():
        linea = next((l for l in texto_indice.splitlines() if _normalizar(titulo)[:25] in _normalizar(l)), None)
        assert linea, f"El índice del PDF no incluye «{titulo}»."
        numero = re.search(r"(\d+)\s*$", linea)
        assert numero, f"La entrada del índice «{linea}» no tiene número de página."
        pagina = int(numero.group(1))
        assert _normalizar(titulo)[:25] in normalizadas[pagina - 1], (
            f"El índice dice que «{titulo}» empieza en la página {pagina}, pero no está allí.")
        capitulo = re.match(r"book/(\d+)-", doc)
        if capitulo:  # capítulos numerados como en el texto («capítulo 6»)
            assert f"capitulo{int(capitulo.group(1))}" in normalizadas[pagina - 1], (
                f"«{titulo}» no lleva su número de capítulo ({int(capitulo.group(1))}) en el PDF.")
    # Marcadores del PDF (panel lateral del lector): uno por capítulo, a cualquier nivel.
    marcadores = []

    def aplanar(elementos):
        for m in elementos:
            aplanar(m) if isinstance(m, list) else marcadores.append(_normalizar(m.title or ""))

    aplanar(libro_pdf["lector"].outline)
    sin_marcador = [t for _, t in _capitulos() if not any(_normalizar(t)[:25] in m for m in marcadores)]
    assert not sin_marcador, f"Capítulos sin marcador en el PDF: {sin_marcador}"


def test_pdf_figuras(libro_pdf, pagina_unica):
    """Cada figura del libro (imagen de mapa de bits del artículo) está en el PDF."""
    figuras = [i["src"] for i in pagina_unica.select("article.bd-article img")
               if i.get("src", "").lower().endswith((".png", ".jpg", ".jpeg"))]
    assert figuras, "El libro no tiene figuras: la prueba no mide nada."
    imagenes = _imagenes_del_pdf(libro_pdf["lector"])
    assert imagenes >= len(figuras), f"El PDF tiene {imagenes} imágenes y el libro {len(figuras)} figuras."


def test_pdf_ejercicios_con_sus_soluciones(libro_pdf, pagina_unica):
    """Cada solución desplegable del libro sale impresa (abierta) en el PDF."""
    soluciones = pagina_unica.select("div.dropdown, div.toggle, div.solution, details.sd-dropdown")
    assert soluciones, "El libro no tiene soluciones desplegables: la prueba no mide nada."
    texto_pdf = _normalizar(libro_pdf["texto"])
    faltan = []
    for solucion in soluciones:
        solucion = copy.copy(solucion)  # no se toca la página compartida por las demás pruebas
        # Las fórmulas en línea se extraen del PDF aparte del texto que las rodea: se quitan.
        for quitar in solucion.select(".math, .admonition-title, summary, mjx-container"):
            quitar.decompose()
        fragmentos = [f for f in (_normalizar(p.get_text()) for p in solucion.find_all("p")) if len(f) >= 12]
        if fragmentos and fragmentos[0][:20] not in texto_pdf:
            faltan.append(solucion.get_text(" ", strip=True)[:80])
    assert not faltan, f"Soluciones que no salen en el PDF ({len(faltan)} de {len(soluciones)}):\n  " + "\n  ".join(faltan[:5])


JS_SOLUCIONES_IMPRESAS = """
() => {
  const visible = e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && parseFloat(s.opacity) > 0; };
  const soluciones = [...document.querySelectorAll('.admonition.toggle, details')];
  const ocultas = soluciones.filter(s => [...s.children].some(h =>
      !h.matches('.admonition-title, summary') && !visible(h)));
  const pistas = [...document.querySelectorAll('body *')].filter(e => {
    if (!visible(e)) return false;
    const antes = getComputedStyle(e, '::before').content;
    const propio = [...e.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('');
    return /Pulsa para|Mostrar la celda/.test(propio + ' ' + antes);
  }).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.'));
  return {soluciones: soluciones.length, ocultas: ocultas.length, pistas};
}
"""


@pytest.mark.parametrize("doc", ["book/02-funciones-de-coste", PAGINA_RETROPROPAGACION])
def test_imprimir_un_capitulo_muestra_las_soluciones(navegador, servidor, tmp_path, doc):
    """«Imprimir en PDF» desde el navegador: soluciones abiertas y sin «Pulsa para mostrar»."""
    contexto = navegador.new_context(locale="es-ES")
    try:
        pagina, _ = _abrir(contexto, f"{servidor}{doc}.html")
        assert pagina.evaluate(JS_ESPERAR_MATHJAX) in ("ok", "sin fórmulas")
        pagina.wait_for_function("() => document.querySelectorAll('button.toggle-button').length > 0 "
                                 "|| !document.querySelector('.dropdown')", timeout=15_000)
        en_pantalla = pagina.evaluate(JS_SOLUCIONES_IMPRESAS)
        pagina.emulate_media(media="print")
        impresa = pagina.evaluate(JS_SOLUCIONES_IMPRESAS)
        pagina.pdf(path=str(tmp_path / "capitulo.pdf"))
    finally:
        contexto.close()
    assert en_pantalla["soluciones"] > 0 and en_pantalla["ocultas"] == en_pantalla["soluciones"], (
        f"{doc}: en pantalla las soluciones deberían estar plegadas: {en_pantalla}")
    assert impresa["ocultas"] == 0, f"{doc}: al imprimir quedan {impresa['ocultas']} soluciones plegadas."
    assert not impresa["pistas"], f"{doc}: al imprimir se ve «Pulsa para mostrar» en {impresa['pistas']}"
    texto = "\n".join(p.extract_text() or "" for p in PdfReader(tmp_path / "capitulo.pdf").pages)
    assert "Pulsa para" not in texto, f"{doc}: el PDF impreso dice «Pulsa para mostrar»."
    assert "Solución" in texto, f"{doc}: el PDF impreso no tiene las soluciones de los ejercicios."
