"""Capítulos 1-4 y glosario en el libro construido: estructura, figuras y salidas reales.

Se analiza el HTML con ``html.parser`` (biblioteca estándar): las comprobaciones miran
dentro de los elementos que genera myst-nb (``div.cell_output``, ``figure``, ``h2``),
no en el texto plano de la página, para que un número escrito a mano en el Markdown
no pase por una salida calculada.
"""
import re
from html.parser import HTMLParser

import pytest

CAPITULOS = (
    "01-aprendizaje-supervisado",
    "02-funciones-de-coste",
    "03-descenso-de-gradiente",
    "04-descenso-estocastico",
)
SECCIONES = ("Objetivos", "Resumen", "Ejercicios")
#: Valores de J(θ1) con θ0 = 0 para los datos (0,0), (1,1), (2,2), (3,3).
TABLA_J = {0.0: 1.75, 0.5: 0.4375, 1.0: 0.0, 1.5: 0.4375, 2.0: 1.75}
FUNCIONES_XOR = ("feedForward", "costoGlobal", "backProp", "entrenarRed")
NUMERO_DE_SECCION = re.compile(r"^\d+(\.\d+)*\.\s*")


class PaginaCapitulo(HTMLParser):
    """Extrae de una página del libro los encabezados h2, las figuras y las salidas de celdas."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.h2 = []            # texto de cada encabezado de nivel 2
        self.figuras = []       # {"id", "alt", "pie"} de cada <figure> con imagen
        self.salidas = []       # {"clases", "texto"} de cada salida dentro de div.cell_output
        self.desplegables = 0   # admoniciones con la clase dropdown
        self._divs = []         # pila de clases de los <div> abiertos
        self._texto_h2 = None
        self._en_enlace_h2 = False
        self._figura = None
        self._en_pie = False
        self._salida = None     # salida que se está leyendo y profundidad de su <div>
        self._en_articulo = False  # solo cuenta el <article> del capítulo, no el índice lateral

    # --- utilidades -------------------------------------------------------------
    def _dentro_de_salida_de_celda(self):
        return any("cell_output" in clases for clases in self._divs)

    # --- eventos del analizador -------------------------------------------------
    def handle_starttag(self, etiqueta, atributos):
        attrs = dict(atributos)
        clases = (attrs.get("class") or "").split()
        if etiqueta == "div":
            if "dropdown" in clases and "admonition" in clases:
                self.desplegables += 1
            if self._salida is None and self._dentro_de_salida_de_celda() and "output" in clases:
                self._salida = {"clases": clases, "texto": [], "nivel": len(self._divs)}
                self.salidas.append(self._salida)
            self._divs.append(clases)
        elif etiqueta == "article":
            self._en_articulo = True
        elif etiqueta == "h2" and self._en_articulo:
            self._texto_h2 = []
        elif etiqueta == "a" and self._texto_h2 is not None and "headerlink" in clases:
            self._en_enlace_h2 = True
        elif etiqueta == "figure":
            self._figura = {"id": attrs.get("id", ""), "alt": "", "pie": [], "img": False}
        elif etiqueta == "img" and self._figura is not None:
            self._figura["img"] = True
            self._figura["alt"] = (attrs.get("alt") or "").strip()
        elif etiqueta == "figcaption" and self._figura is not None:
            self._en_pie = True

    def handle_endtag(self, etiqueta):
        if etiqueta == "div" and self._divs:
            self._divs.pop()
            if self._salida is not None and len(self._divs) == self._salida["nivel"]:
                self._salida["texto"] = "".join(self._salida["texto"])
                self._salida = None
        elif etiqueta == "article":
            self._en_articulo = False
        elif etiqueta == "a":
            self._en_enlace_h2 = False
        elif etiqueta == "h2" and self._texto_h2 is not None:
            # Sin el número de sección que añade `numbered: true` («2.1. Objetivos»).
            self.h2.append(NUMERO_DE_SECCION.sub("", "".join(self._texto_h2).strip()))
            self._texto_h2 = None
        elif etiqueta == "figcaption":
            self._en_pie = False
        elif etiqueta == "figure" and self._figura is not None:
            self._figura["pie"] = " ".join("".join(self._figura["pie"]).split())
            if self._figura["img"]:
                self.figuras.append(self._figura)
            self._figura = None

    def handle_data(self, datos):
        if self._texto_h2 is not None and not self._en_enlace_h2:
            self._texto_h2.append(datos)
        if self._en_pie and self._figura is not None:
            self._figura["pie"].append(datos)
        if self._salida is not None:
            self._salida["texto"].append(datos)


def analizar(libro_html, capitulo):
    ruta = libro_html / "book" / f"{capitulo}.html"
    assert ruta.exists(), f"No se generó la página {ruta}"
    pagina = PaginaCapitulo()
    pagina.feed(ruta.read_text(encoding="utf-8"))
    pagina.close()
    return pagina


@pytest.fixture(scope="module")
def paginas(libro_html):
    return {capitulo: analizar(libro_html, capitulo) for capitulo in CAPITULOS}


@pytest.mark.parametrize("capitulo", CAPITULOS)
def test_secciones_en_orden(paginas, capitulo):
    h2 = paginas[capitulo].h2
    for seccion in SECCIONES:
        assert seccion in h2, f"{capitulo}: falta la sección «{seccion}» (encabezados: {h2})"
    assert h2[0] == "Objetivos", f"{capitulo}: la primera sección debe ser «Objetivos», no «{h2[0]}»"
    assert h2[-2:] == ["Resumen", "Ejercicios"], f"{capitulo}: debe terminar con Resumen y Ejercicios"
    assert len(h2) >= 5, f"{capitulo}: el contenido debería tener varias secciones entre Objetivos y Resumen"


@pytest.mark.parametrize("capitulo", CAPITULOS)
def test_ejercicios_con_solucion_desplegable(paginas, capitulo):
    assert paginas[capitulo].desplegables >= 3, (
        f"{capitulo}: los ejercicios deben tener la solución en bloques desplegables")


@pytest.mark.parametrize("capitulo", CAPITULOS)
def test_figuras_con_pie_y_texto_alternativo(paginas, capitulo):
    figuras = paginas[capitulo].figuras
    assert figuras, f"{capitulo}: no hay ninguna figura con imagen"
    for figura in figuras:
        assert len(figura["alt"]) > 20, f"{capitulo}: la figura {figura['id']} no tiene texto alternativo"
        assert figura["pie"].startswith("Figura"), f"{capitulo}: la figura {figura['id']} no tiene pie numerado"
        assert len(figura["pie"]) > 30, f"{capitulo}: el pie de {figura['id']} es demasiado corto"


@pytest.mark.parametrize("capitulo", CAPITULOS)
def test_salidas_de_celdas_sin_errores(paginas, capitulo):
    salidas = paginas[capitulo].salidas
    textos = [s["texto"] for s in salidas if "stream" in s["clases"]]
    assert len(textos) >= 2 and all(t.strip() for t in textos), (
        f"{capitulo}: faltan salidas de texto de las celdas ejecutadas")
    for salida in salidas:
        clases = set(salida["clases"])
        assert not clases & {"stderr", "traceback", "error"}, (
            f"{capitulo}: una celda escribió en stderr o falló:\n{salida['texto'][:500]}")
        assert "Traceback" not in salida["texto"], f"{capitulo}: hay una traza de Python en una salida"
        assert "Warning" not in salida["texto"], f"{capitulo}: hay un aviso en una salida"


@pytest.mark.parametrize("capitulo", CAPITULOS)
def test_no_muestra_las_funciones_del_taller_xor(libro_html, capitulo):
    html = (libro_html / "book" / f"{capitulo}.html").read_text(encoding="utf-8")
    texto = re.sub(r"<[^>]+>", "", html)
    for funcion in FUNCIONES_XOR:
        assert f"def {funcion}" not in texto, f"{capitulo}: el libro no debe mostrar {funcion}"


def test_tabla_del_coste_sale_de_la_ejecucion(paginas):
    """La tabla J(θ1) del capítulo 2 está en la salida de una celda y tiene los valores correctos."""
    tablas = [s["texto"] for s in paginas["02-funciones-de-coste"].salidas
              if s["texto"].lstrip().startswith("Tabla de J(θ1) con θ0 = 0")]
    assert len(tablas) == 1, "No se encontró la salida de la celda con la tabla de J(θ1)"
    filas = re.findall(r"^\s*(-?\d+(?:\.\d+)?)\s*\|\s*(-?\d+(?:\.\d+)?)\s*$", tablas[0], re.MULTILINE)
    obtenida = {float(t1): float(j) for t1, j in filas}
    assert obtenida.keys() == TABLA_J.keys(), f"Valores de θ1 inesperados: {sorted(obtenida)}"
    for t1, esperado in TABLA_J.items():
        assert obtenida[t1] == pytest.approx(esperado, abs=1e-12), f"J({t1}) = {obtenida[t1]}, se esperaba {esperado}"


def test_figura_del_coste_de_la_regresion(paginas):
    ids = {f["id"] for f in paginas["02-funciones-de-coste"].figuras}
    assert "fig-coste-theta1" in ids, "Falta la gráfica de J(θ1) en el capítulo 2"


class EntradasDeGlosario(HTMLParser):
    """Entradas de la directiva glossary: [(términos de la entrada, texto de su definición)], y filas de tablas."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.entradas, self.filas = [], 0
        self._dt = self._dd = None
        self._en_enlace = False
        self._terminos = []

    def handle_starttag(self, etiqueta, atributos):
        if etiqueta == "dt":
            self._dt = []
        elif etiqueta == "dd":
            self._dd = []
        elif etiqueta == "a" and self._dt is not None and "headerlink" in (dict(atributos).get("class") or ""):
            self._en_enlace = True
        elif etiqueta == "tr":
            self.filas += 1

    def handle_endtag(self, etiqueta):
        if etiqueta == "a":
            self._en_enlace = False
        elif etiqueta == "dt" and self._dt is not None:
            self._terminos.append(" ".join("".join(self._dt).split()))
            self._dt = None
        elif etiqueta == "dd" and self._dd is not None:
            self.entradas.append((self._terminos, " ".join("".join(self._dd).split())))
            self._terminos, self._dd = [], None

    def handle_data(self, datos):
        if self._dt is not None and not self._en_enlace:
            self._dt.append(datos)
        elif self._dd is not None:
            self._dd.append(datos)


