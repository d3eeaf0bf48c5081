"""Actualiza el gradebook de nbgrader con las notas del calificador.

Se hace en el proceso calificador (nunca desde el código del estudiante), con
la API ``nbgrader.api.Gradebook``: estudiante, entrega y puntuación automática
de cada celda ``<funcion>_pruebas``, con el nombre y el correo del estudiante
(si hay lista de clase) y la fecha de entrega. Así ``nbgrader export`` y
formgrader siguen funcionando; para que formgrader pueda mostrar cada entrega se
escribe además ``autograded/<estudiante>/<taller>/<cuaderno>.ipynb``: el
cuaderno del profesor con las celdas de solución y las respuestas escritas del
estudiante, con las salidas que él guardó (texto e imágenes; nunca HTML ni
JavaScript) y sin la parte oculta de las pruebas (solo datos: nada del
estudiante se ejecuta aquí), junto a ``timestamp.txt`` y
``submission_secret.txt``, que ``nbgrader release_feedback`` necesita.

Las celdas revisadas a mano (respuestas escritas y tareas) con 0 puntos se dan
por calificadas con 0; si valen puntos, quedan pendientes en formgrader hasta
que el profesor las califique. Si el gradebook aún no conoce el taller, se registran sus
celdas a partir del cuaderno fuente con el preprocesador ``SaveCells`` de
nbgrader (lo mismo que hace ``nbgrader generate_assignment``, sin escribir
ningún fichero del taller).
"""
import os
import queue
import sys
import threading
import warnings
from pathlib import Path

from .saneado import markdown_seguro
from ..texto import limpio, sin_sustitutos


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
    from nbgrader.api import Gradebook, MissingEntry

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
    import nbformat
    from nbgrader.preprocessors import SaveCells  # importa nbconvert: solo si hay que registrar el taller

    nb = nbformat.read(str(cuaderno_fuente(curso, taller)), as_version=4)
    recursos = {"nbgrader": {"db_url": url_de(curso), "assignment": taller.id, "notebook": nombre}}
    SaveCells().preprocess(nb, recursos)


def puntos_manuales_de_la_fuente(curso, taller):
    """{grade_id: puntos} de las respuestas y tareas revisadas a mano del cuaderno fuente del taller."""
    import json

    datos = json.loads(cuaderno_fuente(curso, taller).read_text(encoding="utf-8"))
    automaticas = {f"{f}_pruebas" for f in taller.funciones}
    return {m["grade_id"]: float(m.get("points") or 0) for c in datos["cells"]
            if (m := c.get("metadata", {}).get("nbgrader", {})).get("grade_id") not in automaticas
            and (m.get("grade") or m.get("task"))}


def aviso_puntos_manuales(curso, taller):
    """Aviso (o ``None``) si el gradebook tiene el taller con otros puntos de revisión manual que su cuaderno
    fuente: pasa al regenerar los talleres con ``--puntos-manuales`` después de haber calificado."""
    from nbgrader.api import Gradebook, MissingEntry

    if not (Path(curso) / "gradebook.db").is_file() or not cuaderno_fuente(curso, taller).is_file():
        return None
    fuente = puntos_manuales_de_la_fuente(curso, taller)
    _alembic_en_path()
    with Gradebook(url_de(curso)) as gb:
        try:
            cuaderno = gb.find_notebook(Path(taller.cuaderno).stem, taller.id)
        except MissingEntry:
            return None
        registrados = {c.name: c.max_score for c in cuaderno.grade_cells + cuaderno.task_cells if c.name in fuente}
    if all(registrados.get(nombre, puntos) == puntos for nombre, puntos in fuente.items()):
        return None
    antes, ahora = sum(registrados.values()), sum(fuente.values())
    return (f"Aviso: el cuaderno fuente de «{taller.id}» da {ahora:g} puntos a las respuestas y tareas revisadas a "
            f"mano (--puntos-manuales), pero el gradebook {Path(curso) / 'gradebook.db'} ya tiene el taller con "
            f"{antes:g}: esos puntos no cuentan hasta que actualices el gradebook. Desde {curso}, con el entorno "
            f"activado: nbgrader generate_assignment {taller.id} --force (registra los puntos nuevos; conserva las "
            f"entregas y lo calificado en formgrader), y califica otra vez todas las entregas con --recalcular para "
            "que las respuestas queden pendientes de revisión en formgrader.")


