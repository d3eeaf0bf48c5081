"""El libro publicado, probado en un navegador real (Chromium de Debian + Playwright).

Se sirve el HTML construido (fijación ``libro_html``) con un servidor HTTP local y se
abre cada página de ``_toc.yml`` en Chromium sin conexión a internet. Para cada página
se comprueba lo que ve un estudiante: interfaz en español, fórmulas compuestas por
MathJax (servido por el propio libro), figuras cargadas y descritas, salidas de las
celdas sin trazas ni avisos, consola sin errores, enlaces internos vivos y lectura
cómoda en un teléfono. Además se prueba la búsqueda y las descargas de los talleres.

Cada página se abre una sola vez por dispositivo (tests/libro_en_chromium.py, compartido con
test_accesibilidad.py): allí se mide todo y aquí solo se comprueba. Las capturas de la ventana
quedan en ``_build/screenshots/`` (junto a ``_build/html``).

Para ejecutarlas sin tocar ``/work/main/_build`` (otros trabajan allí)::

    LIBRO_SALIDA=/tmp/mi_carpeta .venv/bin/python -m pytest -p no:cacheprovider tests/test_navegador.py
"""
import functools
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import nbformat
import pytest
import yaml

from libro_en_chromium import (  # noqa: F401  (test_pdf y test_accesibilidad las importan de aquí)
    CAPTURAS_EN_EL_TELEFONO, DISPOSITIVOS, ESCRITORIO, ESPERA_MS, JS_ESPERAR_MATHJAX, PAGINA_RETROPROPAGACION,
    PAGINA_TALLERES, PAGINAS, RAIZ_DEL_LIBRO, TELEFONO, nombre_de_captura,
)
from solutions.talleres import TALLERES

RAIZ = Path(__file__).resolve().parents[1]

# Cadenas inglesas de la interfaz de sphinx-book-theme, pydata-sphinx-theme, Sphinx y sus
# extensiones. Se buscan en title/aria-label/placeholder/data-bs-title/data-tooltip/alt
# (valor completo o prefijo) y en el texto visible de la interfaz.
INGLES_EXACTO = {
    "search", "search this book...", "search the docs ...", "searching", "search results",
    "contents", "on this page", "main", "page", "home", "previous", "next", "previous page",
    "next page", "light", "dark", "system", "system settings", "color mode", "theme",
    "toggle navigation", "toggle primary sidebar", "toggle secondary sidebar",
    "download this page", "download source file", "download notebook file", "print to pdf",
    "fullscreen mode", "launch interactive content", "source repository",
    "source repositories", "edit this page", "open an issue", "back to top",
    "skip to main content", "section navigation", "site navigation", "copy", "copied!",
    "copy to clipboard", "hide search matches", "copyright", "by", "by the", "last updated on",
    "version switcher", "version warning", "site logo", "clear search",
}
INGLES_PREFIJO = (
    "search this", "toggle ", "link to this", "launch on", "show code cell", "hide code cell",
    "click to show", "click to hide", "download this", "print to", "fullscreen",
    "copy to clipboard", "search finished", "your search did not match", "theme by",
    "built with", "created using", "skip to", "back to top", "© copyright",
)
INGLES_SUFIJO = (" - home", " logo")
# Dentro del artículo hay texto de los autores (el glosario tiene términos ingleses): allí
# solo se buscan frases de interfaz que ningún capítulo escribiría.
INGLES_EN_ARTICULO = (
    "click to show", "click to hide", "show code cell", "hide code cell", "copy to clipboard",
    "link to this",
)

# Restos de TeX que indican una fórmula sin componer (fuera de código y de MathJax).
TEX_CRUDO = re.compile(
    r"\$\$|\\\[|\\\(|\\(?:frac|begin|end|sum|partial|sigma|mathbb|mathcal|hat|cdot|left|right|"
    r"sqrt|eta|theta|alpha|delta|nabla|mathbf|boldsymbol|operatorname|text)\b")