def leer_glosario(libro_html):
    glosario = EntradasDeGlosario()
    glosario.feed((libro_html / "book" / "glosario.html").read_text(encoding="utf-8"))
    return glosario


def test_glosario_bilingue(libro_html):
    glosario = leer_glosario(libro_html)
    terminos = [termino for terminos, _ in glosario.entradas for termino in terminos]
    assert len(glosario.entradas) >= 45, f"El glosario solo tiene {len(glosario.entradas)} entradas"
    for espanol, ingles in (("Retropropagación", "backpropagation"), ("Tasa de aprendizaje", "learning rate"),
                            ("Época", "epoch"), ("Minilote", "mini-batch"), ("Sesgo", "bias"),
                            ("Preactivación", "pre-activation"), ("Producto de Hadamard", "Hadamard product")):
        definiciones = [texto for terminos_, texto in glosario.entradas if espanol in terminos_]
        assert definiciones, f"El glosario no recoge «{espanol}» (términos: {terminos})"
        assert definiciones[0].startswith("(") and ingles in definiciones[0].split(")")[0], (
            f"La definición de «{espanol}» no empieza por su equivalente inglés «{ingles}»")
    assert glosario.filas >= 45, "Falta la tabla del inglés al español"


def test_entropia_cruzada_desde_la_verosimilitud(paginas):
    """Capítulo 2: −ln(verosimilitud)/m es la entropía cruzada y dL/dz = ŷ − y, en las salidas reales."""
    import math

    salidas = "\n".join(s["texto"] for s in paginas["02-funciones-de-coste"].salidas)
    probabilidades = [0.9, 1 - 0.2, 0.6, 0.99]
    verosimilitud = math.prod(probabilidades)
    impresa = float(re.search(r"Verosimilitud \(producto\): (\d\.\d+)", salidas).group(1))
    assert impresa == pytest.approx(verosimilitud, abs=1e-6)
    nll = float(re.search(r"-ln\(verosimilitud\) / m:\s+(\d\.\d+)", salidas).group(1))
    entropia = float(re.search(r"Entropía cruzada binaria:\s+(\d\.\d+)", salidas).group(1))
    assert nll == entropia == pytest.approx(-math.log(verosimilitud) / 4, abs=1e-6)
    derivadas = re.findall(r"dL/dz numérica = (-?\d\.\d+),\s+ŷ − y = (-?\d\.\d+)", salidas)
    assert len(derivadas) == 3, "Faltan las comprobaciones de dL/dz = ŷ − y"
    for numerica, formula in derivadas:
        assert float(numerica) == pytest.approx(float(formula), abs=2e-6)


def test_cifras_del_desvanecimiento_en_el_capitulo_3(libro_html):
    texto = " ".join(re.sub(r"<[^>]+>", " ", (libro_html / "book" / "03-descenso-de-gradiente.html")
                            .read_text(encoding="utf-8")).split())
    assert 4 ** 10 == 1_048_576 and "1\\,048\\,576" in texto, "El capítulo 3 debe dar 4^10 exacto"
    assert "alrededor de un millón de veces menor" in texto
