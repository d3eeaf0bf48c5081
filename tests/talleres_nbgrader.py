"""Curso de nbgrader temporal con entregas reales, calificado una sola vez por sesión.

Lo usan tests/test_talleres.py y tests/test_mutantes.py. ``curso_calificado()``:

1. copia el directorio de curso (``solutions/``: configuración y cuadernos del profesor)
   a una carpeta temporal;
2. genera los cuadernos del estudiante con ``nbgrader generate_assignment`` real;
3. crea las entregas: el cuaderno del profesor, el del estudiante sin tocar, uno por
   mutante y uno por juego de variantes correctas (tests/corpus_talleres.py);
4. las califica con ``nbgrader autograde`` (dos a la vez, cada uno con la mitad de los
   talleres en su copia del curso) y lee de los gradebooks la nota de cada celda de pruebas.

El resultado se guarda en memoria (``functools.cache``): las dos pruebas lo comparten.
"""
import atexit
import functools
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from conftest import BIN, entorno_de_ordenes
from corpus_talleres import CORRECTAS, MUTANTES
from construccion.generar_cuadernos import copiar_curso, generar_estudiante
from solutions.talleres import TALLERES, funcion_de_grade_id

PROFESOR, SIN_TOCAR = "profesor", "sin-tocar"


def entregas_del_corpus():
    """[(id de estudiante, taller, {función: código}, función rota o None, descripción)]."""
    entregas = []
    for taller, funciones in MUTANTES.items():
        for funcion, mutantes in funciones.items():
            for nombre, codigo in mutantes.items():
                entregas.append((f"mutante-{len(entregas) + 1:02d}", taller, {funcion: codigo}, funcion, nombre))
    n = 0
    for taller, juegos in CORRECTAS.items():
        for juego in juegos:
            n += 1
            entregas.append((f"correcta-{n:02d}", taller, juego, None, "variantes correctas de "
                             + ", ".join(juego)))
    return entregas


def _grade_id(celda):
    return celda.metadata.get("nbgrader", {}).get("grade_id", "")


def _entrega(estudiante, profesor, codigo_por_funcion):
    """Cuaderno del estudiante con las soluciones del profesor, salvo las de ``codigo_por_funcion``.

    Las celdas de trabajo libre (gráficas) se dejan con el esbozo: no se califican.
    """
    fuentes = {_grade_id(c): c.source for c in profesor.cells if _grade_id(c)}
    for celda in estudiante.cells:
        gid = _grade_id(celda)
        if gid.startswith("solucion_"):
            funcion = gid[len("solucion_"):]
            celda.source = codigo_por_funcion.get(funcion, fuentes[gid]).strip("\n")
        elif gid.startswith("auxiliar_"):
            celda.source = fuentes[gid]
    return estudiante


@dataclass
class CursoCalificado:
    raiz: Path
    release: dict  # taller -> cuaderno del estudiante recién generado
    notas: dict = field(default_factory=dict)  # (estudiante, taller) -> {función: (nota, máximo)}
    salida_autograde: str = ""
    segundos_autograde: float = 0.0


@functools.cache
def curso_generado():
    """Copia temporal del curso con los cuadernos del estudiante recién generados por nbgrader."""
    raiz = Path(tempfile.mkdtemp(prefix="talleres_nbgrader_"))
    atexit.register(shutil.rmtree, raiz, ignore_errors=True)
    copiar_curso(raiz)
    return raiz, generar_estudiante(raiz)


def _mover(origen, destino):
    destino.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(origen, destino)


def _repartir(raiz):
    """Copia del curso (con su gradebook) a la que se mueven las entregas de la mitad de los talleres."""
    otra = Path(str(raiz) + "-b")
    atexit.register(shutil.rmtree, otra, ignore_errors=True)
    shutil.copytree(raiz, otra, ignore=shutil.ignore_patterns("submitted", "autograded"))
    with open(otra / "nbgrader_config.py", "a", encoding="utf-8") as f:
        f.write(f"\nc.CourseDirectory.root = {str(otra)!r}\n")
    cuantas = {t: len(list((raiz / "submitted").glob(f"*/{t}"))) for t in TALLERES}
    mitad, movidas = sum(cuantas.values()) / 2, 0
    for taller in sorted(cuantas, key=cuantas.get, reverse=True):
        if movidas + cuantas[taller] <= mitad or movidas == 0:
            movidas += cuantas[taller]
            for carpeta in list((raiz / "submitted").glob(f"*/{taller}")):
                _mover(carpeta, otra / "submitted" / carpeta.parent.name / taller)
    return otra


