"""La página de retroalimentación del estudiante (issue 25, puntos 1 a 6).

Las pruebas unitarias construyen resultados como los del calificador y miran la página
(``informes.retroalimentacion``, que usa ``pagina_estudiante``). Las lentas califican un lote real
(``python -m autograder calificar`` con lista de clase, un error de sintaxis, un bucle sin fin, un
cuaderno sin hacer y uno completo) y auditan sus páginas en Chromium con axe-core, en pantalla y
en impresión.
"""
import csv
import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import muestras
from autograder.calificacion import sintaxis, tiempo_agotado
from autograder.calificacion import veredictos as calificacion
from autograder.lote.local import _resultado_base
from autograder.recogida.entregas import Entrega
from autograder.salidas import informes, pagina_estudiante
from conftest import RAIZ, entorno_de_ordenes
from solutions.comprobaciones import explicar_error
from solutions.talleres import TALLERES

TALLER = TALLERES["xor-retropropagacion"]
NO_HECHA = ("lanzó un error. Aún no has escrito esta función: borra la línea `raise NotImplementedError()` y "
            "escribe tu código en su lugar. (Mensaje original: NotImplementedError)")
DESCRIPCIONES = ["4 ejemplos (m = 4), red 3-4-1", "7 ejemplos (m = 7), red 2-5-1", "1 ejemplo (m = 1), red 5-3-2",
                 "13 ejemplos (m = 13), red 4-6-3"]


def resultado(nombre="", **funciones):
    """Resultado de ``ana`` con ``funciones`` {función: [fallos]} (las demás, bien)."""
    r = _resultado_base(Entrega("ana"), TALLER)
    for f, info in r["funciones"].items():
        fallos = funciones.get(f, [])
        info.update(falta=False, casos=5, fallos=fallos, puntos=0 if fallos else info["max"])
    r["puntos"] = sum(i["puntos"] for i in r["funciones"].values())
    if nombre:
        r["nombre"] = nombre
    return r


def publica(texto):
    return {"descripcion": "las pruebas públicas del cuaderno", "problemas": [texto], "publica": True}


def ocultos(textos):
    return [{"descripcion": d, "problemas": [t]} for d, t in zip(DESCRIPCIONES, textos)]


def texto(pagina):
    """Texto de la página, sin etiquetas."""
    return html.unescape(re.sub(r"<[^>]+>", "", pagina))


def elementos(pagina, funcion):
    """Los <li> de «Qué falló en» ``funcion`` (como los lee tests/test_pistas.py)."""
    bloque = re.search(rf"<h2>Qué falló en <code>{funcion}</code></h2><ul>(.*?)</ul>", pagina, re.S)
    return [texto(li) for li in re.findall(r"<li>(.*?)</li>", bloque.group(1), re.S)] if bloque else []


# --- 1. Saludo por el nombre -----------------------------------------------------------------------

def test_1_saluda_por_el_nombre_que_da_la_lista_o_el_lms():
    pagina = informes.retroalimentacion(resultado("María <b>López</b>"), TALLER)
    assert "Hola, <strong>María &lt;b&gt;López&lt;/b&gt;</strong>:" in pagina  # escapado
    assert "Estudiante:" not in pagina
    sin_nombre = informes.retroalimentacion(resultado(), TALLER)
    assert "<p>Hola:</p>" in sin_nombre and "Entrega: ana" in sin_nombre


def test_1_las_paginas_se_rehacen_con_el_nombre_despues_de_anotarlo(tmp_path):
    carpeta = tmp_path / "retroalimentacion"
    carpeta.mkdir()
    con, sin = resultado("Luis Gil"), dict(resultado(), estudiante="eva")
    for r in (con, sin):
        (carpeta / f"{r['estudiante']}.html").write_text("vieja", encoding="utf-8")

    def escribir(ruta, contenido):
        Path(ruta).write_text(contenido, encoding="utf-8")

    pagina_estudiante.reescribir_con_nombre([con, sin], TALLER, tmp_path, escribir)
    assert "Hola, <strong>Luis Gil</strong>" in (carpeta / "ana.html").read_text(encoding="utf-8")
    assert (carpeta / "eva.html").read_text(encoding="utf-8") == "vieja"  # sin nombre: no cambia


