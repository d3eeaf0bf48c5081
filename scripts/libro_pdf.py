"""Construye el libro entero en un solo PDF: ``_build/pdf/libro.pdf`` (``make pdf``).

Sin descargar nada: Jupyter Book construye el libro como una sola página HTML (constructor
``singlehtml``, con la misma caché de ejecución que ``make book``) y el Chromium de Debian la
imprime con Playwright cuando MathJax ha compuesto todas las fórmulas. Antes de imprimir se
añaden una portada, un índice y el número de cada capítulo; las soluciones de los ejercicios
salen abiertas al final de cada capítulo (reglas de impresión de ``book/_static/curso.css``).

Se imprime dos veces: la primera para saber en qué página empieza cada sección (se lee el
texto del PDF con pypdf) y la segunda con esos números en el índice.

Uso: ``python scripts/libro_pdf.py [--sin-construir]`` desde la raíz del repositorio.
"""
import argparse
import functools
import http.server
import io
import os
import re
import subprocess
import sys
import threading
import time
import unicodedata
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[1]
PAGINA_UNICA = RAIZ / "_build" / "singlehtml"
SALIDA = RAIZ / "_build" / "pdf" / "libro.pdf"
CSS_PDF = Path(__file__).with_suffix(".css")
CHROMIUM = Path(os.environ.get("CHROMIUM_RUTA", "/usr/bin/chromium"))
ESPERA_MS = 120_000

# Se ejecuta en la página antes de imprimir: portada, índice y número de cada capítulo.
JS_PREPARAR = r"""
(autoria) => {
  const articulo = document.querySelector('article.bd-article');
  const portadaTitulo = articulo.querySelector('h1');
  // Capítulos: cada documento del índice es un <section> precedido de <span id="document-…">.
  const capitulos = [...articulo.querySelectorAll('span[id^="document-"] + section')];
  let n = 0;
  for (const cap of capitulos) {
    cap.classList.add('capitulo-pdf');
    const doc = cap.previousElementSibling.id.replace('document-', '');
    const titulo = cap.querySelector('h1, h2');
    // Capítulos numerados como en el texto («capítulo 3»): los ficheros NN-… del libro.
    const numero = (doc.split('/').pop().match(/^(\d+)-/) || [])[1];
    if (titulo && numero) {
      // Con `numbered: true` Sphinx ya pone «1. » delante del título: se usa su número y se
      // sustituye por la etiqueta «Capítulo 1», como en el texto.
      const numeroSphinx = titulo.querySelector('.section-number');
      n = numeroSphinx ? parseInt(numeroSphinx.textContent, 10) : parseInt(numero, 10);
      if (numeroSphinx) numeroSphinx.remove();
      const etiqueta = document.createElement('span');
      etiqueta.className = 'numero-capitulo-pdf';
      etiqueta.textContent = 'Capítulo ' + n;
      titulo.prepend(etiqueta);
      cap.dataset.numero = n;
    }
  }
  // Portada.
  const portada = document.createElement('section');
  portada.id = 'portada-pdf';
  const logo = document.querySelector('.navbar-brand img');
  portada.innerHTML = (logo ? `<img src="${logo.src}" alt="">` : '') +
    `<div class="titulo"></div><div class="autoria"></div>`;
  portada.querySelector('.titulo').textContent = portadaTitulo ? portadaTitulo.textContent.replace('#', '').trim() : document.title;
  const tituloDelLibro = portada.querySelector('.titulo').textContent;
  portada.querySelector('.autoria').textContent = autoria;
  // Índice: la presentación, cada capítulo y sus secciones de primer nivel.
  const indice = document.createElement('nav');
  indice.id = 'indice-pdf';
  indice.setAttribute('aria-label', 'Índice');
  indice.innerHTML = '<h2>Índice</h2><ol></ol>';
  const lista = indice.querySelector('ol');
  const entradas = [];
  const entrada = (titulo, destino, nivel, padre) => {
    const texto = titulo.cloneNode(true);
    texto.querySelectorAll('.headerlink, .numero-capitulo-pdf, mjx-assistive-mml').forEach(e => e.remove());
    const numero = titulo.closest('section') && titulo.closest('section').dataset.numero;
    const li = document.createElement('li');
    li.className = 'nivel-' + nivel;
    li.innerHTML = '<span class="entrada"><a></a><span class="relleno"></span><span class="pagina"></span></span>';
    const a = li.querySelector('a');
    a.href = '#' + destino.id;
    a.innerHTML = (nivel === 1 && numero ? numero + '. ' : '') + texto.innerHTML;
    padre.appendChild(li);
    entradas.push({texto: texto.textContent.trim(), nivel});
    return li;
  };
  if (portadaTitulo) {
    // El título del libro ya está en la portada: la introducción se titula «Presentación».
    portadaTitulo.textContent = 'Presentación';
    portadaTitulo.classList.add('presentacion-pdf');
    entrada(portadaTitulo, portadaTitulo.closest('section'), 1, lista);
  }
  for (const cap of capitulos) {
    const titulo = cap.querySelector('h1, h2');
    if (!titulo) continue;
    const li = entrada(titulo, cap, 1, lista);
    const sub = document.createElement('ol');
    for (const s of cap.querySelectorAll(':scope > section')) {
      const t = s.querySelector(':scope > h2, :scope > h3');
      if (t) entrada(t, s, 2, sub);
    }
    if (sub.children.length) li.appendChild(sub);
  }
  articulo.prepend(indice);
  articulo.prepend(portada);
  document.title = tituloDelLibro;
  return entradas;
}
"""

