"""Localiza las entregas de una carpeta o un .zip, una por estudiante.

Disposiciones admitidas (se pueden mezclar):

- nbgrader: ``<estudiante>/<TALLER>/<cuaderno>.ipynb``;
- una carpeta por estudiante: ``<estudiante>/<cuaderno>.ipynb`` (también a
  más profundidad, o dentro de un .zip subido por el estudiante); con los nombres
  de Moodle ``Nombre Apellido_123456_assignsubmission_file_`` el identificador es
  el número;
- carpeta plana: ``<estudiante>.ipynb``.

Si una entrega tiene varios cuadernos se elige, por este orden: el que se llama
como el cuaderno del taller; el que lleva el id del taller en el nombre; el que
define más funciones calificadas; el primero por orden alfabético. El detalle
de la calificación lo avisa. Los enlaces simbólicos se ignoran (podrían apuntar
a los cuadernos del profesor). Los .zip se extraen (solo los .ipynb, sin rutas
absolutas ni ``..``) en una carpeta temporal, y si todo está dentro de una sola
carpeta (zip con carpetas anidadas) se baja hasta donde empiezan las entregas.
"""
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MOODLE = re.compile(r"^(?P<nombre>.*?)_(?P<id>\d+)_assignsubmission_file_?$")
# Moodle sin «Descargar entregas en carpetas»: «Nombre Apellido_123456_assignsubmission_file_cuaderno».
MOODLE_PLANO = re.compile(r"^(?P<nombre>.*?)_(?P<id>\d+)_assignsubmission_file_(?P<fichero>.+)$")
# Canvas («Descargar entregas»): «apellidonombre[_LATE]_<usuario>_<adjunto>_<nombre original>[-N]».
CANVAS = re.compile(r"^(?P<nombre>[^_]+)(?P<tarde>_LATE)?_(?P<id>\d+)_(?P<adjunto>\d+)_(?P<fichero>.+)$")
MAX_ZIP = 1024 ** 3
IGNORAR = ("__MACOSX", ".ipynb_checkpoints")


class EntregasInvalidas(Exception):
    """Error de uso con la carpeta o el zip de entregas (mensaje en español)."""


@dataclass
class Entrega:
    estudiante: str
    cuaderno: Path = None
    avisos: list = field(default_factory=list)
    origen: str = ""  # nombre de la carpeta o del fichero de la descarga


def datos_canvas(nombre):
    """Usuario, adjunto, retraso y reenvío de un nombre de la descarga de Canvas, o ``None``.

    Canvas añade ``_LATE`` tras el nombre si la entrega llegó tarde y ``-1``, ``-2``… al nombre
    original del fichero cuando el estudiante lo vuelve a entregar.
    """
    coincide = CANVAS.match(nombre)
    if not coincide:
        return None
    reenvio = re.search(r"-(\d+)$", coincide["fichero"])
    return {"id": coincide["id"], "nombre": coincide["nombre"], "adjunto": int(coincide["adjunto"]),
            "tarde": bool(coincide["tarde"]), "reenvio": int(reenvio[1]) if reenvio else 0}


def datos_moodle(nombre):
    """Nombre completo e id de participante de un nombre de la descarga de Moodle, o ``None``."""
    coincide = MOODLE.match(nombre) or MOODLE_PLANO.match(nombre)
    return {"id": coincide["id"], "nombre": coincide["nombre"]} if coincide else None


def _mas_reciente(nueva, previa):
    """Cierto si ``nueva`` es un adjunto de Canvas posterior a ``previa`` del mismo estudiante."""
    a, b = datos_canvas(Path(nueva).stem), datos_canvas(Path(previa).stem)
    return bool(a and b) and (a["adjunto"], a["reenvio"]) > (b["adjunto"], b["reenvio"])


def id_de_estudiante(nombre):
    """Identificador del estudiante a partir del nombre de su carpeta o cuaderno."""
    coincide = datos_moodle(nombre) or datos_canvas(nombre)
    if coincide:
        return coincide["id"]
    limpio = re.sub(r"[^\w.@+-]", "_", nombre.strip()).strip("._").lstrip("+-@")  # sin fórmulas de hoja de cálculo
    return limpio or "entrega"


def extraer_zip(ruta, destino):
    """Extrae los cuadernos de un .zip de forma segura."""
    try:
        archivo = zipfile.ZipFile(ruta)
    except (zipfile.BadZipFile, OSError):
        raise EntregasInvalidas(f"«{ruta}» no es un fichero .zip válido.") from None
    total = 0
    with archivo:
        for info in archivo.infolist():
            partes = PurePosixPath(info.filename.replace("\\", "/")).parts
            if info.is_dir() or not partes or not partes[-1].endswith(".ipynb"):
                continue
            if partes[0] in ("/", "") or ".." in partes or any(p in IGNORAR for p in partes):
                continue
            total += info.file_size
            if total > MAX_ZIP:
                raise EntregasInvalidas(f"«{ruta}» descomprimido ocupa más de 1 GiB: revisa el fichero.")
            salida = destino.joinpath(*partes)
            salida.parent.mkdir(parents=True, exist_ok=True)
            with archivo.open(info) as origen, open(salida, "wb") as fichero:
                fichero.write(origen.read(info.file_size + 1))
    return destino


def _visibles(carpeta):
    return sorted((p for p in carpeta.iterdir() if not p.name.startswith(".") and p.name not in IGNORAR),
                  key=lambda p: p.name)


def _sin_enlaces(ruta, base):
    """Cierto si ni el fichero ni sus carpetas (desde ``base``) son enlaces simbólicos."""
    actual = ruta
    while actual != base:
        if actual.is_symlink():
            return False
        actual = actual.parent
    return True