# Traza de Python en una salida: cabecera de traza o «NombreError: …» de una excepción
# (no basta «Error: 0.01», que un capítulo puede imprimir legítimamente).
TRAZA = re.compile(r"Traceback \(most recent call last\)|^\s*[A-Z]\w+(?:Error|Exception|Warning)\b: ",
                   re.MULTILINE)
# Cifras de la sesión (las imprime tests/conftest.py al final y se guardan en resumen.json).
RESUMEN_NAVEGADOR = {"paginas": 0, "formulas": 0, "imagenes": 0, "figuras": 0, "enlaces_internos": 0}

PROHIBIDO_EN_CUADERNO = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "verificar(")

# --- Visitas -------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def contexto_escritorio(navegador):
    contexto = navegador.new_context(viewport=ESCRITORIO, locale="es-ES", service_workers="block")
    yield contexto
    contexto.close()


def _abrir(contexto, url, espera=ESPERA_MS):
    """Abre url y registra errores de consola, excepciones y recursos que fallan."""
    pagina = contexto.new_page()
    problemas = []
    pagina.on("console", lambda m: problemas.append(f"consola: {m.text}") if m.type == "error" else None)
    pagina.on("pageerror", lambda e: problemas.append(f"excepción de JavaScript: {e}"))
    pagina.on("requestfailed", lambda r: problemas.append(f"no se pudo cargar {r.url} ({r.failure})"))
    pagina.on("response", lambda r: problemas.append(f"HTTP {r.status} al cargar {r.url}")
              if r.status >= 400 else None)
    pagina.goto(url, wait_until="load", timeout=espera)
    return pagina, problemas


def medido(recorrido, doc, dispositivo):
    """Lo que el recorrido midió de ``doc`` en ``dispositivo`` (la prueba falla si no pudo abrirla)."""
    datos = recorrido.datos(doc, dispositivo)
    if "error" in datos:
        pytest.fail(f"{doc} ({dispositivo}): no se pudo abrir y medir la página en Chromium:\n{datos['error']}")
    return datos


@pytest.fixture(scope="session")
def visitar(recorrido, capturas):
    """Lo medido en cada página a 1280 px (una sola carga por página: tests/libro_en_chromium.py)."""
    visitas = {}

    def visita(doc):
        datos = medido(recorrido, doc, "escritorio")
        if doc not in visitas:
            visitas[doc] = datos
            RESUMEN_NAVEGADOR["paginas"] += 1
            RESUMEN_NAVEGADOR["formulas"] += datos["formulas"]["contenedores"]
            RESUMEN_NAVEGADOR["imagenes"] += len(datos["imagenes"])
            RESUMEN_NAVEGADOR["figuras"] += len(datos["figuras"])
        return datos

    yield visita
    RESUMEN_NAVEGADOR["enlaces_internos"] = _pedir.cache_info().currsize
    (capturas / "resumen.json").write_text(json.dumps(
        {"total": RESUMEN_NAVEGADOR,
         "paginas": {doc: {"mjx-container": d["formulas"]["contenedores"],
                           "imagenes": len(d["imagenes"]), "figuras": len(d["figuras"]),
                           "celdas_con_salida": sum(c["tieneSalida"] for c in d["salidas"])}
                     for doc, d in visitas.items()}},
        ensure_ascii=False, indent=1), encoding="utf-8")


# Peticiones directas al servidor local, sin pasar por un proxy que haya en el entorno.
_SIN_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@functools.lru_cache(maxsize=None)
def _pedir(url):
    """GET de una URL del servidor local: (estado, cuerpo en texto o None)."""
    try:
        with _SIN_PROXY.open(url, timeout=10) as r:
            tipo = r.headers.get("Content-Type", "")
            cuerpo = r.read()
            return r.status, cuerpo.decode("utf-8", "replace") if "html" in tipo else None
    except urllib.error.HTTPError as error:
        return error.code, None


def _es_ingles(valor, en_articulo=False):
    v = " ".join(valor.lower().split())
    if en_articulo:
        return v.startswith(INGLES_EN_ARTICULO)
    return v in INGLES_EXACTO or v.startswith(INGLES_PREFIJO) or v.endswith(INGLES_SUFIJO)


# --- Pruebas de cada página ----------------------------------------------------------------