def _autograde(raices, *opciones):
    """``nbgrader autograde`` a la vez en cada curso de ``raices``; devuelve [(código, salida)].

    Con la máquina cargada, un núcleo puede tardar en arrancar: se le da más margen.
    """
    procesos = [subprocess.Popen([str(BIN / "nbgrader"), "autograde", "*", "--log-level=ERROR",
                                  "--Execute.startup_timeout=180", *opciones],
                                 cwd=r, env=entorno_de_ordenes(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True) for r in raices]
    salidas = [p.communicate()[0] for p in procesos]
    return [(p.returncode, salida) for p, salida in zip(procesos, salidas)]


_FALLO = []


def curso_calificado():
    """El curso calificado (se califica una sola vez; si falló, el mismo error en cada prueba)."""
    if _FALLO:
        raise RuntimeError(_FALLO[0])
    try:
        return _calificar()
    except Exception as error:
        _FALLO.append(f"{type(error).__name__}: {error}")
        raise


@functools.cache
def _calificar():
    raiz, release = curso_generado()
    curso = CursoCalificado(raiz, release)

    entregas = [(PROFESOR, t, None) for t in TALLERES] + [(SIN_TOCAR, t, {}) for t in TALLERES]
    entregas += [(e, t, codigo) for e, t, codigo, _, _ in entregas_del_corpus()]
    for estudiante, taller, codigo in entregas:
        cuaderno = TALLERES[taller].cuaderno
        destino = raiz / "submitted" / estudiante / taller / cuaderno
        destino.parent.mkdir(parents=True, exist_ok=True)
        if codigo is None:  # el cuaderno del profesor tal cual
            nb = nbformat.read(raiz / "source" / taller / cuaderno, as_version=4)
        elif not codigo:  # el del estudiante sin tocar
            nb = nbformat.read(release[taller], as_version=4)
        else:
            nb = _entrega(nbformat.read(release[taller], as_version=4),
                          nbformat.read(raiz / "source" / taller / cuaderno, as_version=4), codigo)
        nbformat.write(nb, destino)

    inicio = time.perf_counter()
    otra = _repartir(raiz)
    # Dos `nbgrader autograde` a la vez (uno por núcleo), cada uno en su copia del curso con la mitad
    # de los talleres: nbgrader califica en serie y un solo gradebook de SQLite no admite dos escritores.
    # Dos procesos de nbgrader eligen los puertos de sus núcleos por separado y, rara vez, el mismo
    # (jupyter_client#487): el núcleo muere al arrancar («Kernel died before replying to kernel_info»)
    # y a veces pyzmq aborta el proceso entero. Esa mitad se califica otra vez entera (--force), sola.
    primeras, repetidas = _autograde([raiz, otra]), []
    for r, (codigo, _) in zip((raiz, otra), primeras):
        if codigo != 0:
            print(f"nbgrader autograde falló en {r.name}; se repite esa mitad sola", file=sys.stderr)
            repetidas += _autograde([r], "--force")
    curso.segundos_autograde = time.perf_counter() - inicio
    curso.salida_autograde = "".join(salida for _, salida in primeras + repetidas)
    if any(codigo != 0 for codigo, _ in repetidas):
        raise RuntimeError("nbgrader autograde falló:\n" + curso.salida_autograde[-5000:])
    for carpeta in list((otra / "autograded").glob("*/*")):  # todo lo calificado, bajo la raíz del curso
        _mover(carpeta, raiz / "autograded" / carpeta.parent.name / carpeta.name)

    with warnings.catch_warnings():  # nbgrader 0.9.5 avisa de usos obsoletos de SQLAlchemy al importarse
        warnings.simplefilter("ignore")
        from nbgrader.api import Gradebook
    for r in (raiz, otra):
        with Gradebook(f"sqlite:///{r / 'gradebook.db'}") as gb:
            for assignment in gb.assignments:
                for submission in assignment.submissions:
                    notas = {}
                    for notebook in submission.notebooks:
                        for grade in notebook.grades:
                            if grade.name.endswith("_pruebas"):
                                notas[funcion_de_grade_id(grade.name)] = (grade.score, grade.max_score)
                    curso.notas[(submission.student.id, assignment.name)] = notas
    return curso


if __name__ == "__main__":  # diagnóstico: python tests/talleres_nbgrader.py
    c = curso_calificado()
    print(f"{c.raiz}  autograde: {c.segundos_autograde:.1f} s", file=sys.stderr)
    for clave, notas in sorted(c.notas.items()):
        print(clave, notas)