def _cuadernos(carpeta):
    """Cuadernos dentro de ``carpeta``; se ignoran los enlaces simbólicos (podrían apuntar al curso)."""
    return sorted((p for p in carpeta.rglob("*.ipynb")
                   if p.is_file() and _sin_enlaces(p, carpeta)
                   and not any(x in IGNORAR or x.startswith(".") for x in p.relative_to(carpeta).parts)),
                  key=lambda p: str(p.relative_to(carpeta)))


def _raiz(carpeta, taller):
    """Baja por carpetas que solo contienen una carpeta (zip con carpetas anidadas)."""
    while True:
        hijos = _visibles(carpeta)
        if len(hijos) != 1 or not hijos[0].is_dir() or MOODLE.match(hijos[0].name) \
                or (hijos[0] / taller.id).is_dir():
            return carpeta
        nietos = _visibles(hijos[0])
        if len(nietos) > 1 or (len(nietos) == 1 and nietos[0].is_dir()):
            carpeta = hijos[0]
        else:
            return carpeta


def _cuadernos_directos(carpeta):
    return [p for p in _visibles(carpeta) if p.suffix == ".ipynb" and p.is_file()]


def _puntuar(ruta, taller):
    try:
        texto = ruta.read_bytes()[:5_000_000].decode("utf-8", "replace")
    except OSError:
        texto = ""
    definidas = sum(1 for f in taller.funciones if re.search(rf"(def|class)\s+{re.escape(f)}\b", texto))
    return definidas


def elegir(candidatos, taller, base):
    """Elige un cuaderno entre varios; devuelve (ruta, aviso o None)."""
    if len(candidatos) == 1:
        return candidatos[0], None
    nombres = ", ".join(str(p.relative_to(base)) for p in candidatos)
    exacto = [p for p in candidatos if p.name.lower() == taller.cuaderno.lower()]
    if exacto:
        elegido, motivo = exacto[0], "se llama como el cuaderno del taller"
    else:
        con_id = [p for p in candidatos if taller.id.lower() in p.name.lower()]
        if con_id:
            elegido, motivo = con_id[0], "lleva el nombre del taller"
        else:
            mejor = max(_puntuar(p, taller) for p in candidatos)
            elegido = next(p for p in candidatos if _puntuar(p, taller) == mejor)
            motivo = "define más funciones calificadas" if mejor else "es el primero por orden alfabético"
    return elegido, (f"Había {len(candidatos)} cuadernos ({nombres}); se calificó "
                     f"«{elegido.relative_to(base)}» porque {motivo}.")


def _de_zips(carpeta, destino):
    """Cuadernos de los .zip de una carpeta de estudiante (Moodle permite subir un .zip)."""
    candidatos, avisos = [], []
    for i, archivo in enumerate(sorted(p for p in carpeta.rglob("*.zip") if _sin_enlaces(p, carpeta))):
        try:
            extraida = extraer_zip(archivo, Path(destino) / f"{i}")
        except EntregasInvalidas as error:
            avisos.append(str(error))
            continue
        encontrados = _cuadernos(extraida)
        if encontrados:
            avisos.append(f"El cuaderno venía dentro de «{archivo.name}».")
            candidatos += encontrados
    return candidatos, avisos


def localizar(carpeta, taller, desanidar=False, temporal=None):
    """Lista de entregas (ordenada por estudiante); ``desanidar`` para el contenido de un .zip.

    Con ``temporal`` (una carpeta vacía), se abren también los .zip que haya dentro de la
    carpeta de un estudiante sin ningún cuaderno suelto.
    """
    raiz = _raiz(Path(carpeta), taller) if desanidar else Path(carpeta)
    por_estudiante = {}
    for hijo in _visibles(raiz):
        if hijo.is_symlink():
            continue  # un enlace simbólico podría apuntar a los cuadernos del profesor
        if hijo.is_file() and hijo.suffix == ".ipynb":
            estudiante, candidatos, base = id_de_estudiante(hijo.stem), [hijo], raiz
        elif hijo.is_dir():
            estudiante, base = id_de_estudiante(hijo.name), hijo
            del_taller = hijo / taller.id
            candidatos = _cuadernos(del_taller) if del_taller.is_dir() else []
            candidatos = candidatos or _cuadernos(hijo)
        else:
            continue
        entrega = Entrega(estudiante, origen=hijo.name)
        if not candidatos and hijo.is_dir() and temporal is not None:
            base = Path(temporal) / f"zip-{len(por_estudiante)}-{estudiante}"
            candidatos, avisos = _de_zips(hijo, base)
            entrega.avisos += avisos
        if candidatos:
            entrega.cuaderno, aviso = elegir(candidatos, taller, base)
            if aviso:
                entrega.avisos.append(aviso)
        if estudiante in por_estudiante:
            previa = por_estudiante[estudiante]
            if previa.cuaderno is None and entrega.cuaderno is not None:
                por_estudiante[estudiante] = entrega
                entrega.avisos.append(f"Había otra entrega vacía con el mismo identificador («{estudiante}»).")
            elif entrega.cuaderno is not None and _mas_reciente(hijo.name, previa.origen):
                por_estudiante[estudiante] = entrega
                entrega.avisos.append(f"Se calificó la entrega más reciente; se ignoró «{previa.origen}».")
            else:
                previa.avisos.append(f"Se ignoró «{hijo.name}»: ya había una entrega de «{estudiante}».")
            continue
        por_estudiante[estudiante] = entrega
    return [por_estudiante[e] for e in sorted(por_estudiante)]