# --- 2. Una causa, un mensaje --------------------------------------------------------------------

def test_2_un_cuaderno_sin_hacer_lo_dice_una_vez_por_funcion():
    fallos = [publica(f"`backProp`: {NO_HECHA[len('lanzó un error. '):]} El error salta en `backProp`.")]
    fallos += ocultos([NO_HECHA] * 4)
    pagina = informes.retroalimentacion(resultado(backProp=fallos), TALLER)
    (unico,) = elementos(pagina, "backProp")
    assert unico.startswith("Con las pruebas públicas del cuaderno y 4 casos ocultos (5 comprobaciones")
    assert texto(pagina).count("Aún no has escrito esta función") == 1
    assert all(d in unico for d in DESCRIPCIONES)  # los casos siguen nombrados


def test_2_un_nameerror_en_las_publicas_y_en_los_ocultos_es_una_sola_causa():
    pista = ("Usas `cuenta`, que no está definido: ¿está bien escrito? ¿Ejecutaste la celda que lo define? "
             "(Mensaje original: NameError: name 'cuenta' is not defined)")
    fallos = [publica(f"`backProp`: {pista} El error salta en `backProp`, en la línea `total = cuenta + 1`.")]
    fallos += ocultos([f"lanzó un error. {pista}"] * 3 + ["lanzó un error (`NameError`). Usas `cuenta`, que no "
                                                          "está definido: ¿está bien escrito? ¿Ejecutaste la "
                                                          "celda que lo define?"])
    pagina = informes.retroalimentacion(resultado(backProp=fallos), TALLER)
    (unico,) = elementos(pagina, "backProp")
    assert "5 comprobaciones, la misma causa" in unico and "en la línea total = cuenta + 1" in unico
    assert texto(pagina).count("que no está definido") == 1


def test_2_causas_distintas_siguen_separadas_y_las_formas_iguales_se_agrupan():
    forma = "`dw1` tiene forma ({}, {}) y se esperaba ({}, {}). ¿Has traspuesto una matriz?"
    fallos = ocultos([forma.format(3, 4, 4, 3), forma.format(2, 5, 5, 2), forma.format(5, 3, 3, 5),
                      "`db2` es None: ¿olvidaste el `return`?"])
    lista = elementos(informes.retroalimentacion(resultado(backProp=fallos), TALLER), "backProp")
    assert len(lista) == 2
    assert lista[0].startswith("Con 3 casos ocultos, por la misma causa; en el primero: dw1 tiene forma (3, 4)")
    assert lista[1].startswith("Con 13 ejemplos (m = 13), red 4-6-3: db2 es None")


def test_2_las_celdas_que_fallan_igual_se_dicen_una_vez():
    r = resultado()
    aun = "Aún no has hecho esta celda: borra la línea `raise NotImplementedError()` y escribe tu código."
    r["celdas"] = [{"celda": "7, en la sección «2»", "error": aun},
                   {"celda": "9, en la sección «3»", "error": aun}]
    pagina = texto(informes.retroalimentacion(r, TALLER))
    assert pagina.count("Aún no has hecho esta celda") == 1
    assert "2 celdas, por la misma causa (celdas 7, en la sección «2»; 9, en la sección «3»)" in pagina


# --- 3. Errores de sintaxis como los explicaría un profesor ---------------------------------------

