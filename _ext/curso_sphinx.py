"""Extensión local de Sphinx para el libro del curso.

Hace tres cosas que la configuración de Jupyter Book no permite por sí sola:

1. **MathJax sin conexión.** Copia MathJax 3.2.2 (paquete de PyPI
   ``django-static-mathjax``, fijado en requirements.txt) a ``_static/mathjax`` del
   libro construido; ``_config.yml`` apunta ``mathjax_path`` a esa copia. Así las
   fórmulas se ven sin acceso a internet (y sin depender de un CDN).
2. **Interfaz del tema en español.** sphinx-book-theme y pydata-sphinx-theme dejan
   algunas cadenas en inglés (p. ej. «Search this book...»), sphinx-exercise no traduce
   «Solution» y las traducciones del tema al español tienen erratas («Descarga esta
   pagina»). Aquí se antepone un catálogo
   propio (``TRADUCCIONES``) a los catálogos de Sphinx y del tema; lo que no está
   en él sigue traduciéndose como siempre.
3. **Fórmulas accesibles.** Configura MathJax para que las fórmulas no sean paradas
   del tabulador (un capítulo tenía 260 de sus 329), conserven la copia en MathML para
   lectores de pantalla y, si el lector activa el explorador de MathJax (menú contextual →
   Accessibility), las lea en español. Ver ``MATHJAX``.
4. **Estilos al día.** Copia ``curso.css`` y ``curso.js`` aunque no cambie ningún capítulo.
5. **Consola limpia.** Quita los <script> que sphinx-thebe y sphinx-togglebutton
   añaden dos veces a cada página (el segundo lanza un error de JavaScript).
6. **Código de las figuras plegado.** Una celda cuya salida es una figura muestra la figura y
   pliega su código tras el botón «Mostrar el código de la figura» (como la etiqueta
   ``hide-input`` de myst-nb, sin escribirla en cada celda). Al imprimir, ese código no sale
   (``curso.css``): en papel, la figura y su pie bastan.
7. **Ecuaciones numeradas.** Toda fórmula en bloque (``$$ … $$``) lleva número, «(6.3)», en
   la web y en el PDF, sin escribir una etiqueta en cada una (como ``math_number_all`` de
   Sphinx, que la sintaxis ``$$`` de MyST no respeta). Para citar una, se le pone etiqueta:
   ``$$ … $$ (ec-nombre)`` y ``{eq}`ec-nombre```. Las que llevan ``\tag{…}`` (las cuatro
   ecuaciones de la retropropagación, BP1–BP4) conservan su nombre y no se numeran.
"""
import gettext
from html import escape
import shutil
from importlib import metadata
from pathlib import Path

import sphinx.locale
from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform

# Cadena original del tema (o de Sphinx) -> texto que ve el estudiante.
TRADUCCIONES = {
    # Buscador (jupyter-book fija este texto como opción del tema).
    "Search this book...": "Buscar en este libro…",
    "Search the docs ...": "Buscar en el libro…",
    # Botones de la cabecera de cada página.
    "Download this page": "Descargar esta página",
    "Download source file": "Descargar el archivo fuente",
    "Download notebook file": "Descargar el cuaderno",
    "Print to PDF": "Imprimir en PDF",
    "Fullscreen mode": "Pantalla completa",
    "Launch interactive content": "Abrir en un entorno interactivo",
    "Launch": "Abrir",
    "Launch on": "Abrir en",
    "Source repositories": "Repositorio del curso",
    "Source repository": "Repositorio del curso",
    "Edit this page": "Editar esta página",
    "Open an issue": "Abrir una incidencia",
    "Toggle primary sidebar": "Mostrar u ocultar el índice del libro",
    "Toggle secondary sidebar": "Mostrar u ocultar el índice de la página",
    "Toggle navigation": "Mostrar u ocultar la navegación",
    "Contents": "Contenido",
    # Navegación.
    "previous page": "página anterior",
    "next page": "página siguiente",
    "previous": "anterior",
    "next": "siguiente",
    "Main": "Principal",
    "Section Navigation": "Navegación de la sección",
    "Site navigation": "Navegación del sitio",
    "Back to top": "Volver arriba",
    "Skip to main content": "Saltar al contenido principal",
    "Link to this heading": "Enlace a esta sección",
    "Link to this image": "Enlace a esta imagen",
    "Link to this equation": "Enlace a esta ecuación",
    "Link to this code": "Enlace a este código",
    "Link to this table": "Enlace a esta tabla",
    "Link to this definition": "Enlace a esta definición",
    "Link to this term": "Enlace a este término",  # términos del glosario
    # Texto alternativo de los iconos de los botones «Abrir en…» («Binder logo»).
    "logo": "(logotipo)",
    "Home": "Inicio",
    # Pie de página.
    "© Copyright %(copyright)s.": "Derechos de autor © %(copyright)s.",
    "By": "Por",
    "By the": "Por el",
    "Last updated on": "Última actualización:",
    # sphinx-exercise: su catálogo español no traduce el título de las soluciones.
    "Solution": "Solución",
}


