"""Ejercicios (sphinx-exercise), numeración, glosario con {term} e índice, y lenguaje del libro construido.

Como en las demás pruebas de los capítulos, se analiza el HTML de `_build/html` con
``html.parser``. Las respuestas numéricas de los ejercicios «Compruébalo» se recalculan aquí
(o se leen de la salida de la celda de la que dependen) y se buscan en la solución publicada.
"""
import html
import math
import re
from html.parser import HTMLParser

import pytest

CAPITULOS = {
    1: "01-aprendizaje-supervisado",
    2: "02-funciones-de-coste",
    3: "03-descenso-de-gradiente",
    4: "04-descenso-estocastico",
    5: "05-derivadas-y-grafos",
    6: "06-retropropagacion",
    7: "07-entrenamiento",
    8: "08-talleres",
}


class Ejercicios(HTMLParser):
    """Cada div.exercise con su número, su título y la div.solution que lo sigue."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ejercicios = []      # dicts: id, numero, titulo, solucion (clases, titulo, texto)
        self._pila = []           # (tipo, profundidad) de los bloques abiertos que interesan
        self._divs = 0
        self._actual = None
        self._campo = None

    def handle_starttag(self, etiqueta, atributos):
        attrs = dict(atributos)
        clases = (attrs.get("class") or "").split()
        if etiqueta == "div":
            self._divs += 1
            if "exercise" in clases and "admonition" in clases:
                self._actual = {"id": attrs.get("id", ""), "numero": "", "titulo": "", "enunciado": "",
                                "solucion": None}
                self.ejercicios.append(self._actual)
                self._pila.append(("ejercicio", self._divs))
            elif "solution" in clases and "admonition" in clases and self.ejercicios:
                self.ejercicios[-1]["solucion"] = {"clases": clases, "titulo": "", "texto": ""}
                self._actual = self.ejercicios[-1]["solucion"]
                self._pila.append(("solucion", self._divs))
        elif etiqueta == "p" and "admonition-title" in clases and self._pila:
            self._campo = "titulo"
        elif etiqueta == "span" and "caption-number" in clases and self._campo == "titulo":
            self._campo = "numero"

    def handle_endtag(self, etiqueta):
        if etiqueta == "div":
            if self._pila and self._pila[-1][1] == self._divs:
                self._pila.pop()
                self._actual = None
            self._divs -= 1
        elif etiqueta == "span" and self._campo == "numero":
            self._campo = "titulo"
        elif etiqueta == "p" and self._campo in ("titulo", "numero"):
            self._campo = None

    def handle_data(self, datos):
        if self._actual is None:
            return
        if self._campo == "numero":
            self._actual["numero"] += datos
        elif self._campo == "titulo":
            self._actual["titulo"] += datos
        elif "texto" in self._actual:
            self._actual["texto"] += datos
        else:
            self._actual["enunciado"] += datos


def texto_visible(fragmento):
    """Texto de un fragmento HTML sin etiquetas ni scripts (las fórmulas quedan en LaTeX)."""
    fragmento = re.sub(r"<(script|style)\b.*?</\1>", " ", fragmento, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragmento)).split())


@pytest.fixture(scope="module")
def paginas(libro_html):
    return {n: (libro_html / "book" / f"{nombre}.html").read_text(encoding="utf-8")
            for n, nombre in CAPITULOS.items()}


@pytest.fixture(scope="module")
def ejercicios(paginas):
    resultado = {}
    for n, pagina in paginas.items():
        analizador = Ejercicios()
        analizador.feed(pagina)
        resultado[n] = analizador.ejercicios
    return resultado


def solucion(ejercicios, etiqueta):
    capitulo = int(etiqueta.split("-")[1])
    for ejercicio in ejercicios[capitulo]:
        if ejercicio["id"] == etiqueta:
            return " ".join(ejercicio["solucion"]["texto"].split())
    raise AssertionError(f"No está el ejercicio {etiqueta}")


@pytest.mark.parametrize("capitulo", sorted(CAPITULOS))
def test_cada_capitulo_acaba_con_4_a_8_ejercicios_numerados(ejercicios, paginas, capitulo):
    lista = ejercicios[capitulo]
    assert 4 <= len(lista) <= 8, f"Capítulo {capitulo}: {len(lista)} ejercicios (deben ser de 4 a 8)"
    for k, ejercicio in enumerate(lista, start=1):
        assert ejercicio["id"] == f"ej-{capitulo:02d}-{k}", f"Etiqueta inesperada: {ejercicio['id']}"
        assert ejercicio["numero"].strip() == f"Ejercicio {capitulo}.{k}", (
            f"{ejercicio['id']}: numerado «{ejercicio['numero']}», se esperaba «Ejercicio {capitulo}.{k}»")
        assert ejercicio["titulo"].strip(" ()"), f"{ejercicio['id']}: sin título"
        assert len(ejercicio["enunciado"].split()) >= 8, f"{ejercicio['id']}: enunciado vacío"
        sol = ejercicio["solucion"]
        assert sol is not None, f"{ejercicio['id']}: sin solución"
        assert "dropdown" in sol["clases"], f"{ejercicio['id']}: la solución no está plegada"
        assert sol["titulo"].strip() == "Solución", f"{ejercicio['id']}: título de la solución «{sol['titulo']}»"
        assert len(sol["texto"].split()) >= 8, f"{ejercicio['id']}: solución vacía"
    assert any(e["titulo"].strip(" (").startswith("Compruébalo") for e in lista), (
        f"Capítulo {capitulo}: falta un ejercicio «Compruébalo» con respuesta numérica")
    # La sección «Ejercicios» es la última y contiene todos los ejercicios.
    assert paginas[capitulo].index('id="ejercicios"') < paginas[capitulo].index('id="ej-')


@pytest.mark.parametrize("capitulo", sorted(CAPITULOS))
def test_interfaz_de_los_ejercicios_en_espanol(paginas, capitulo):
    texto = texto_visible(paginas[capitulo])
    for ingles in ("Exercise", "Solution", "Link to this"):
        assert ingles not in texto, f"Capítulo {capitulo}: queda «{ingles}» sin traducir"
    assert "Link to this" not in paginas[capitulo], f"Capítulo {capitulo}: atributo title en inglés"


def test_los_ejercicios_se_pueden_citar(paginas):
    """Las referencias a ejercicios ({ref}/{numref}) llevan al ejercicio de su capítulo."""
    enlaces = re.findall(r'href="(0\d)-[^"#]*\.html#(ej-(\d\d)-\d+)"|href="#(ej-(\d\d)-\d+)"',
                         "".join(paginas.values()))
    assert len(enlaces) >= 3, "El texto apenas cita ejercicios"
    for archivo, etiqueta, capitulo, _, _ in enlaces:
        if archivo:
            assert archivo == capitulo, f"El enlace a {etiqueta} apunta al capítulo {archivo}"


def buscar(texto, *valores):
    for valor in valores:
        assert valor in texto, f"La solución no dice «{valor}»:\n{texto}"


def test_respuestas_numericas_de_los_ejercicios(ejercicios, paginas):
    # 1.1: parámetros de una red 784-100-10.
    oculta, salida = 100 * 784 + 100, 10 * 100 + 10
    buscar(solucion(ejercicios, "ej-01-1"), f"{oculta // 1000}\\,{oculta % 1000:03d}", str(salida),
           f"{(oculta + salida) // 1000}\\,{(oculta + salida) % 1000:03d}")
    # 2.1: J(3) con los datos (0,0)…(3,3) y θ0 = 0.
    x = [0.0, 1.0, 2.0, 3.0]
    buscar(solucion(ejercicios, "ej-02-1"), f"J = 56/8 = {sum(((3 - 1) * xi) ** 2 for xi in x) / 8:g}")
    # 2.3: ŷ = 0.8 con y = 0.
    buscar(solucion(ejercicios, "ej-02-3"), f"{-math.log(0.2):.3f}", f"{0.8 ** 2:.2f}")
    # 2.6: verosimilitud de tres etiquetas.
    verosimilitud = 0.9 * 0.8 * 0.6
    exponente = 333 * math.log10(verosimilitud)
    buscar(solucion(ejercicios, "ej-02-6"), f"{verosimilitud:.3f}", f"{-math.log(verosimilitud) / 3:.4f}",
           f"{10 ** (exponente - math.floor(exponente)):.0f} \\cdot 10^{{{math.floor(exponente)}}}")
    # 3.4: un paso de descenso de gradiente desde θ = (0, 0) con α = 0.1.
    r = [0.0 - xi for xi in x]
    g0, g1 = sum(r) / 4, sum(ri * xi for ri, xi in zip(r, x)) / 4
    buscar(solucion(ejercicios, "ej-03-4"), f"({-0.1 * g0:.2f},\\ {-0.1 * g1:.2f})")
    # 4.1: actualizaciones por época.
    pasos = math.ceil(50_000 / 128)
    buscar(solucion(ejercicios, "ej-04-1"), f"= {pasos}\\)", f"{30 * pasos // 1000}\\,{30 * pasos % 1000:03d}")
    # 5.2: max(x, y)·z en (2, 7, 3).
    buscar(solucion(ejercicios, "ej-05-2"), f"f = {max(2, 7) * 3}", "\\partial f/\\partial y = 3")
    # 5.5: diferencias finitas de x³ en x = 1 con h = 1e-3.
    h = 1e-3
    buscar(solucion(ejercicios, "ej-05-5"), f"{((1 + h) ** 3 - 1) / h:.6f}", f"{((1 + h) ** 3 - (1 - h) ** 3) / (2 * h):.6f}")
    # 6.1: red 64-32-10.
    buscar(solucion(ejercicios, "ej-06-1"), f"= {32 * 64 + 32 + 10 * 32 + 10}")
    # 6.3: neurona saturada: cuadrático frente a entropía cruzada.
    a = 1 / (1 + math.exp(6))
    buscar(solucion(ejercicios, "ej-06-3"), f"{a:.5f}", f"{(a - 1) * a * (1 - a):.5f}")
    cociente = (1 - a) / abs((a - 1) * a * (1 - a))
    assert 350 < cociente < 450, f"«unas 400 veces» no encaja con {cociente:.0f}"
    # 6.6: el ejemplo 2-2-1 con y = 0.
    x6, W1, b1, W2 = (1.0, -2.0), ((0.5, 0.2), (-0.3, 0.4)), (0.1, -0.2), (0.8, -0.5)
    a1 = [math.tanh(W1[j][0] * x6[0] + W1[j][1] * x6[1] + b1[j]) for j in range(2)]
    a2 = 1 / (1 + math.exp(-(W2[0] * a1[0] + W2[1] * a1[1] + 0.3)))
    d1 = [W2[j] * a2 * (1 - a1[j] ** 2) for j in range(2)]
    buscar(solucion(ejercicios, "ej-06-6"), f"{-math.log(1 - a2):.4f}", f"{a2:.4f}",
           f"({W2[0] * a2:.4f},\\ {W2[1] * a2:.4f})", f"({1 - a1[0] ** 2:.4f},\\ {1 - a1[1] ** 2:.4f})",
           f"({d1[0]:.4f},\\ {d1[1]:.4f})", f"{d1[0] * x6[0]:.4f} & {d1[0] * x6[1]:.4f}",
           f"{d1[1] * x6[0]:.4f} & {d1[1] * x6[1]:.4f}", f"de \\({1 - a2:.4f}\\) a \\({a2:.4f}\\)")
    # 7.6: el XOR a mano en (1, 1).
    sigma = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    h1, h2 = sigma(30), sigma(10)
    salida_xor = sigma(20 * h1 - 20 * h2 - 10)
    buscar(solucion(ejercicios, "ej-07-6"), f"{h2:.5f}", f"{salida_xor * 1e5:.1f} \\cdot")
    # 7.1: parámetros de 64-64-32-10 y actualizaciones por época con el conjunto de entrenamiento real.
    salida_ent = re.search(r"Entrenamiento: X \(64, (\d+)\)", texto_visible(paginas[7]))
    assert salida_ent, "No aparece el tamaño del conjunto de entrenamiento del capítulo 7"
    m_ent = int(salida_ent.group(1))
    texto_7_1 = solucion(ejercicios, "ej-07-1")
    buscar(texto_7_1, f"{64 * 64 + 64 + 32 * 64 + 32 + 10 * 32 + 10}", f"\\lceil {m_ent} / 32 \\rceil = {math.ceil(m_ent / 32)}",
           f"minilote de {m_ent - 32 * (m_ent // 32)} ejemplos")
    assert str(m_ent) in texto_visible(str(ejercicios[7][0]["enunciado"])), "El enunciado 7.1 no usa el tamaño real"
    # 8.4: puntos del taller 2 (regla-cadena) según la tabla de la página.
    tabla = dict(re.findall(r"<code[^>]*><span class=\"pre\">(\w+)</span></code></p></td>\s*<td>.*?</td>\s*<td><p>(\d+)</p>",
                            paginas[8], flags=re.S))
    if not tabla:
        tabla = dict(re.findall(r"<span class=\"pre\">(\w+)</span></code></td>\s*<td>.*?</td>\s*<td>(\d+)</td>",
                                paginas[8], flags=re.S))
    puntos = sum(int(tabla[f]) for f in ("PuertaSuma", "PuertaMax", "derivadaSigmoide"))
    buscar(solucion(ejercicios, "ej-08-4"), f"{puntos} puntos")


def test_capitulos_numerados_como_en_el_texto(libro_html, paginas):
    """La barra lateral numera los capítulos 1-8 y cada «capítulo N» del texto enlaza al capítulo N."""
    intro = (libro_html / "book" / "intro.html").read_text(encoding="utf-8")
    for n, nombre in CAPITULOS.items():
        assert re.search(rf'href="{nombre}\.html">{n}\. ', intro), f"La barra lateral no numera «{n}. …»"
        assert re.search(rf'<h1><span class="section-number">{n}\. </span>', paginas[n]), (
            f"El título del capítulo {n} no lleva su número")
    assert not re.search(r'href="(glosario|bibliografia)\.html">\d', intro), "Glosario y bibliografía no son capítulos"
    citas = 0
    for pagina in paginas.values():
        for destino, n in re.findall(r'href="(0\d)-[^"]*"[^>]*><span class="std std-ref">capítulo (\d)</span>', pagina):
            citas += 1
            assert int(destino) == int(n), f"«capítulo {n}» enlaza al capítulo {destino}"
    assert citas >= 5, "El texto casi no cita capítulos por su número"


TERMINOS_OBLIGATORIOS = (
    "Preactivación", "Error imputado", "Paso hacia delante", "Paso hacia atrás", "Comprobación del gradiente",
    "Inicialización de He", "Inicialización de Glorot", "Regresión logística", "Producto de Hadamard",
    "Difusión", "Capa escondida", "Ratio de aprendizaje", "Propagación hacia atrás", "Feed forward",
    "Log-loss", "NLL", "Dataset", "Matriz jacobiana", "Verosimilitud")


def test_glosario_con_terminos_enlazados_e_indice(libro_html, paginas):
    glosario = (libro_html / "book" / "glosario.html").read_text(encoding="utf-8")
    terminos = {texto_visible(t).rstrip("#").strip()
                for t in re.findall(r'<dt id="term-[^"]*">(.*?)<a class="headerlink"', glosario)}
    for termino in TERMINOS_OBLIGATORIOS:
        assert termino in terminos, f"Falta el término «{termino}» en el glosario"
    for n in range(1, 8):
        enlaces = set(re.findall(r'href="glosario\.html#(term-[^"]+)"', paginas[n]))
        assert len(enlaces) >= 3, f"El capítulo {n} solo enlaza {len(enlaces)} términos del glosario"
        for ancla in enlaces:
            assert f'id="{ancla}"' in glosario, f"Capítulo {n}: el enlace {ancla} no lleva a un término"
    indice = (libro_html / "genindex.html").read_text(encoding="utf-8")
    entradas = set(re.findall(r'href="book/glosario\.html#(term-[^"]+)"', indice))
    assert len(entradas) >= 60, f"El índice solo tiene {len(entradas)} entradas del glosario"
    assert "term-Retropropagacion" in entradas
    assert 'href="../genindex.html"' in (libro_html / "book" / "intro.html").read_text(encoding="utf-8"), (
        "La introducción no enlaza el índice")


PROHIBIDAS = {
    "log-pérdida": "«entropía cruzada»", "enruta": "otro verbo («elige», «envía»)",
    "material del curso": "una referencia que el estudiante tenga", "material original": "ídem",
    "cientos de miles de veces": "la cifra correcta", "treinta veces": "una cifra medida o nada",
    "que medir": "«que minimizar»",
}


@pytest.mark.parametrize("capitulo", sorted(CAPITULOS))
def test_lenguaje_del_libro(paginas, capitulo):
    pagina = paginas[capitulo]
    texto = texto_visible(pagina)
    for expresion, alternativa in PROHIBIDAS.items():
        assert expresion not in texto, f"Capítulo {capitulo}: «{expresion}»; usa {alternativa}"
    assert "\\log" not in pagina, f"Capítulo {capitulo}: el libro escribe ln, no log"
    # «coste» en la prosa: «costo» solo en código (`costo`, `costoGlobal`) o en una cita literal.
    sin_codigo = re.sub(r"<(code|pre|blockquote)\b.*?</\1>", " ", pagina, flags=re.S)
    # (Mencionar la palabra entre comillas, «costo», es hablar de ella, no usarla.)
    assert not re.search(r"(?<!«)\bcosto\b(?!»)", texto_visible(sin_codigo)), f"Capítulo {capitulo}: «costo» en la prosa"