@pytest.mark.parametrize("codigo,linea,columna,pista", [
    ("def f(x)\n    return x\n", 1, 9, "Falta `:` al final de la línea"),
    ("def f(x):\n    m = (x.shape[1]\n    return m\n", 2, 9, "no se cierra nunca"),
    ("def f(x):\nreturn x\n", 2, 1, "Falta la sangría"),
    ("def f(x):\n    a = 1\n      b = 2\n", 3, 7, "más sangría que la anterior"),
    ("y = x − 1\n", 1, 7, "¿lo copiaste de un PDF o del libro"),
    ("if x = 1:\n    pass\n", 1, 4, "Se compara con `==`"),
    ("z = [1, 2\ny = 3\n", 1, 5, "no se cierra nunca"),
    ("z = f(1, 2))\n", 1, 12, "Sobra un paréntesis"),
    ("for i in range(3)\n    pass\n", 1, 18, "Falta `:`"),
])
def test_3_la_sintaxis_se_explica_con_la_linea_la_columna_y_la_causa(codigo, linea, columna, pista):
    d = sintaxis.diagnosticar(codigo)
    assert (d["linea"], d["columna"]) == (linea, columna), d
    assert pista in d["pista"], d["pista"]
    assert d["texto"] == codigo.splitlines()[linea - 1]