@pytest.mark.parametrize("doc", PAGINAS)
def test_interfaz_en_espanol(visitar, doc):
    datos = visitar(doc)
    assert datos["lang"] == "es", f"{doc}: <html lang> es «{datos['lang']}», no «es»."
    interfaz = datos["interfaz"]
    en_ingles = [f"{donde} = «{valor}»" for donde, valor in interfaz["atributos"] if _es_ingles(valor)]
    en_ingles += [f"texto «{t}»" for t in interfaz["textoInterfaz"] if _es_ingles(t)]
    en_ingles += [f"texto del artículo «{t}»" for t in interfaz["textoArticulo"] if _es_ingles(t, True)]
    assert not en_ingles, f"{doc}: quedan cadenas del tema en inglés:\n  " + "\n  ".join(sorted(set(en_ingles)))
    # La interfaz en español está de verdad (no solo ausencia de inglés).
    atributos = {valor for _, valor in interfaz["atributos"]}
    assert "Buscar en este libro…" in atributos, f"{doc}: la caja de búsqueda no dice «Buscar en este libro…»."
    # Un solo buscador a la vista (el tema añadía una barra superior con un segundo buscador).
    assert len(datos["buscadores"]) == 1, (
        f"{doc}: a {ESCRITORIO['width']} px se ven {len(datos['buscadores'])} botones de búsqueda "
        f"(se espera uno, el de la barra lateral): {datos['buscadores']}")


@pytest.mark.parametrize("doc", PAGINAS)
def test_formulas_compuestas_por_mathjax(visitar, doc):
    datos = visitar(doc)
    f = datos["formulas"]
    if f["elementosMath"]:
        assert datos["mathjax"] == "ok", f"{doc}: {datos['mathjax']}"
    assert not f["sinComponer"], f"{doc}: fórmulas sin componer por MathJax: {f['sinComponer'][:5]}"
    assert not f["errores"], f"{doc}: MathJax no entiende estas fórmulas: {f['errores'][:5]}"
    assert f["contenedores"] >= f["elementosMath"], (
        f"{doc}: {f['elementosMath']} fórmulas pero solo {f['contenedores']} mjx-container.")
    texto = " ".join(f["texto"].split())
    restos = [f"«…{texto[max(0, m.start() - 50):m.end() + 30]}…»" for m in TEX_CRUDO.finditer(texto)]
    assert not restos, (f"{doc}: queda TeX sin componer en el texto (¿una referencia a un título con "
                        f"fórmulas, o $…$ mal cerrado?):\n  " + "\n  ".join(restos[:5]))


@pytest.mark.parametrize("doc", PAGINAS)
def test_figuras_e_imagenes(visitar, doc):
    datos = visitar(doc)
    rotas = [i["src"] for i in datos["imagenes"] if not i["cargada"]]
    assert not rotas, f"{doc}: imágenes que no se cargan: {rotas}"
    sin_texto = [i["src"] for i in datos["imagenes"] if not (i["alt"] or i["pie"])]
    assert not sin_texto, f"{doc}: imágenes sin texto alternativo ni pie: {sin_texto}"
    sin_pie = [f["id"] or "(sin id)" for f in datos["figuras"] if not f["pie"]]
    assert not sin_pie, f"{doc}: figuras sin pie: {sin_pie}"
    vacias = [f["id"] or "(sin id)" for f in datos["figuras"] if not f["imagenes"]]
    assert not vacias, f"{doc}: figuras sin imagen: {vacias}"


def _salidas_esperadas(libro_html, doc):
    """Celdas de código con salida en el cuaderno ejecutado por myst-nb (None si no es cuaderno)."""
    cuaderno = Path(libro_html).parent / "jupyter_execute" / f"{doc}.ipynb"
    if not cuaderno.exists():
        return None
    nb = nbformat.read(cuaderno, as_version=4)
    quitar = {"remove-cell", "remove_cell", "remove-output", "remove_output"}
    return sum(1 for c in nb.cells if c.cell_type == "code" and c.get("outputs")
               and not quitar & set(c.metadata.get("tags", [])))


