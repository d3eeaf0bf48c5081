"""Genera los cuadernos de los talleres a partir de las plantillas y de la referencia.

    python -m construccion.generar_cuadernos              # cuadernos del profesor (solutions/source/)
    python -m construccion.generar_cuadernos --estudiante # y además los del estudiante (exercises/)

Los cuadernos del profesor NO se escriben a mano: cada plantilla
(``solutions/plantillas/<taller>.md``) contiene el texto, las pruebas públicas y
unos marcadores; el código de las soluciones se toma de la implementación de
referencia (``solutions/*.py``) con ``inspect.getsource``. Así hay una sola
implementación: cambiar la referencia y volver a generar actualiza los cuadernos.

Formato de las plantillas: cada celda empieza con una línea de marcador

    <!-- md -->               celda de texto
    <!-- codigo -->           celda de código sin metadatos de nbgrader
    <!-- dado NOMBRE -->      código de solo lectura (grade_id ``dado_NOMBRE``)
    <!-- solucion FUNCION --> solución de una función calificada (``solucion_FUNCION``)
    <!-- auxiliar NOMBRE -->  solución de una función que el taller necesita pero no
                              califica (``auxiliar_NOMBRE``)
    <!-- pruebas FUNCION -->  pruebas públicas (``FUNCION_pruebas``); el generador añade
                              las pruebas ocultas y los puntos de ``solutions/talleres.py``
    <!-- tarea NOMBRE -->     enunciado de una tarea revisada a mano (``tarea_NOMBRE``,
                              ``PUNTOS_REVISION_MANUAL`` puntos)
    <!-- trabajo NOMBRE -->   código del estudiante sin calificación automática
                              (``trabajo_NOMBRE``); todo su contenido es solución

Una celda de texto que termina en ``*Tu respuesta…*`` es una respuesta escrita: se convierte
en una celda de respuesta de nbgrader revisada a mano (``respuesta_N``, con
``PUNTOS_REVISION_MANUAL`` puntos) cuya región de solución es lo que escribe el estudiante;
así formgrader la muestra para calificarla.

Al final de cada cuaderno se añade la celda de autocomprobación (``AUTOCOMPROBACION``),
que vuelve a ejecutar las pruebas públicas de todas las funciones y resume el resultado;
la celda ``dado comprobaciones`` se muestra plegada.

y dentro de las celdas de código una línea puede ser una expansión:

    {{fuente modulo.objeto}}    código fuente completo del objeto de referencia
    {{funcion modulo.funcion}}  cabecera y docstring de la referencia; el cuerpo va
                                entre ``### BEGIN SOLUTION`` y ``### END SOLUTION``
    {{clase modulo.Clase}}      igual, método a método
    {{constante modulo.NOMBRE}} ``NOMBRE = valor`` con el valor de la referencia
"""
import argparse
import ast
import importlib
import inspect
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import nbformat

from solutions.entorno import entorno_de_ordenes
from solutions.talleres import TALLERES

RAIZ = Path(__file__).resolve().parents[1]
CURSO = RAIZ / "solutions"  # el directorio del curso de nbgrader
PLANTILLAS = CURSO / "plantillas"
FUENTE = CURSO / "source"
EJERCICIOS = RAIZ / "exercises"

INICIO, FIN = "### BEGIN SOLUTION", "### END SOLUTION"
OCULTAS = ("### BEGIN HIDDEN TESTS\n"
           "from solutions.verificacion import verificar\n"
           'verificar("{funcion}", globals())\n'
           "### END HIDDEN TESTS")

# Puntos de cada tarea y respuesta escrita que revisa el profesor en formgrader. Con 0 (por defecto),
# el calificador las da por revisadas con 0 puntos y ninguna entrega queda pendiente; con más, cada
# entrega queda pendiente en formgrader hasta calificarlas. Se cambia con --puntos-manuales.
PUNTOS_REVISION_MANUAL = 0
RESPUESTA = re.compile(r"^\*Tu respuesta[^\n]*\*\s*$", re.M)
TEXTO_RESPUESTA = "*(Aquí escribe su respuesta el estudiante; la revisa el profesor en formgrader.)*"

_MARCADOR = re.compile(r"^<!-- (md|codigo|dado|solucion|auxiliar|pruebas|tarea|trabajo)(?: ([A-Za-z0-9_]+))? -->$")
_EXPANSION = re.compile(r"^(\s*)\{\{(fuente|funcion|clase|constante) ([A-Za-z0-9_.]+)\}\}\s*$")