def test_3_codigo_sin_error_o_enorme_no_se_diagnostica():
    assert sintaxis.diagnosticar("x = 1\n") is None
    assert sintaxis.diagnosticar("x = (\n" * (sintaxis.MAX_CODIGO // 5)) is None
    # Código hostil: se explica o se deja sin explicar, pero sin romper el calificador.
    assert "demasiados paréntesis" in sintaxis.diagnosticar("x = " + "[" * 1000)["pista"]
    for codigo in ("x = " + "not " * 40000 + "1\n)", "x = " + "-" * 150000 + "1\n)", "f = " + "lambda: " * 20000):
        sintaxis.diagnosticar(codigo)


def test_3_la_pagina_muestra_la_linea_el_acento_y_el_original_plegado():
    r = resultado()
    r["funciones"]["backProp"].update(falta=True, puntos=0, fallos=[{"descripcion": "x", "problemas": ["y"]}])
    r["celdas"] = [{"celda": "6, en la sección «1»", "error": "Error de Python sin pista en español (Mensaje "
                    "original: SyntaxError: expected ':' (<celda 6>, line 1))"}]
    sintaxis.anotar(r["celdas"], [("6, en la sección «1»", "def backProp(X, y)\n    return X\n")])
    pagina = informes.retroalimentacion(r, TALLER)
    linea = re.search(r'<pre class="linea"[^>]*><code>(.*?)\n<span class="acento" aria-hidden="true">'
                      r'(.*?)</span>', pagina, re.S)
    assert html.unescape(linea.group(1)) == "def backProp(X, y)"
    assert linea.group(2) == " " * 18 + "^"  # debajo de donde falta «:»
    assert "error de sintaxis en la línea 1, columna 19" in pagina
    assert "sin pista en español" not in pagina and "Mensaje original: SyntaxError" not in texto(
        re.sub(r"<details>.*?</details>", "", pagina, flags=re.S))
    assert re.search(r"<details><summary>Detalle técnico</summary><p>Mensaje original: <code>SyntaxError: "
                     r"expected &#39;:&#39; \(línea 1\)</code>", pagina)
    # La función que define esa celda no «falta» sin más: se dice por qué.
    assert "no está definida porque la celda 6, en la sección «1», donde la escribes, tiene un error de sintaxis" \
        in texto(pagina)


@pytest.mark.parametrize("error", [
    explicar_error("KeyError", "'w3'"),  # lo que dicen ahora las pruebas del cuaderno
    "Error de Python sin pista en español (Mensaje original: KeyError: 'w3')",  # cuadernos repartidos antes
], ids=["ahora", "cuaderno-anterior"])
def test_3_un_error_sin_pista_no_usa_la_jerga_interna(error):
    r = resultado()
    r["celdas"] = [{"celda": "4", "error": error}]
    pagina = informes.retroalimentacion(r, TALLER)
    visible = texto(re.sub(r"<details>.*?</details>", "", pagina, flags=re.S))
    assert "sin pista en español" not in visible and "Mensaje original" not in visible
    assert "estas pruebas aún no saben explicar" not in visible  # una sola explicación, la de la página
    assert "Python da un error (KeyError) para el que aún no tenemos una explicación" in visible
    assert "Mensaje original: <code>KeyError: &#39;w3&#39;</code>" in pagina


# --- 4. Tiempo agotado ----------------------------------------------------------------------------

def _contexto(agotado=False):
    return calificacion._Contexto(None, 60.0, set(), set(), frozenset(), 600.0, agotado)


def test_4_un_caso_sin_terminar_sugiere_un_bucle_con_el_limite_real():
    caso = calificacion.casos_del_taller(TALLER)["backProp"][0]
    problemas = calificacion._problemas({"id": caso[0], "tiempo": True}, caso[1], caso[2], "backProp",
                                        _contexto(), None)
    assert problemas == ["la función no terminó en 60 s: ¿hay un bucle cuya condición nunca cambia?"]
    assert calificacion._problemas_publicas({"id": "backProp:publicas", "tiempo": True}, _contexto(), None) == \
        problemas


def test_4_los_casos_que_no_se_ejecutaron_por_falta_de_tiempo_lo_dicen():
    caso = calificacion.casos_del_taller(TALLER)["backProp"][1]
    (sin,) = calificacion._problemas(None, caso[1], caso[2], "backProp", _contexto(agotado=True), None)
    assert sin == "no se llegó a ejecutar: lo anterior agotó el tiempo total de la entrega (600 s)."
    cortado = {"id": caso[0], "tiempo": True, "caida": "superó el tiempo total por entrega (600 s)"}
    (en_marcha,) = calificacion._problemas(cortado, caso[1], caso[2], "backProp", _contexto(agotado=True), None)
    assert en_marcha.startswith("no llegó a terminar: mientras se ejecutaba se acabó el tiempo total")
    assert "superó el tiempo máximo" not in sin + en_marcha


def test_4_tras_un_caso_sin_terminar_los_siguientes_de_la_funcion_dicen_que_no_se_ejecutaron():
    """El proceso aislado no vuelve a esperar por una función que ya agotó un plazo (corredor._Fases)."""
    respuestas = {"f:0": {"resultado": 1}, "f:1": {"tiempo": True}, "f:2": {"tiempo": True},
                  "f:publicas": {"tiempo": True}, "g:0": {"tiempo": True}}
    orden = {"f": ["f:0", "f:1", "f:2", "f:publicas"], "g": ["g:0"]}
    assert tiempo_agotado.saltados(orden, respuestas, hubo_caidas=False) == {"f:2", "f:publicas"}
    assert tiempo_agotado.saltados(orden, respuestas, hubo_caidas=True) == set()  # otro proceso, otra vez
    no_termino = "la función no terminó en 60 s: ¿hay un bucle cuya condición nunca cambia?"
    saltado = tiempo_agotado.sin_terminar({"tiempo": True}, 60, 600, saltado=True)
    fallos = [publica(saltado)] + ocultos([no_termino, saltado, saltado])
    lista = elementos(informes.retroalimentacion(resultado(backProp=fallos), TALLER), "backProp")
    assert lista == [f"Con 4 ejemplos (m = 4), red 3-4-1: {no_termino}",  # la causa, primero
                     "Con las pruebas públicas del cuaderno y 2 casos ocultos (3 comprobaciones, la misma causa): "
                     "no se llegó a ejecutar: antes, otro caso de esta función no terminó en 60 s (y no se vuelve "
                     "a esperar). Casos ocultos: con 7 ejemplos (m = 7), red 2-5-1; con 1 ejemplo (m = 1), red "
                     "5-3-2."]


def test_4_una_celda_sin_terminar_sugiere_un_bucle():
    r = resultado()
    r["celdas"] = [{"celda": "8", "error": "superó el tiempo máximo por celda (60 s)", "tiempo": True}]
    visible = texto(informes.retroalimentacion(r, TALLER))
    assert "Celda 8: no terminó en 60 s: ¿hay un bucle cuya condición nunca cambia?" in visible


# --- 5. Con la nota máxima, ánimo y qué hacer después -------------------------------------------

def test_5_con_la_nota_maxima_anima_y_dice_que_probar_despues():
    pagina = texto(informes.retroalimentacion(resultado("Ana"), TALLER))
    assert "¡Enhorabuena!" in pagina
    assert "haz los ejercicios del final del capítulo 7, «Entrenamiento de la red»" in pagina
    sin_todo = texto(informes.retroalimentacion(resultado(backProp=ocultos([NO_HECHA])), TALLER))
    assert "Enhorabuena" not in sin_todo and "ejercicios del final" not in sin_todo


def test_los_puntos_con_decimales_se_escriben_con_coma():
    """Con crédito proporcional hay medios puntos: la página del estudiante y el resumen dicen «2,5», no «2.5»."""
    r = resultado("Ana", backProp=ocultos(["falla"]))
    r["funciones"]["backProp"]["puntos"] = 2.5
    r["puntos"] = sum(i["puntos"] for i in r["funciones"].values())
    esperado = f"{r['puntos']:g}".replace(".", ",")
    for html_ in (informes.retroalimentacion(r, TALLER), informes.resumen_html([r], TALLER)):
        pagina = texto(re.sub(r"<style.*?</style>", "", html_, flags=re.S))
        assert "2,5" in pagina and esperado in pagina, pagina
        assert "2.5" not in pagina and esperado.replace(",", ".") not in pagina, pagina


def _capitulos_del_libro():
    """{número de capítulo: (fichero, título)} según _toc.yml (las partes numeradas) y el «# » de cada uno."""
    import yaml

    toc = yaml.safe_load((RAIZ / "_toc.yml").read_text(encoding="utf-8"))
    ficheros = [c["file"] for parte in toc["parts"] if parte.get("numbered") for c in parte["chapters"]]
    capitulos = {}
    for numero, fichero in enumerate(ficheros, start=1):
        fuente = (RAIZ / f"{fichero}.md").read_text(encoding="utf-8")
        capitulos[numero] = (fuente, re.search(r"^# (.+)$", fuente, re.M).group(1).strip())
    return capitulos


def test_5_los_capitulos_sugeridos_son_los_del_libro_y_tienen_ejercicios():
    capitulos = _capitulos_del_libro()
    assert set(pagina_estudiante.SIGUIENTE) == set(TALLERES)
    for taller, (numero, titulo, _) in pagina_estudiante.SIGUIENTE.items():
        fuente, real = capitulos[numero]
        assert titulo == real, (taller, titulo, real)
        assert "\n## Ejercicios" in fuente, taller


# --- Seguridad: todo se escapa y nada nuevo sale del proceso aislado ----------------------------

def test_todo_lo_de_la_entrega_se_escapa():
    r = resultado("<img src=x onerror=alert(1)>", backProp=ocultos(["`<script>` <b>x</b> (Mensaje original: "
                                                                   "ValueError: <svg onload=alert(2)>)"]))
    r["celdas"] = [{"celda": "<i>3</i>", "error": "<script>alert(3)</script>"}]
    r["detalle"] = "<iframe>"
    pagina = informes.retroalimentacion(r, TALLER)
    for peligroso in ("<img", "<script", "<svg", "<b>x", "<iframe", "<i>3"):
        assert peligroso not in pagina, peligroso


# --- En un lote real, y en Chromium con axe-core (6) ---------------------------------------------

CUADERNO = RAIZ / "exercises" / TALLER.id / TALLER.cuaderno
ALUMNOS = {"completo": "Ana Pérez", "sintaxis": "Luis Gil", "bucle": "Rosa Díaz", "vacio": "", "nombre": "Eva Ruiz"}
TIEMPO_MAX = 2  # segundos por celda o caso: el bucle sin fin agota cinco plazos


def _soluciones():
    bien = {f: muestras.codigo(f"referencia:{f}") for f in TALLER.funciones}
    cambiar = {
        "sintaxis": ("def backProp(X, y, w1, w2, b1, b2, a2, a1):", "def backProp(X, y, w1, w2, b1, b2, a2, a1)"),
        "bucle": ("m = X.shape[1]", "m = X.shape[1]\n    k = 0\n    while k < 10:\n        m = m + 0"),
        "nombre": ("m = X.shape[1]", "m = X.shape[1]\n    total = cuenta + 1"),
    }
    soluciones = {"completo": bien, "vacio": {}}
    for estudiante, (antes, despues) in cambiar.items():
        assert antes in bien["backProp"], f"La referencia de backProp ya no tiene «{antes}»."
        soluciones[estudiante] = dict(bien, backProp=bien["backProp"].replace(antes, despues, 1))
    return soluciones


@pytest.fixture(scope="module")
def lote_real(tmp_path_factory):
    """Un lote real con lista de clase: {estudiante: página HTML}, y la carpeta de salida."""
    raiz = tmp_path_factory.mktemp("pagina")
    cuaderno = json.loads(CUADERNO.read_text(encoding="utf-8"))
    for estudiante, soluciones in _soluciones().items():
        muestras.guardar(muestras.rellenar(cuaderno, soluciones), raiz / "entregas" / f"{estudiante}.ipynb")
    with open(raiz / "alumnos.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([("id", "nombre", "correo"), *((e, n, "") for e, n in ALUMNOS.items())])
    r = subprocess.run([sys.executable, "-m", "autograder", "calificar", TALLER.id, str(raiz / "entregas"),
                        "--salida", str(raiz / "salida"), "--sin-gradebook", "--lista", str(raiz / "alumnos.csv"),
                        "--tiempo-max", str(TIEMPO_MAX)],
                       cwd=RAIZ, env=entorno_de_ordenes(), capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    carpeta = raiz / "salida" / "retroalimentacion"
    return {e: (carpeta / f"{e}.html").read_text(encoding="utf-8") for e in ALUMNOS}, carpeta


@pytest.mark.lenta
def test_en_un_lote_real_cada_pagina_dice_lo_suyo(lote_real):
    paginas, _ = lote_real
    assert "Hola, <strong>Ana Pérez</strong>:" in paginas["completo"] and "¡Enhorabuena!" in paginas["completo"]
    assert "<p>Hola:</p>" in paginas["vacio"]  # la lista no da su nombre
    for estudiante in ("vacio", "nombre"):
        assert len(elementos(paginas[estudiante], "backProp")) == 1, estudiante  # una causa, un mensaje
    assert texto(paginas["vacio"]).count("Aún no has escrito esta función") == 2  # una por función
    # El primer caso no termina; los demás no se ejecutan (el proceso no vuelve a esperar por backProp).
    assert elementos(paginas["bucle"], "backProp") == [
        "Con 4 ejemplos (m = 4), red 3-4-1: la función no terminó en 2 s: ¿hay un bucle cuya condición nunca "
        "cambia?",
        "Con las pruebas públicas del cuaderno y 3 casos ocultos (4 comprobaciones, la misma causa): no se llegó a "
        "ejecutar: antes, otro caso de esta función no terminó en 2 s (y no se vuelve a esperar). Casos ocultos: "
        "con 7 ejemplos (m = 7), red 2-5-1; con 1 ejemplo (m = 1), red 5-3-2; con 13 ejemplos (m = 13), red 4-6-3."]
    assert "superó el tiempo máximo" not in paginas["bucle"]
    sintaxis_ = texto(paginas["sintaxis"])
    assert "error de sintaxis en la línea 1, columna 43" in sintaxis_ and "Falta : al final de la línea" in sintaxis_
    assert "sin pista en español" not in sintaxis_
    for pagina in paginas.values():
        assert "sin pista en español" not in pagina and "Estudiante:" not in pagina


AXE = RAIZ / "node_modules" / "axe-core" / "axe.min.js"
# Impactos que no puede haber: como en el libro, y además los moderados.
PROHIBIDOS = {"critical", "serious", "moderate"}
JS_AXE = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .map(v => ({id: v.id, impacto: v.impact, nodos: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
# Lo que se sale por la derecha (en la impresión, se cortaría).
JS_DESBORDA = """() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right >
  document.documentElement.clientWidth + 1).map(e => e.tagName + '.' + e.className)"""


@pytest.mark.lenta
@pytest.mark.parametrize("medio", ["screen", "print"])
def test_6_las_paginas_pasan_axe_y_se_imprimen_enteras(lote_real, navegador, medio):
    if not AXE.is_file():
        pytest.fail(f"Falta {AXE.relative_to(RAIZ)}: instálalo con «make node_modules/.instalado».")
    _, carpeta = lote_real
    contexto = navegador.new_context(viewport={"width": 794, "height": 1123}, locale="es-ES")  # A4 a 96 ppp
    try:
        # Las páginas de los estudiantes y el resumen de la clase del profesor (issue 25, puntos 6 y 8).
        for estudiante in (*ALUMNOS, "resumen"):
            ruta = carpeta.parent / "resumen.html" if estudiante == "resumen" else carpeta / f"{estudiante}.html"
            pagina = contexto.new_page()
            pagina.goto(ruta.as_uri(), wait_until="load")
            pagina.emulate_media(media=medio)
            pagina.add_script_tag(content=AXE.read_text(encoding="utf-8"))
            graves = [v for v in pagina.evaluate(JS_AXE) if v["impacto"] in PROHIBIDOS]
            assert not graves, (estudiante, medio, graves)
            if medio == "print" and estudiante != "resumen":
                assert not pagina.evaluate(JS_DESBORDA), estudiante
                assert pagina.pdf(format="A4").startswith(b"%PDF")
            pagina.close()
    finally:
        contexto.close()


def test_un_fallo_del_calificador_no_se_presenta_como_un_fallo_del_estudiante():
    from autograder.lote.local import resultado_de_error

    error = SystemError("AST constructor recursion depth mismatch (before=39, after=35)")
    r = resultado_de_error(Entrega("ana"), TALLER, error, None)
    assert r["estado"] == "error" and "vuelve a lanzar la orden" in r["detalle"]  # para el profesor, en el CSV
    visible = texto(informes.retroalimentacion(r, TALLER))
    assert "problema interno con tu entrega: no es un error de tu código" in visible
    assert "El profesor volverá a calificarla" in visible
    for engano in ("SystemError", "revísala a mano", "no está en tu cuaderno", "le cambiaste el nombre",
                   "no está definida", "Funciones que no encontramos"):
        assert engano not in visible, engano
    assert visible.count("sin calificar") == len(TALLER.puntos)


def test_un_cuaderno_que_no_se_puede_leer_no_dice_que_falten_funciones(tmp_path):
    from autograder.lote.local import calificar_entrega
    from autograder.calificacion import cuaderno

    roto = tmp_path / "ana.ipynb"
    roto.write_text('{"cells": [', encoding="utf-8")
    fuente = cuaderno.Fuente.de_cuaderno(RAIZ / "solutions" / "source" / TALLER.id / TALLER.cuaderno)
    r = calificar_entrega(Entrega("ana", roto), TALLER, fuente, tmp_path / "carpeta", None)
    visible = texto(informes.retroalimentacion(r, TALLER))
    assert "Tu entrega no se pudo calificar con normalidad" in visible and r["detalle"] in visible
    assert "problema interno" not in visible
    for engano in ("no está en tu cuaderno", "le cambiaste el nombre", "no está definida"):
        assert engano not in visible, engano


def test_una_funcion_que_falta_en_un_cuaderno_ejecutado_se_sigue_diciendo():
    r = resultado()
    r["funciones"]["backProp"].update(falta=True, puntos=0)
    visible = texto(informes.retroalimentacion(r, TALLER))
    assert "backProp no está en tu cuaderno: ¿le cambiaste el nombre o borraste su celda?" in visible
    assert "sin calificar" not in visible