@pytest.mark.parametrize("doc", PAGINAS)
def test_salidas_de_las_celdas(visitar, libro_html, doc):
    datos = visitar(doc)
    celdas = datos["salidas"]
    con_salida = [c for c in celdas if c["tieneSalida"]]
    esperadas = _salidas_esperadas(libro_html, doc)
    if esperadas is not None:
        # Cota inferior: con la caché de ejecución, myst-nb puede dejar el cuaderno sin salidas.
        assert len(con_salida) >= esperadas, (
            f"{doc}: el cuaderno ejecutado tiene {esperadas} celdas con salida, pero la página solo "
            f"muestra {len(con_salida)}.")
    invisibles = [c["n"] + 1 for c in con_salida if not (c["visible"] and c["contenido"])]
    assert not invisibles, f"{doc}: celdas (n.º {invisibles}) cuya salida está vacía o no se ve."
    trazas = [c["n"] + 1 for c in celdas if c["traza"] or TRAZA.search(c["texto"])]
    assert not trazas, f"{doc}: celdas (n.º {trazas}) cuya salida es una traza de error de Python."
    avisos = [(c["n"] + 1, c["stderr"]) for c in celdas if c["stderr"]]
    assert not avisos, f"{doc}: celdas que escriben en stderr (avisos): {avisos}"


@pytest.mark.parametrize("doc", PAGINAS)
def test_sin_errores_en_la_consola(visitar, doc):
    problemas = visitar(doc)["problemas"]
    assert not problemas, f"{doc}: errores al cargar la página:\n  " + "\n  ".join(problemas)


@pytest.mark.parametrize("doc", PAGINAS)
def test_enlaces_internos(visitar, servidor, doc):
    """Cada enlace al propio libro responde 200 y, si lleva #ancla, el ancla existe."""
    rotos = []
    for enlace in sorted(set(visitar(doc)["enlaces"])):
        if not enlace.startswith(servidor):
            continue  # externo (Binder, repositorio…): las pruebas no salen a internet
        destino, _, ancla = enlace.partition("#")
        estado, cuerpo = _pedir(destino)
        if estado != 200:
            rotos.append(f"{enlace} → HTTP {estado}")
        elif ancla and cuerpo is not None:
            ancla = urllib.parse.unquote(ancla)
            if f'id="{ancla}"' not in cuerpo and f'name="{ancla}"' not in cuerpo:
                rotos.append(f"{enlace} → no existe el ancla #{ancla}")
    assert not rotos, f"{doc}: enlaces internos rotos:\n  " + "\n  ".join(rotos)


@pytest.mark.parametrize("doc", PAGINAS)
def test_legible_en_un_telefono(recorrido, doc):
    """A 390 px no hay desplazamiento horizontal; las fórmulas largas se desplazan en su caja."""
    datos = medido(recorrido, doc, "telefono")
    assert datos["mathjax"] in ("ok", "sin fórmulas"), f"{doc} (teléfono): {datos['mathjax']}"
    medida = datos["telefono"]
    # En un teléfono, si algo se sale, el navegador ensancha la ventana de diseño (innerWidth) y
    # reduce la página: por eso se compara con el ancho del dispositivo, no con innerWidth.
    ancho_pagina = max(medida["scrollWidth"], medida["scrollWidthBody"], medida["ventana"])
    assert ancho_pagina <= medida["ancho"], (
        f"{doc}: a {medida['ancho']} px la página se desplaza en horizontal (ancho del documento "
        f"{ancho_pagina} px); elementos que se salen: {medida['anchas']}")
    for n, f in enumerate(medida["formulas"], 1):
        assert f["overflowX"] in ("auto", "scroll"), (
            f"{doc}: la fórmula en bloque n.º {n} no tiene overflow-x: auto (tiene {f['overflowX']}).")
        assert f["derecha"] <= medida["ancho"] + 1, (
            f"{doc}: la caja de la fórmula en bloque n.º {n} se sale de la pantalla ({f['derecha']} px).")