AUTOCOMPROBACION_TEXTO = (
    "## Antes de entregar: comprueba tu taller\n\n"
    "Reinicia el núcleo y ejecuta todo el cuaderno (*Kernel → Restart Kernel and Run All Cells*). "
    "La última celda vuelve a pasar las pruebas públicas de todas las funciones y resume, en "
    "español, cuáles pasan y, para las que fallan, la pista completa. Es la forma de comprobar el "
    "taller antes de entregarlo. Al calificar se ejecutan además las pruebas ocultas.")
AUTOCOMPROBACION = '''# Autocomprobación: repite las pruebas públicas de cada función y resume el resultado.
import io as _io
import os as _os
import time as _time

_PRUEBAS_PUBLICAS = {pruebas}


def _autocomprobar():
    if _os.environ.get("NBGRADER_EXECUTION"):
        print("Al calificar no se repiten aquí las pruebas públicas.")
        return
    inicio, fallan = _time.perf_counter(), 0
    for funcion, codigo in _PRUEBAS_PUBLICAS.items():
        salida = _io.StringIO()
        try:
            with contextlib.redirect_stdout(salida):
                exec(codigo, globals())
        except Exception as error:  # cualquier fallo se resume; nunca detiene la comprobación
            fallan += 1
            texto = str(error) if isinstance(error, AssertionError) else explicar_error(type(error).__name__, error)
            print(f"✗ {{funcion}}: falla. {{texto}}")
        else:
            sustitutas = " (con versiones de prueba de las auxiliares que aún fallan)" if "Aviso:" in salida.getvalue() else ""
            print(f"✓ {{funcion}}: pasa sus pruebas públicas{{sustitutas}}.")
    total = len(_PRUEBAS_PUBLICAS)
    print(f"\\n{{total - fallan}} de {{total}} funciones pasan sus pruebas públicas "
          f"({{_time.perf_counter() - inicio:.1f}} s). Al calificar se ejecutan además las pruebas ocultas.")


_autocomprobar()'''


class ErrorPlantilla(Exception):
    """Una plantilla mal formada o que no coincide con la referencia."""


def _objeto(ruta):
    """``solutions.xor.feedForward`` → (módulo, nombre, objeto)."""
    modulo, _, nombre = ruta.rpartition(".")
    try:
        obj = getattr(importlib.import_module(modulo), nombre)
    except (ImportError, AttributeError) as error:
        raise ErrorPlantilla(f"no existe {ruta} en la referencia: {error}") from None
    return modulo, nombre, obj


def _lineas_fuente(obj):
    return textwrap.dedent(inspect.getsource(obj)).rstrip("\n").split("\n")


def _funcion_con_region(lineas, nodo):
    """Cabecera y docstring tal cual; el resto del cuerpo, dentro de la región de solución."""
    primero = nodo.body[0]
    tiene_doc = (isinstance(primero, ast.Expr) and isinstance(primero.value, ast.Constant)
                 and isinstance(primero.value.value, str))
    cuerpo = nodo.body[1:] if tiene_doc else nodo.body
    if not cuerpo:
        raise ErrorPlantilla(f"la función {nodo.name} no tiene cuerpo que ocultar")
    fin_cabecera = (primero.end_lineno if tiene_doc else cuerpo[0].lineno - 1)
    cabecera = lineas[nodo.lineno - 1:fin_cabecera]
    resto = lineas[fin_cabecera:nodo.end_lineno]
    while resto and not resto[0].strip():
        resto.pop(0)
    sangria = re.match(r"\s*", lineas[cuerpo[0].lineno - 1]).group(0)
    return cabecera + [sangria + INICIO] + resto + [sangria + FIN]


def _expandir(tipo, ruta):
    modulo, nombre, obj = _objeto(ruta)
    if tipo == "constante":
        return [f"{nombre} = {obj!r}"]
    lineas = _lineas_fuente(obj)
    if tipo == "fuente":
        return lineas
    nodo = ast.parse("\n".join(lineas)).body[0]
    if tipo == "funcion":
        if not isinstance(nodo, ast.FunctionDef):
            raise ErrorPlantilla(f"{ruta} no es una función")
        return _funcion_con_region(lineas, nodo)
    if not isinstance(nodo, ast.ClassDef):
        raise ErrorPlantilla(f"{ruta} no es una clase")
    salida = lineas[nodo.lineno - 1:nodo.body[0].lineno - 1]
    for hijo in nodo.body:
        if isinstance(hijo, ast.FunctionDef):
            if salida[-1].strip() and not salida[-1].rstrip().endswith(":"):
                salida.append("")
            salida += _funcion_con_region(lineas, hijo)
        else:  # docstring de la clase u otras sentencias: tal cual
            salida += lineas[hijo.lineno - 1:hijo.end_lineno]
    return salida