def _datos_estudiante(r):
    """Nombre, apellidos y correo para el gradebook (nbgrader los exporta con ``nbgrader export``)."""
    nombre = limpio(r.get("nombre") or "").strip()
    if r.get("nombre_pila") or r.get("apellidos"):  # la lista de clase los da por separado
        pila, apellidos = limpio(r.get("nombre_pila") or ""), limpio(r.get("apellidos") or "")
    elif "," in nombre:  # «Apellidos, Nombre», como lo escribe el libro de Canvas
        apellidos, pila = (p.strip() for p in nombre.split(",", 1))
    else:  # solo el nombre completo: nunca se adivina dónde acaba el nombre de pila
        pila, apellidos = "", nombre
    datos = {"first_name": pila or None, "last_name": apellidos or None,
             "email": limpio(r.get("correo") or "") or None}
    return {clave: valor for clave, valor in datos.items() if valor}


def _guardar(gb, taller, r):
    """Guarda en el gradebook ``gb`` una entrega (resultado ``r``); cierto si tenía cuaderno."""
    from nbgrader.api import MissingEntry

    if r["estado"] == "sin_entrega":
        if r.get("nombre") or r.get("correo"):
            gb.update_or_create_student(r["estudiante"], **_datos_estudiante(r))
        return False
    gb.update_or_create_student(r["estudiante"], **_datos_estudiante(r))
    try:
        entrega = gb.find_submission(taller.id, r["estudiante"])
    except MissingEntry:
        entrega = gb.add_submission(taller.id, r["estudiante"])
    entrega.timestamp = r.get("fecha")
    automaticas = {f"{f}_pruebas": f for f in taller.funciones}
    for nota in gb.find_submission_notebook(Path(taller.cuaderno).stem, taller.id, r["estudiante"]).grades:
        funcion = automaticas.get(nota.name)
        if funcion is not None:
            nota.auto_score = float(r["funciones"][funcion]["puntos"])
            nota.needs_manual_grade = False
        elif nota.max_score == 0:  # revisión a mano sin puntos: nunca queda pendiente
            nota.auto_score = 0.0
            nota.needs_manual_grade = False
        elif nota.manual_score is None:
            nota.auto_score = None
            nota.needs_manual_grade = True
    gb.db.commit()
    return True


PLAZO_POR_ENTREGA = 60.0  # segundos que ``terminar`` espera sin que el escritor avance