JS_ESPERAR = r"""
async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  if (document.fonts) { await document.fonts.ready; }
  const imgs = [...document.images];
  imgs.forEach(i => { i.loading = 'eager'; });
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => {
    i.addEventListener('load', r); i.addEventListener('error', r); })));
  return {
    formulas: document.querySelectorAll('mjx-container').length,
    sinComponer: [...document.querySelectorAll('.math')].filter(m => !m.querySelector('mjx-container')).length,
    errores: document.querySelectorAll('mjx-merror').length,
    rotas: imgs.filter(i => !(i.naturalWidth > 0)).map(i => i.getAttribute('src')),
  };
}
"""

PIE = ('<div style="width:100%; font-size:8px; color:#666; padding:0 12mm; display:flex; '
       'justify-content:space-between; font-family:sans-serif;"><span class="title"></span>'
       '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>')


def _error(mensaje):
    print(f"make pdf: {mensaje}", file=sys.stderr)
    sys.exit(1)


def construir_pagina_unica():
    """jupyter-book build --builder singlehtml (reutiliza la caché de ejecución de los capítulos)."""
    orden = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(RAIZ),
             "--builder", "singlehtml", "--warningiserror", "--keep-going"]
    print("Construyendo el libro en una sola página HTML (_build/singlehtml)…", flush=True)
    resultado = subprocess.run(orden, cwd=RAIZ, capture_output=True, text=True)
    if resultado.returncode != 0:
        _error("falló la construcción del libro en una sola página:\n"
               + resultado.stdout[-4000:] + resultado.stderr[-3000:])


def _normalizar(texto):
    """Solo letras y cifras, en minúsculas y sin tildes: así se comparan títulos con el texto del PDF."""
    texto = unicodedata.normalize("NFKD", texto.lower())
    return re.sub(r"[^a-z0-9]", "", texto.encode("ascii", "ignore").decode())


