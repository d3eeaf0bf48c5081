"""Identidad de una entrega: lo que el LMS (Moodle o Canvas) escribió en el nombre de su carpeta o fichero.

La identidad sale solo de la parte del nombre que escribe el LMS: el principio, hasta el número de
participante de Moodle o el usuario de Canvas. La cola es el nombre original del fichero, que elige
el estudiante, y nunca cuenta.
"""
import re
from dataclasses import dataclass

from ..texto import limpio

# Lo que escribe el LMS va siempre al principio del nombre; la cola es el nombre original del
# fichero, que elige el estudiante, y nunca se lee como identidad.
# Moodle («Descargar todas las entregas»): «<nombre completo>_<participante>_assignsubmission_file_»; Moodle
# cambia cada «_» del nombre completo por un espacio, así que el nombre nunca lleva «_». Sin «Descargar
# entregas en carpetas», ese prefijo va delante del nombre de cada fichero.
MOODLE = re.compile(r"^(?P<nombre>[^_]*)_(?P<id>\d+)_assignsubmission_file_?$")
MOODLE_PLANO = re.compile(r"^(?P<nombre>[^_]*)_(?P<id>\d+)_assignsubmission_file_(?P<fichero>.+)$")
# Canvas («Descargar entregas»): «<apellidonombre>[_LATE|_late]_<usuario>_<adjunto>_<nombre original>[-N]»;
# con calificación anónima, «[LATE_]anon_<id anónimo>_<adjunto>_<nombre original>» (ContentZipper de Canvas).
CANVAS = re.compile(r"^(?P<nombre>[^_]*)(?:_(?P<tarde>LATE|late))?_(?P<id>\d+)_(?P<adjunto>\d+)_(?P<fichero>.+)$")
CANVAS_ANONIMO = re.compile(r"^(?:(?P<tarde>LATE|late)_)?(?P<id>anon_[0-9A-Za-z]+)_(?P<adjunto>\d+)_(?P<fichero>.+)$")


@dataclass(frozen=True)
class Identidad:
    """Quién es el estudiante según la parte del nombre que escribe el LMS (nunca la que elige él)."""

    sistema: str  # «moodle», «canvas» o «canvas-anonimo»
    id: str  # participante de Moodle, usuario de Canvas o «anon_<id anónimo>»
    nombre: str = ""  # nombre completo (Moodle) o apellidonombre (Canvas)
    tarde: bool = False  # Canvas: _LATE o _late
    adjunto: int = 0  # Canvas: id del fichero adjunto (más alto, más reciente)
    reenvio: int = 0  # Canvas: -1, -2… que añade al volver a entregar
    fichero: str = ""  # nombre original del fichero (lo elige el estudiante: solo para mostrarlo)
    dudosa: str = None  # el nombre admite otra lectura del usuario: se revisa a mano

    def mismo_usuario(self, otra):
        """Cierto si ``otra`` viene del mismo usuario del LMS (mismo sistema, id y nombre)."""
        return otra is not None and (self.sistema, self.id, self.nombre) == (otra.sistema, otra.id, otra.nombre)


def visible(nombre):
    """Un nombre venido de una entrega, apto para el CSV y el HTML: sin controles ni sustitutos sueltos."""
    return limpio(nombre)[:200]


def _de_canvas(nombre):
    coincide = CANVAS_ANONIMO.match(nombre)
    sistema = "canvas-anonimo"
    if not coincide:
        coincide, sistema = CANVAS.match(nombre), "canvas"
    if not coincide:
        return None
    reenvio = re.search(r"-(\d+)$", coincide["fichero"])
    dudosa = None
    if sistema == "canvas" and re.match(r"\d+_", coincide["fichero"]):
        # Un nombre de usuario de Canvas acabado en «_<número>» («x_5001») daría «x_5001_5002_…».
        dudosa = (f"El nombre «{visible(nombre)}» admite dos lecturas del usuario de Canvas "
                  f"({coincide['id']} o {coincide['adjunto']}): comprueba a mano de quién es.")
    return Identidad(sistema, coincide["id"], coincide.groupdict().get("nombre") or "", bool(coincide["tarde"]),
                     int(coincide["adjunto"]), int(reenvio[1]) if reenvio else 0, coincide["fichero"], dudosa)


def identidad(nombre):
    """La ``Identidad`` que el LMS escribió en el nombre de una carpeta o de un fichero (sin .ipynb), o None.

    Se lee solo el principio del nombre, que escribe el LMS; la cola, que elige el estudiante, no cuenta.
    """
    nombre = str(nombre)
    coincide = MOODLE.match(nombre) or MOODLE_PLANO.match(nombre)
    if coincide:
        fichero = coincide["fichero"] if "fichero" in coincide.groupdict() else ""
        return Identidad("moodle", coincide["id"], coincide["nombre"], fichero=fichero)
    return _de_canvas(nombre)


def parece_de_canvas(nombre):
    """Cierto si el nombre lleva un «_<usuario>_<adjunto>_» de Canvas aunque no se pudiera leer."""
    return bool(re.search(r"_\d+_\d+_", str(nombre)))


def id_de_estudiante(nombre):
    """Identificador del estudiante a partir del nombre de su carpeta o cuaderno (sin .ipynb)."""
    leida = identidad(nombre)
    return leida.id if leida else _id_libre(nombre)


def _id_libre(nombre):
    """Identificador a partir de un nombre que no es del LMS: solo letras, cifras y «.@+-_»."""
    limpio_ = re.sub(r"[^\w.@+-]", "_", str(nombre).strip()).strip("._").lstrip("+-@")  # sin fórmulas de hoja
    return limpio_ or "entrega"