class Escritor:
    """Escribe en el gradebook, desde un hilo, cada entrega en cuanto está calificada.

    Importar nbgrader cuesta más de un segundo y cada entrega es una transacción de
    SQLite: hacerlo mientras se califica quita ese tiempo del final del lote. Con
    cada entrega escribe también su cuaderno revisable (``escribir_revisable``).
    Un fallo con una entrega queda en ``fallidas`` y el hilo sigue con la siguiente;
    si el gradebook no se puede abrir, todas quedan en ``fallidas`` con ese motivo.
    ``terminar`` espera con un plazo y dice quién no se escribió.
    """

    def __init__(self, curso, taller):
        self.curso, self.taller = curso, taller
        self.cola, self.error, self.guardadas = queue.Queue(), None, 0
        self.pendientes, self.fallidas = {}, {}  # estudiante -> motivo
        self._avance, self._terminado = threading.Condition(), False
        self.hilo = threading.Thread(target=self._correr, name="gradebook", daemon=True)
        self.hilo.start()

    def poner(self, resultado, cuaderno=None):
        """Encola una entrega calificada (``cuaderno``: el .ipynb del estudiante, si lo hay)."""
        with self._avance:
            self.pendientes[resultado["estudiante"]] = "no se llegó a escribir"
        self.cola.put((dict(resultado), cuaderno))

    def fallar(self, estudiante, error):
        """Anota que la entrega de ``estudiante`` no se pudo encolar (lo dirá ``terminar``)."""
        with self._avance:
            self.fallidas[estudiante] = _motivo(error)

    def terminar(self, plazo=PLAZO_POR_ENTREGA):
        """Espera al hilo mientras avance (``plazo`` segundos sin avanzar, como mucho); devuelve
        (entregas guardadas, {estudiante: motivo} de las que no se escribieron)."""
        self.cola.put(None)
        with self._avance:
            hechas = None
            while not self._terminado and hechas != self._hechas():
                hechas = self._hechas()
                self._avance.wait_for(lambda: self._terminado or self._hechas() != hechas, plazo)
            return self.guardadas, {**self.pendientes, **self.fallidas}

    def _hechas(self):
        return self.guardadas + len(self.fallidas) - len(self.pendientes)

    def _correr(self):
        try:
            gb = self._abrir()
        except Exception as error:  # nada se podrá escribir: cada entrega lo dirá
            self.error, gb = error, None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # avisos internos de SQLAlchemy en add_submission
                while (elemento := self.cola.get()) is not None:
                    self._una(gb, *elemento)
        finally:
            if gb is not None:
                gb.close()
            with self._avance:
                self._terminado = True
                self._avance.notify_all()

    def _abrir(self):
        from nbgrader.api import Gradebook

        asegurar_taller(self.curso, self.taller)
        return Gradebook(url_de(self.curso))

    def _una(self, gb, r, cuaderno):
        """Escribe una entrega; un fallo queda en ``fallidas`` y nunca detiene el hilo."""
        motivo, guardada, paso = None, False, "la nota"
        try:
            if gb is None:
                motivo = f"no se pudo abrir el gradebook ({_motivo(self.error)})"
            elif _guardar(gb, self.taller, r):
                guardada, paso = True, "el cuaderno para formgrader"
                if cuaderno is not None:
                    escribir_revisable(self.curso, self.taller, r["estudiante"], cuaderno, r.get("fecha"))
        except Exception as error:
            motivo = f"no se pudo escribir {paso} ({_motivo(error)})"
            _deshacer(gb)
        with self._avance:
            self.pendientes.pop(r["estudiante"], None)
            self.guardadas += guardada
            if motivo:
                self.fallidas[r["estudiante"]] = motivo
            self._avance.notify_all()


def _motivo(error):
    return limpio(f"{type(error).__name__}: {error}")[:300]


def _deshacer(gb):
    """Deshace la transacción a medias de una entrega que falló (si el gradebook sigue abierto)."""
    try:
        gb.db.rollback()
    except Exception:  # la sesión ya estaba cerrada o rota: no hay nada que deshacer
        pass


def pendientes_de_revision(curso, taller):
    """Estudiantes con alguna celda revisada a mano (con puntos) que aún no tiene nota en formgrader."""
    from nbgrader.api import Gradebook

    with Gradebook(url_de(curso)) as gb:
        return sorted(s.student.id for s in gb.find_assignment(taller.id).submissions if s.needs_manual_grade)


# Salidas del estudiante que formgrader puede mostrar sin riesgo: texto e imágenes de mapa de bits.
_TIPOS_SEGUROS = ("text/plain", "image/png", "image/jpeg")
_MAX_SALIDA = 2 * 1024 * 1024


def salidas_seguras(salidas):
    """Salidas (nbformat 4) de una celda del estudiante, sin HTML, JavaScript, SVG ni widgets.

    formgrader y ``generate_feedback`` muestran las salidas tal cual en el navegador del profesor:
    solo se conservan texto, imágenes PNG/JPEG y errores, y como mucho 2 MiB por celda.
    """
    import nbformat

    limpias, tamano = [], 0
    for salida in salidas if isinstance(salidas, list) else []:
        if not isinstance(salida, dict):
            continue
        tipo = salida.get("output_type")
        if tipo == "stream" and salida.get("name") in ("stdout", "stderr"):
            texto = _texto(salida.get("text"))
            nueva = nbformat.v4.new_output("stream", name=salida["name"], text=texto)
        elif tipo in ("display_data", "execute_result") and isinstance(salida.get("data"), dict):
            datos = {k: _texto(v) for k, v in salida["data"].items() if k in _TIPOS_SEGUROS}
            if not datos:
                continue
            nueva = nbformat.v4.new_output("display_data", data=datos)
        elif tipo == "error":
            traza = salida.get("traceback") if isinstance(salida.get("traceback"), list) else []
            nueva = nbformat.v4.new_output("error", ename=_texto(salida.get("ename", ""))[:200],
                                           evalue=_texto(salida.get("evalue", ""))[:2000],
                                           traceback=[_texto(t)[:5000] for t in traza[:50]])
        else:
            continue
        tamano += len(str(nueva))
        if tamano > _MAX_SALIDA:
            limpias.append(nbformat.v4.new_output("stream", name="stdout",
                                                  text="[Salidas recortadas por el calificador: ocupaban demasiado.]"))
            break
        limpias.append(nueva)
    return limpias