def paginas_de_las_entradas(pdf, entradas):
    """Página (desde 1) donde empieza cada entrada del índice.

    Chromium escribe en el PDF un marcador por cada título (``outline=True``) con su página;
    se recorren en orden y cada entrada toma el primer marcador siguiente con su título.
    """
    from pypdf import PdfReader

    lector = PdfReader(io.BytesIO(pdf))
    marcadores = []

    def aplanar(elementos):
        for elemento in elementos:
            if isinstance(elemento, list):
                aplanar(elemento)
            else:
                marcadores.append((_normalizar(elemento.title or ""),
                                   lector.get_destination_page_number(elemento) + 1))

    aplanar(lector.outline)
    resultado, desde = [], 0
    for entrada in entradas:
        clave = _normalizar(entrada["texto"])[:30]
        n = next((i for i in range(desde, len(marcadores)) if clave and clave in marcadores[i][0]), None)
        resultado.append(None if n is None else marcadores[n][1])
        desde = desde if n is None else n + 1
    return resultado


def imprimir(salida=SALIDA):
    if not CHROMIUM.exists():
        _error(f"falta Chromium en {CHROMIUM}: ejecuta «make chromium» (o indica otra ruta en CHROMIUM_RUTA).")
    indice_html = PAGINA_UNICA / "book" / "intro.html"
    if not indice_html.is_file():
        _error(f"no existe {indice_html.relative_to(RAIZ)}: construye antes la página única.")
    from playwright.sync_api import sync_playwright

    import yaml
    config = yaml.safe_load((RAIZ / "_config.yml").read_text(encoding="utf-8"))

    class Manejador(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Manejador, directory=str(PAGINA_UNICA)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    # El constructor singlehtml escribe las rutas (_static/, _images/) relativas a la raíz de
    # su salida aunque deje la página en book/: se sirve una copia desde la raíz.
    (PAGINA_UNICA / "libro.html").write_bytes(indice_html.read_bytes())
    url = f"http://127.0.0.1:{httpd.server_address[1]}/libro.html"
    try:
        with sync_playwright() as p:
            navegador = p.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"])
            try:
                pagina = navegador.new_page(locale="es-ES", color_scheme="light")
                pagina.goto(url, wait_until="load", timeout=ESPERA_MS)
                pagina.emulate_media(media="print")
                estado = pagina.evaluate(JS_ESPERAR)
                if estado["sinComponer"] or estado["errores"] or estado["rotas"]:
                    _error(f"la página no está lista para imprimir: {estado}")
                pagina.add_style_tag(path=str(CSS_PDF))
                entradas = pagina.evaluate(JS_PREPARAR, config.get("author", ""))
                opciones = dict(format="A4", print_background=True, display_header_footer=True,
                                header_template="<span></span>", footer_template=PIE,
                                margin={"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"},
                                outline=True, tagged=True)
                borrador = pagina.pdf(**opciones)
                numeros = paginas_de_las_entradas(borrador, entradas)
                faltan = [e["texto"] for e, n in zip(entradas, numeros) if n is None]
                if faltan:
                    _error(f"no se encontraron en el PDF estas secciones del índice: {faltan[:5]}")
                pagina.evaluate("(ns) => document.querySelectorAll('#indice-pdf .pagina')"
                                ".forEach((e, i) => { e.textContent = ns[i]; })", numeros)
                salida.parent.mkdir(parents=True, exist_ok=True)
                pagina.pdf(path=str(salida), **opciones)
            finally:
                navegador.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return estado, entradas


def main(argv=None):
    parser = argparse.ArgumentParser(description="Construye el libro entero en _build/pdf/libro.pdf.")
    parser.add_argument("--sin-construir", action="store_true",
                        help="imprime la página única ya construida en _build/singlehtml")
    args = parser.parse_args(argv)
    inicio = time.monotonic()
    if not args.sin_construir:
        construir_pagina_unica()
    print("Imprimiendo con Chromium…", flush=True)
    estado, entradas = imprimir()
    from pypdf import PdfReader
    paginas = len(PdfReader(SALIDA).pages)
    print(f"PDF del libro: {SALIDA.relative_to(RAIZ)} ({paginas} páginas, {estado['formulas']} fórmulas, "
          f"{len(entradas)} entradas en el índice) en {time.monotonic() - inicio:.0f} s.")


if __name__ == "__main__":
    main()