@pytest.mark.parametrize("dispositivo", DISPOSITIVOS)
@pytest.mark.parametrize("doc", PAGINAS)
def test_cada_pagina_se_abre_como_en_una_pestana_nueva(recorrido, doc, dispositivo):
    """El recorrido reutiliza pestañas: ninguna página hereda el modo oscuro de la anterior."""
    datos = medido(recorrido, doc, dispositivo)
    assert datos["tema_al_abrir"] == "light", (
        f"{doc} ({dispositivo}): la página se abrió en modo «{datos['tema_al_abrir']}», no en modo claro: "
        "la pestaña reutilizada conserva el modo de la página anterior.")


def test_capturas_de_la_ventana(recorrido, capturas):
    """Cada página deja su captura de la ventana en _build/screenshots (la de lo que se ve al abrirla)."""
    medido(recorrido, RAIZ_DEL_LIBRO, "escritorio")  # el recorrido hace las capturas
    esperadas = [(doc, "escritorio", ESCRITORIO) for doc in PAGINAS]
    esperadas += [(doc, "telefono", TELEFONO) for doc in CAPTURAS_EN_EL_TELEFONO]
    for doc, dispositivo, ventana in esperadas:
        ruta = capturas / nombre_de_captura(doc, dispositivo)
        assert ruta.is_file(), f"{doc} ({dispositivo}): falta la captura {ruta.name}."
        cabecera = ruta.read_bytes()[:24]
        assert cabecera[:8] == b"\x89PNG\r\n\x1a\n", f"{ruta.name} no es un PNG."
        tamano = int.from_bytes(cabecera[16:20], "big"), int.from_bytes(cabecera[20:24], "big")
        assert tamano == (ventana["width"], ventana["height"]), (
            f"{ruta.name} mide {tamano[0]} × {tamano[1]} px, no lo que la ventana del {dispositivo} "
            f"({ventana['width']} × {ventana['height']}).")