def _expandir_codigo(texto):
    salida = []
    for linea in texto.split("\n"):
        m = _EXPANSION.match(linea)
        if not m:
            salida.append(linea)
            continue
        sangria, tipo, ruta = m.groups()
        salida += [(sangria + x) if x.strip() else "" for x in _expandir(tipo, ruta)]
    return "\n".join(salida)


def _metadatos(grade_id, grade=False, solution=False, locked=False, task=False, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": task}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def leer_plantilla(taller_id):
    """Lista de ``(tipo, nombre, texto)`` de la plantilla de un taller."""
    ruta = PLANTILLAS / f"{taller_id}.md"
    celdas, actual = [], None
    for numero, linea in enumerate(ruta.read_text(encoding="utf-8").split("\n"), 1):
        m = _MARCADOR.match(linea)
        if m:
            actual = [m.group(1), m.group(2), []]
            celdas.append(actual)
        elif actual is None:
            if linea.strip():
                raise ErrorPlantilla(f"{ruta}:{numero}: texto antes del primer marcador de celda")
        else:
            actual[2].append(linea)
    return [(tipo, nombre, "\n".join(lineas).strip("\n")) for tipo, nombre, lineas in celdas]


def construir(taller_id, puntos_manuales=None):
    """Cuaderno del profesor de un taller (``nbformat.NotebookNode``)."""
    taller = TALLERES[taller_id]
    puntos_manuales = PUNTOS_REVISION_MANUAL if puntos_manuales is None else puntos_manuales
    respuestas = 0
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    vistas_solucion, vistas_pruebas = set(), set()
    for i, (tipo, nombre, texto) in enumerate(leer_plantilla(taller_id)):
        if tipo in ("md", "tarea"):
            celda = nbformat.v4.new_markdown_cell(texto, id=f"celda-{i:02d}")
            if tipo == "tarea":
                celda.metadata = _metadatos(f"tarea_{nombre}", locked=True, task=True, points=puntos_manuales)
            elif RESPUESTA.search(texto.rstrip().rsplit("\n", 1)[-1]):
                respuestas += 1
                celda.source = f"{texto.rstrip()}\n\n{INICIO}\n{TEXTO_RESPUESTA}\n{FIN}"
                celda.metadata = _metadatos(f"respuesta_{respuestas}", grade=True, solution=True,
                                            points=puntos_manuales)
        else:
            codigo = _expandir_codigo(texto)
            celda = nbformat.v4.new_code_cell(codigo, id=f"celda-{i:02d}")
            if tipo == "dado":
                celda.metadata = _metadatos(f"dado_{nombre}", locked=True)
                if nombre == "comprobaciones":  # larga y sin interés para el estudiante: plegada
                    celda.metadata["jupyter"] = {"source_hidden": True}
            elif tipo == "trabajo":
                celda.source = f"{INICIO}\n{codigo}\n{FIN}"
                celda.metadata = _metadatos(f"trabajo_{nombre}", solution=True)
            elif tipo == "auxiliar":
                celda.metadata = _metadatos(f"auxiliar_{nombre}", solution=True)
            elif tipo == "solucion":
                if nombre not in taller.puntos or INICIO not in codigo:
                    raise ErrorPlantilla(f"{taller_id}: solución de {nombre} sin función calificada "
                                         "o sin región de solución")
                vistas_solucion.add(nombre)
                celda.metadata = _metadatos(f"solucion_{nombre}", solution=True)
            elif tipo == "pruebas":
                if nombre not in taller.puntos:
                    raise ErrorPlantilla(f"{taller_id}: pruebas de {nombre}, que no se califica aquí")
                vistas_pruebas.add(nombre)
                celda.source = codigo + "\n\n" + OCULTAS.format(funcion=nombre)
                celda.metadata = _metadatos(f"{nombre}_pruebas", grade=True,
                                            points=taller.puntos[nombre])
        nb.cells.append(celda)
    faltan = set(taller.puntos) - (vistas_solucion & vistas_pruebas)
    if faltan:
        raise ErrorPlantilla(f"{taller_id}: faltan la solución o las pruebas de {sorted(faltan)}")
    publicas = {_nbg(c)["grade_id"][: -len("_pruebas")]: c.source.split("\n\n### BEGIN HIDDEN TESTS")[0]
                for c in nb.cells if _nbg(c).get("grade") and _nbg(c)["grade_id"].endswith("_pruebas")}
    n = len(nb.cells)
    nb.cells.append(nbformat.v4.new_markdown_cell(AUTOCOMPROBACION_TEXTO, id=f"celda-{n:02d}"))
    nb.cells.append(nbformat.v4.new_code_cell(AUTOCOMPROBACION.format(pruebas=_dict_de_textos(publicas)),
                                              id=f"celda-{n + 1:02d}"))
    nb.cells[-1].metadata = _metadatos("autocomprobacion", locked=True)
    nb.cells[-1].metadata["jupyter"] = {"source_hidden": True}
    nbformat.validate(nb)
    return nb


def _nbg(celda):
    return celda.metadata.get("nbgrader", {})


def _dict_de_textos(textos):
    """Un diccionario de textos como código Python legible (cada texto, entre comillas triples)."""
    triples = "\'" * 3
    lineas = ["{"]
    for clave, texto in textos.items():
        if triples in texto or texto.endswith("\\"):
            lineas.append(f"    {clave!r}: {texto!r},")
        else:
            lineas.append(f"    {clave!r}: r{triples}\n{texto}\n{triples},")
    return "\n".join(lineas + ["}"])


def texto_cuaderno(nb):
    return nbformat.writes(nb) + "\n"


def escribir_fuente(puntos_manuales=None):
    """Escribe ``solutions/source/<id>/<id>.ipynb`` para todos los talleres."""
    for taller_id, taller in TALLERES.items():
        destino = FUENTE / taller_id / taller.cuaderno
        destino.parent.mkdir(parents=True, exist_ok=True)
        destino.write_text(texto_cuaderno(construir(taller_id, puntos_manuales)), encoding="utf-8")
        print(f"Cuaderno del profesor: {destino.relative_to(RAIZ)}")


def copiar_curso(destino):
    """Copia mínima del directorio de curso (configuración y fuentes) en ``destino``."""
    destino = Path(destino)
    destino.mkdir(parents=True, exist_ok=True)
    shutil.copy(CURSO / "nbgrader_config.py", destino / "nbgrader_config.py")
    shutil.copytree(FUENTE, destino / "source", dirs_exist_ok=True)
    # El directorio de curso de la copia es ella misma, no solutions/.
    with open(destino / "nbgrader_config.py", "a", encoding="utf-8") as f:
        f.write(f"\nc.CourseDirectory.root = {str(destino)!r}\n")
    return destino


def generar_estudiante(curso, talleres=None):
    """``nbgrader generate_assignment`` real en la copia ``curso``; devuelve {id: ruta}.

    Sin ``talleres`` los genera todos en una sola llamada (``"*"``), que es más rápida.
    """
    talleres = list(talleres or TALLERES)
    patrones = ["*"] if set(talleres) == set(TALLERES) else talleres
    for patron in patrones:
        resultado = subprocess.run(
            [str(Path(sys.executable).parent / "nbgrader"), "generate_assignment", patron,
             "--force", "--log-level=WARN"],
            cwd=curso, env=entorno_de_ordenes(), capture_output=True, text=True)
        if resultado.returncode != 0:
            raise RuntimeError(f"nbgrader generate_assignment {patron} falló:\n"
                               + resultado.stdout + resultado.stderr)
    rutas = {t: Path(curso) / "release" / t / TALLERES[t].cuaderno for t in talleres}
    faltan = [str(r) for r in rutas.values() if not r.exists()]
    if faltan:
        raise RuntimeError("nbgrader no generó: " + ", ".join(faltan))
    return rutas


def escribir_ejercicios():
    """Genera con nbgrader los cuadernos del estudiante y los copia a ``exercises/``."""
    with tempfile.TemporaryDirectory(prefix="curso_nbgrader_") as tmp:
        for taller_id, ruta in generar_estudiante(copiar_curso(tmp)).items():
            destino = EJERCICIOS / taller_id / ruta.name
            destino.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ruta, destino)
            print(f"Cuaderno del estudiante: {destino.relative_to(RAIZ)}")


def _avisar_del_gradebook():
    """Avisa si el gradebook del curso ya tiene algún taller con otros puntos de revisión manual."""
    from autograder.salidas.libro_notas import aviso_puntos_manuales

    for taller in TALLERES.values():
        aviso = aviso_puntos_manuales(CURSO, taller)
        if aviso:
            print(aviso, file=sys.stderr)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Genera los cuadernos de los talleres.")
    parser.add_argument("--estudiante", action="store_true",
                        help="genera también los cuadernos del estudiante en exercises/ (usa nbgrader)")
    parser.add_argument("--puntos-manuales", type=float, default=None, metavar="PUNTOS",
                        help="puntos de cada tarea y respuesta escrita revisada a mano en formgrader "
                             f"(por defecto {PUNTOS_REVISION_MANUAL})")
    args = parser.parse_args(argv)
    if args.puntos_manuales is not None and args.puntos_manuales < 0:
        parser.error("--puntos-manuales no puede ser negativo")
    try:
        escribir_fuente(args.puntos_manuales)
        if args.estudiante:
            escribir_ejercicios()
        if args.puntos_manuales is not None:
            _avisar_del_gradebook()
    except (ErrorPlantilla, RuntimeError) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