# Opciones de MathJax 3 que se mezclan con las que pongan _config.yml y myst-parser.
MATHJAX = {
    "options": {
        # Ajustes por defecto del menú contextual de MathJax (el lector puede cambiarlos).
        "menuOptions": {"settings": {
            "inTabOrder": False,  # el tabulador salta las fórmulas: solo enlaces y botones
            "assistiveMml": True,  # copia en MathML oculta que leen NVDA, JAWS y VoiceOver
        }},
        # Speech Rule Engine: voz del explorador de MathJax en español (mathmaps/es.json).
        "sre": {"locale": "es"},
    },
}


def _mezclar(destino, origen):
    """Mezcla diccionarios anidados sin pisar lo que ya estaba configurado."""
    for clave, valor in origen.items():
        if isinstance(valor, dict):
            _mezclar(destino.setdefault(clave, {}), valor)
        else:
            destino.setdefault(clave, valor)
    return destino


def _configurar_mathjax(app, config):
    config.mathjax3_config = _mezclar(dict(config.mathjax3_config or {}), MATHJAX)


class _CatalogoPropio(gettext.NullTranslations):
    """Traduce con TRADUCCIONES y, si la cadena no está, con el catálogo original."""

    def __init__(self, original):
        super().__init__()
        if original is not None:
            self.add_fallback(original)

    def gettext(self, message):
        if message in TRADUCCIONES:
            return TRADUCCIONES[message]
        return super().gettext(message)


def _anteponer_catalogo(app, config):
    """Pone el catálogo propio delante de los de Sphinx y del tema (antes de crear el constructor)."""
    if (config.language or "").split("_")[0] != "es":
        return
    # El texto del buscador es una opción del tema (jupyter-book pone «Search this book...»)
    # y la plantilla no lo pasa por el catálogo: se traduce aquí.
    opciones = config.html_theme_options
    # pydata-sphinx-theme 0.17 añade por defecto una barra superior con otro buscador, que
    # con sphinx-book-theme queda vacía salvo ese duplicado del de la barra lateral: se quita.
    opciones.setdefault("navbar_persistent", [])
    if opciones.get("search_bar_text") in TRADUCCIONES:
        opciones["search_bar_text"] = TRADUCCIONES[opciones["search_bar_text"]]
    # Texto alternativo del logotipo: el tema lo compone como «<título> - Home», sin traducir.
    logo = dict(opciones.get("logo") or {})
    if "alt_text" not in logo:
        logo["alt_text"] = f"{config.html_title or config.project} - Inicio"
        opciones["logo"] = logo
    for catalogo in ("sphinx", "booktheme", "exercise"):
        clave = ("general", catalogo)
        original = sphinx.locale.translators.get(clave)
        if isinstance(original, _CatalogoPropio):
            continue
        nuevo = _CatalogoPropio(original)
        sphinx.locale.translators[clave] = nuevo
        if catalogo == "sphinx":
            # Las plantillas Jinja usan app.translator al iniciarse el constructor HTML.
            app.translator = nuevo


def _origen_mathjax():
    try:
        import mathjax  # paquete django-static-mathjax
    except ImportError as error:
        raise ExtensionError(
            "Falta MathJax local (paquete django-static-mathjax). Instala las dependencias "
            "del curso con «make entorno» o «pip install -r requirements.txt -c constraints.txt»."
        ) from error
    origen = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    if not (origen / "tex-chtml.js").is_file():
        raise ExtensionError(f"El paquete django-static-mathjax no contiene MathJax en {origen}.")
    return origen


def _copiar_mathjax(app, exception):
    """Copia MathJax a _static/mathjax del HTML construido (solo si cambia la versión)."""
    if exception is not None or app.builder.format != "html":
        return
    destino = Path(app.outdir) / "_static" / "mathjax"
    version = metadata.version("django-static-mathjax")
    marca = destino / ".version"
    if marca.is_file() and marca.read_text(encoding="utf-8") == version:
        return
    origen = _origen_mathjax()
    shutil.copytree(origen, destino, dirs_exist_ok=True)
    licencia = origen.parent / "LICENSE"  # Apache 2.0: se publica junto a la copia
    if licencia.is_file():
        shutil.copy2(licencia, destino / "LICENSE")
    marca.write_text(version, encoding="utf-8")


def _copiar_estaticos_propios(app, exception):
    """Copia los estilos y scripts propios (html_static_path) aunque ningún capítulo haya cambiado.

    Sphinx solo copia _static cuando escribe alguna página: si solo cambia curso.css o
    curso.js, «make book» decía que todo estaba al día y el libro seguía con los antiguos
    (y las pruebas del navegador probaban esos).
    """
    if exception is not None or app.builder.format != "html":
        return
    destino = Path(app.outdir) / "_static"
    for carpeta in app.config.html_static_path:
        origen = Path(app.confdir) / carpeta
        if not origen.is_dir():
            continue
        for fichero in origen.rglob("*"):
            copia = destino / fichero.relative_to(origen)
            if fichero.is_file() and (not copia.is_file() or copia.read_bytes() != fichero.read_bytes()):
                copia.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(fichero, copia)