def _config_del_libro():
    return yaml.safe_load((RAIZ / "_config.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("doc", PAGINAS)
def test_botones_de_descarga_repositorio_y_lanzamiento(visitar, servidor, doc):
    """Cada página ofrece su fuente, enlaza al repositorio y, si es cuaderno, se abre en Binder/JupyterHub.

    Las URL se leen de _config.yml (así la prueba sigue valiendo cuando el profesor las cambia);
    los enlaces externos solo se comprueban, nunca se siguen.
    """
    config = _config_del_libro()
    enlaces = [e.lower() for e in visitar(doc)["enlaces"]]  # el navegador pone el dominio en minúsculas
    fuente = [e for e in enlaces if e.startswith(servidor + "_sources/")]
    assert fuente, f"{doc}: no hay botón para descargar el fuente de la página."
    repositorio = (config.get("repository") or {}).get("url", "").rstrip("/").lower()
    if (config.get("html") or {}).get("use_repository_button"):
        assert any(e.startswith(repositorio) for e in enlaces), (
            f"{doc}: no hay enlace al repositorio del curso ({repositorio}).")
    fuente_md = RAIZ / f"{doc}.md"
    es_cuaderno = fuente_md.exists() and "kernelspec:" in fuente_md.read_text(encoding="utf-8")[:1000]
    lanzamiento = config.get("launch_buttons") or {}
    if es_cuaderno:
        for clave, nombre in (("binderhub_url", "Binder"), ("jupyterhub_url", "JupyterHub"),
                              ("colab_url", "Colab")):
            url = (lanzamiento.get(clave) or "").rstrip("/").lower()
            if url:
                assert any(e.startswith(url) for e in enlaces), (
                    f"{doc}: falta el botón «Abrir en {nombre}» ({url}).")


# --- Búsqueda y talleres -------------------------------------------------------------------

def test_busqueda_encuentra_retropropagacion(servidor, contexto_escritorio):
    """Búsqueda real: se escribe en la caja de la barra lateral y se leen los resultados."""
    assert PAGINA_RETROPROPAGACION, "_toc.yml no incluye el capítulo de retropropagación."
    pagina, problemas = _abrir(contexto_escritorio, servidor + RAIZ_DEL_LIBRO + ".html")
    try:
        pagina.locator("button.search-button-field").first.click()
        caja = pagina.locator("#pst-search-dialog input[name='q']")
        caja.wait_for(state="visible", timeout=ESPERA_MS)
        assert caja.get_attribute("placeholder") == "Buscar en este libro…"
        caja.fill("retropropagación")
        caja.press("Enter")
        pagina.wait_for_url("**/search.html?q=*", timeout=ESPERA_MS)
        resultados = pagina.locator("#search-results ul.search li a")
        resultados.first.wait_for(timeout=ESPERA_MS)
        enlaces = resultados.evaluate_all("as => as.map(a => a.getAttribute('href'))")
        # El resumen («Búsqueda finalizada, se encontraron…») aparece al terminar de buscar.
        pagina.wait_for_function(
            "() => { const p = document.querySelector('#search-results .search-summary');"
            " return p && p.innerText.trim().length > 0 && !document.querySelector('.search-progress'); }",
            timeout=ESPERA_MS)
        # Los fragmentos de cada resultado se piden al servidor después: se espera a que estén todos
        # (un resultado con descripción no lleva fragmento).
        pagina.wait_for_function(
            "() => [...document.querySelectorAll('#search-results ul.search li')]"
            ".every(li => li.querySelector('p.context, span'))", timeout=ESPERA_MS)
        resumen = pagina.locator("#search-results .search-summary").inner_text().strip()
        fragmentos = pagina.locator("#search-results ul.search li p.context").all_inner_texts()
    finally:
        pagina.close()
    assert any(PAGINA_RETROPROPAGACION.split("/")[-1] + ".html" in (h or "") for h in enlaces), (
        f"La búsqueda de «retropropagación» no lleva al capítulo de retropropagación: {enlaces}")
    assert not problemas, "Errores en la página de búsqueda:\n  " + "\n  ".join(problemas)
    assert not _es_ingles(resumen), f"El resumen de la búsqueda está en inglés: «{resumen}»"
    assert "encontr" in resumen.lower(), f"Resumen de la búsqueda inesperado: «{resumen}»"
    basura = [f for f in fragmentos if ".pdf" in f or "Contenido" in f.split()[:3]]
    assert not basura, f"Los fragmentos de los resultados muestran botones del tema: {basura[:3]}"


def test_talleres_se_descargan_sin_soluciones(visitar, servidor):
    """La página de talleres ofrece los cuadernos del estudiante de todos los talleres, válidos y sin soluciones."""
    assert PAGINA_TALLERES, "_toc.yml no incluye la página de talleres (book/08-talleres)."
    datos = visitar(PAGINA_TALLERES)
    descargas = {}
    for enlace in datos["descargas"]:  # enlaces <a download> (los crea el rol {download})
        ruta = urllib.parse.urlparse(enlace).path
        if enlace.startswith(servidor) and ruta.endswith(".ipynb"):
            descargas.setdefault(Path(ruta).stem, enlace)
    faltan = sorted(set(TALLERES) - set(descargas))
    assert not faltan, (
        f"La página de talleres no ofrece como descarga ({{download}}) los cuadernos: {faltan}. "
        f"Descargas .ipynb encontradas: {sorted(descargas) or 'ninguna'}.")
    for taller in TALLERES:
        with _SIN_PROXY.open(descargas[taller], timeout=10) as r:
            texto = r.read().decode("utf-8")
        nb = nbformat.reads(texto, as_version=4)
        nbformat.validate(nb)
        contenido = json.dumps(nb, ensure_ascii=False)
        prohibido = [p for p in PROHIBIDO_EN_CUADERNO if p in contenido]
        assert not prohibido, f"El cuaderno descargable {taller}.ipynb contiene soluciones o pruebas ocultas: {prohibido}"
        codigo = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        faltan_funciones = [f for f in TALLERES[taller].funciones
                            if not re.search(rf"^\s*(?:def|class)\s+{f}\b", codigo, re.MULTILINE)]
        assert not faltan_funciones, (
            f"El cuaderno descargable {taller}.ipynb no tiene las funciones calificadas que debe "
            f"completar el estudiante: {faltan_funciones}")