def _texto(valor):
    """Texto de una fuente o salida de nbformat (cadena o lista), escribible en UTF-8."""
    if isinstance(valor, list):
        valor = "".join(str(x) for x in valor)
    return sin_sustitutos(valor if isinstance(valor, str) else str(valor))


def _celdas_crudas(ruta):
    """{grade_id: celda JSON} de las celdas de solución del cuaderno del estudiante (la primera de cada id)."""
    import json

    from ..calificacion.cuaderno import TAMANO_MAX

    try:
        if Path(ruta).stat().st_size > TAMANO_MAX:
            return {}
        datos = json.loads(Path(ruta).read_bytes().decode("utf-8-sig"))
    except (OSError, ValueError, RecursionError):
        return {}
    propias = {}
    for celda in datos.get("cells", []) if isinstance(datos, dict) and isinstance(datos.get("cells"), list) else []:
        meta = celda.get("metadata") if isinstance(celda, dict) else None
        nbg = meta.get("nbgrader") if isinstance(meta, dict) else None
        if isinstance(nbg, dict) and nbg.get("solution") and isinstance(nbg.get("grade_id"), str):
            propias.setdefault(nbg["grade_id"], celda)
    return propias


def escribir_revisable(curso, taller, estudiante, cuaderno_estudiante, fecha=None):
    """Cuaderno para formgrader en ``autograded/``: el del profesor con lo que escribió el estudiante.

    También escribe ``timestamp.txt`` (la fecha de entrega) y ``submission_secret.txt``, como los
    deja ``nbgrader autograde``, para que ``generate_feedback`` y ``release_feedback`` funcionen.
    """
    import hashlib
    import re

    import nbformat

    from ..recogida.fechas import FORMATO_NBGRADER

    nb = nbformat.read(str(cuaderno_fuente(curso, taller)), as_version=4)
    propias = _celdas_crudas(cuaderno_estudiante) if cuaderno_estudiante else {}
    ocultas = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.S)
    for celda in nb.cells:
        meta = celda.metadata.get("nbgrader", {})
        suya = propias.get(meta.get("grade_id")) if meta.get("solution") else None
        if meta.get("solution"):
            texto = _texto(suya.get("source", "")) if suya else ""
            celda.source = markdown_seguro(texto) if celda.cell_type == "markdown" else texto
        elif meta.get("grade") and celda.cell_type == "code":
            celda.source = ocultas.sub("", celda.source)
        if celda.cell_type == "code":
            celda.outputs = salidas_seguras(suya.get("outputs")) if suya else []
            celda.execution_count = None
    carpeta = Path(curso) / "autograded" / estudiante / taller.id
    carpeta.mkdir(parents=True, exist_ok=True)
    destino = carpeta / taller.cuaderno
    temporal = destino.with_name("." + destino.name + ".tmp")
    nbformat.write(nb, str(temporal))
    temporal.replace(destino)
    if fecha is not None:
        (carpeta / "timestamp.txt").write_text(fecha.strftime(FORMATO_NBGRADER), encoding="utf-8")
    secreto = carpeta / "submission_secret.txt"
    if not secreto.is_file():  # estable: el estudiante recoge su retroalimentación con este secreto
        secreto.write_text(hashlib.sha256(f"{estudiante}|{taller.id}|{os.urandom(16).hex()}".encode())
                           .hexdigest(), encoding="utf-8")
