"""Actualiza el gradebook de nbgrader con las notas del calificador.

Se hace en el proceso calificador (nunca desde el código del estudiante), con
la API ``nbgrader.api.Gradebook``: estudiante, entrega y puntuación automática
de cada celda ``<funcion>_pruebas``. Así ``nbgrader export`` y formgrader
siguen funcionando; para que formgrader pueda mostrar cada entrega se escribe
además ``autograded/<estudiante>/<taller>/<cuaderno>.ipynb``: el cuaderno del
profesor con las celdas de solución del estudiante, sin salidas y sin la parte
oculta de las pruebas (solo datos: nada del estudiante se ejecuta aquí). Si el gradebook aún no conoce el taller, se registran sus
celdas a partir del cuaderno fuente con el preprocesador ``SaveCells`` de
nbgrader (lo mismo que hace ``nbgrader generate_assignment``, sin escribir
ningún fichero del taller).
"""
import os
import sys
import warnings
from pathlib import Path


def _alembic_en_path():
    """nbgrader crea el gradebook llamando a ``alembic``: el bin/ del entorno debe estar en PATH."""
    binario = str(Path(sys.executable).parent)
    if binario not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = binario + os.pathsep + os.environ.get("PATH", "")


def url_de(curso):
    return f"sqlite:///{Path(curso).resolve() / 'gradebook.db'}"


def cuaderno_fuente(curso, taller):
    return Path(curso) / "source" / taller.id / taller.cuaderno


def asegurar_taller(curso, taller):
    """Registra el taller y las celdas de su cuaderno fuente si el gradebook no los tiene."""
    import nbformat
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.preprocessors import SaveCells

    _alembic_en_path()
    nombre = Path(taller.cuaderno).stem
    with Gradebook(url_de(curso)) as gb:
        gb.update_or_create_assignment(taller.id)
        try:
            existentes = {c.name for c in gb.find_notebook(nombre, taller.id).grade_cells}
        except MissingEntry:
            existentes = set()
    if all(f"{f}_pruebas" in existentes for f in taller.funciones):
        return
    nb = nbformat.read(str(cuaderno_fuente(curso, taller)), as_version=4)
    recursos = {"nbgrader": {"db_url": url_de(curso), "assignment": taller.id, "notebook": nombre}}
    SaveCells().preprocess(nb, recursos)


def actualizar(curso, taller, resultados):
    """Guarda en el gradebook la puntuación automática de cada entrega; devuelve cuántas."""
    from nbgrader.api import Gradebook, MissingEntry

    asegurar_taller(curso, taller)
    nombre = Path(taller.cuaderno).stem
    guardadas = 0
    with warnings.catch_warnings(), Gradebook(url_de(curso)) as gb:
        warnings.simplefilter("ignore")  # avisos internos de SQLAlchemy en add_submission
        for r in resultados:
            if r["estado"] == "sin_entrega":
                continue
            gb.update_or_create_student(r["estudiante"])
            try:
                gb.find_submission(taller.id, r["estudiante"])
            except MissingEntry:
                gb.add_submission(taller.id, r["estudiante"])
            for funcion in taller.funciones:
                nota = gb.find_grade(f"{funcion}_pruebas", nombre, taller.id, r["estudiante"])
                nota.auto_score = float(r["funciones"][funcion]["puntos"])
                nota.needs_manual_grade = False
            guardadas += 1
        gb.db.commit()
    return guardadas


def escribir_revisable(curso, taller, estudiante, celdas_estudiante):
    """Cuaderno para formgrader en ``autograded/``: el del profesor con las soluciones del estudiante."""
    import re

    import nbformat

    nb = nbformat.read(str(cuaderno_fuente(curso, taller)), as_version=4)
    propias = {}
    for celda in celdas_estudiante:
        gid = celda.nbgrader.get("grade_id")
        if gid and celda.nbgrader.get("solution") and gid not in propias:
            propias[gid] = celda.fuente
    ocultas = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.S)
    for celda in nb.cells:
        meta = celda.metadata.get("nbgrader", {})
        if meta.get("solution"):
            celda.source = propias.get(meta.get("grade_id"), "")
        elif meta.get("grade") and celda.cell_type == "code":
            celda.source = ocultas.sub("", celda.source)
        if celda.cell_type == "code":
            celda.outputs, celda.execution_count = [], None
    destino = Path(curso) / "autograded" / estudiante / taller.id / taller.cuaderno
    destino.parent.mkdir(parents=True, exist_ok=True)
    temporal = destino.with_name("." + destino.name + ".tmp")
    nbformat.write(nb, str(temporal))
    temporal.replace(destino)