def _quitar_scripts_repetidos(app, pagename, templatename, context, doctree):
    """Quita los <script> repetidos de la cabecera.

    sphinx-thebe y sphinx-togglebutton registran dos veces su configuración en línea
    (``const THEBE_JS_URL = …``) y el navegador lanza «Identifier 'THEBE_JS_URL' has
    already been declared» en todas las páginas.
    """
    scripts = context.get("script_files")
    if not scripts:
        return
    vistos, unicos = set(), []
    for js in scripts:
        atributos = getattr(js, "attributes", {}) or {}
        clave = (getattr(js, "filename", str(js)) or "", tuple(sorted((k, str(v)) for k, v in atributos.items())))
        if clave not in vistos:
            vistos.add(clave)
            unicos.append(js)
    scripts[:] = unicos


CODIGO_DE_FIGURA = ("Mostrar el código de la figura", "Ocultar el código de la figura")


class PlegarCodigoDeFiguras(SphinxPostTransform):
    """Pliega el código de las celdas cuya salida es una figura (``hide_mode="input"`` de myst-nb).

    Va después de que myst-nb elija el formato de cada salida (prioridad 4) y antes de que
    envuelva en un desplegable el código de las celdas con ``hide_mode`` (prioridad 199).
    """

    default_priority = 100
    formats = ("html",)

    def run(self, **kwargs):
        for celda in self.document.findall(nodes.container):
            if celda.get("nb_element") != "cell_code" or celda.get("hide_mode") or not celda.children:
                continue
            codigo = celda.children[0].get("nb_element") == "cell_code_source"
            salidas = [n for n in celda.children if n.get("nb_element") == "cell_code_output"]
            if codigo and any(s.next_node(nodes.image) is not None for s in salidas):
                celda["hide_mode"] = "input"
                celda["prompt_show"], celda["prompt_hide"] = CODIGO_DE_FIGURA
                celda["classes"].append("celda-figura")


class NumerarEcuaciones(SphinxTransform):
    """Da etiqueta (y así número) a cada fórmula en bloque que no la tiene.

    Hace lo mismo que myst-parser con ``$$ … $$ (etiqueta)``: anota la ecuación en el dominio
    de las matemáticas y pone delante un destino ``equation-…``. Va antes de que docutils pase
    ese destino a la fórmula (PropagateTargets, prioridad 260), que es de donde Sphinx saca su
    número «capítulo.n».
    """

    default_priority = 250

    def apply(self, **kwargs):
        dominio = self.env.get_domain("math")
        base = nodes.make_id(self.env.docname)
        for n, formula in enumerate(list(self.document.findall(nodes.math_block)), 1):
            if formula.get("label") or formula.get("nowrap") or "\\tag" in formula.astext():
                continue
            etiqueta = f"{base}-{n}"
            dominio.note_equation(self.env.docname, etiqueta, location=formula)
            formula["label"] = etiqueta
            formula["number"] = dominio.get_equation_number_for(etiqueta)
            formula["docname"] = self.env.docname
            destino = nodes.target("", "", ids=[nodes.make_id(f"equation-{etiqueta}")])
            self.document.note_explicit_target(destino)
            formula.parent.insert(formula.parent.index(formula), destino)


def _abrir_desplegable_de_codigo(self, node):
    """Como el de myst-nb, pero sin aria-label="Toggle hidden content" (en inglés, y tapaba el
    texto visible del botón, que así es su nombre accesible)."""
    clases = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {clases}">\n<summary>\n'
                     f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n'
                     f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n'
                     '</summary>\n')


def _cerrar_desplegable_de_codigo(self, node):
    self.body.append("</details>\n")


def setup(app):
    _origen_mathjax()  # falla pronto y con un mensaje claro si falta el paquete
    app.connect("config-inited", _anteponer_catalogo)
    app.connect("config-inited", _configurar_mathjax)
    app.connect("build-finished", _copiar_mathjax)
    app.connect("build-finished", _copiar_estaticos_propios)
    app.connect("html-page-context", _quitar_scripts_repetidos, priority=900)
    app.add_post_transform(PlegarCodigoDeFiguras)
    app.add_transform(NumerarEcuaciones)
    # myst-nb registra su desplegable de código solo para el constructor «html»: el del libro
    # en una sola página («singlehtml», make pdf) fallaba con «unknown node type».
    from myst_nb.sphinx_ import HideCodeCellNode

    visitantes = (_abrir_desplegable_de_codigo, _cerrar_desplegable_de_codigo)
    app.add_node(HideCodeCellNode, override=True, html=visitantes, singlehtml=visitantes)
    # env_version: al cambiar lo que esta extensión hace al leer los capítulos (p. ej. numerar
    # ecuaciones), se sube para que Sphinx los vuelva a leer todos.
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.1", "env_version": 2}
