"""Localiza las entregas de una carpeta o un .zip, una por estudiante.

Disposiciones admitidas (se pueden mezclar):

- nbgrader: ``<estudiante>/<TALLER>/<cuaderno>.ipynb``;
- una carpeta por estudiante: ``<estudiante>/<cuaderno>.ipynb`` (también a
  más profundidad, o dentro de un .zip subido por el estudiante); con los nombres
  de Moodle ``Nombre Apellido_123456_assignsubmission_file_`` el identificador es
  el número;
- carpeta plana: ``<estudiante>.ipynb``, o los nombres de Canvas y de Moodle sin carpetas.

La identidad sale solo de la parte del nombre que escribe el LMS (``identidad``): el
principio, hasta el número de participante de Moodle o el usuario de Canvas. La cola es el
nombre original del fichero, que elige el estudiante, y nunca cuenta. Varias entregas del
mismo usuario del LMS se funden en una (Canvas: el adjunto más reciente; Moodle sin
carpetas: el cuaderno que elige ``elegir``); las de usuarios distintos con un mismo
identificador nunca se funden: quedan todas y se marcan para revisarlas a mano.

Si una entrega tiene varios cuadernos se elige, por este orden: el que se llama
como el cuaderno del taller; el que lleva el id del taller en el nombre; el que
define más funciones calificadas; el primero por orden alfabético. El detalle
de la calificación lo avisa. Nunca se sigue un enlace simbólico, esté donde esté
dentro de las entregas (podría apuntar a los cuadernos del profesor o a otra
entrega). Los .zip se extraen en una carpeta temporal leyendo por trozos, con un
límite por fichero, por estudiante y por zip, y sin ningún nombre que pueda salir
de la carpeta de destino; si todo está dentro de una sola carpeta (zip con carpetas
anidadas) se baja hasta donde empiezan las entregas. Un problema con una entrega
(un zip dañado, un nombre imposible, dos entregas con el mismo identificador)
queda en esa entrega y nunca detiene el lote.
"""
import hashlib
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .fechas import fecha_de_entrega
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
MAX_ZIP = 2 * 1024 ** 3  # bytes extraídos, en total, del zip de toda la clase
MAX_ESTUDIANTE = 128 * 1024 ** 2  # bytes extraídos de los .zip de un estudiante, y de cada fichero
MAX_DATOS = 64 * 1024 ** 2  # ficheros de datos junto al cuaderno que se copian a su carpeta de trabajo
MAX_NOMBRE = 200  # bytes de cada parte de una ruta extraída (los sistemas de ficheros admiten 255)
IGNORAR = ("__MACOSX", ".ipynb_checkpoints")
PROBLEMAS = ".problemas-de-extraccion.json"  # en la carpeta de destino de extraer_zip


class EntregasInvalidas(Exception):
    """Error de uso con la carpeta o el zip de entregas (mensaje en español)."""


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


@dataclass
class Entrega:
    estudiante: str
    cuaderno: Path = None
    avisos: list = field(default_factory=list)
    error: str = None  # la entrega existe pero no se pudo leer (zip dañado…): estado «error»
    revisar: str = None  # motivo para revisarla a mano (p. ej. dos entregas con el mismo identificador)
    datos: list = field(default_factory=list)  # [(ruta relativa, fichero)] junto al cuaderno
    origen: str = ""  # nombre de la carpeta o del fichero de la descarga
    identidad: Identidad = None  # lo que dice el LMS en ese nombre, si es de Moodle o de Canvas
    marca: Path = None  # timestamp.txt que escribió nbgrader (solo en la disposición del intercambio)
    fecha: object = None  # fecha de entrega (datetime en UTC, sin zona) o None


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


def _acortar(parte):
    """Parte de una ruta de como mucho MAX_NOMBRE bytes (conserva la extensión)."""
    if len(parte.encode("utf-8", "surrogateescape")) <= MAX_NOMBRE:
        return parte
    sufijo = Path(parte).suffix[:20]
    resumen = hashlib.sha256(parte.encode("utf-8", "surrogateescape")).hexdigest()[:10]
    inicio = parte.encode("utf-8", "surrogateescape")[:120].decode("utf-8", "ignore")
    return f"{inicio}-{resumen}{sufijo}"


def ruta_segura(destino, nombre):
    """Ruta dentro de ``destino`` para un nombre venido de una entrega, o ``None`` si saldría de ella.

    Rechaza rutas absolutas en cualquier forma (``/x``, ``//x``, ``\\\\x``, ``C:x``), ``..``
    y caracteres nulos, y comprueba que la ruta resuelta queda dentro de ``destino``.
    """
    nombre = str(nombre).replace("\\", "/")
    if not nombre or "\x00" in nombre or nombre.startswith("/") or re.match(r"^[A-Za-z]:", nombre):
        return None
    partes = [p for p in nombre.split("/") if p not in ("", ".")]
    if not partes or ".." in partes:
        return None
    ruta = Path(destino).joinpath(*(_acortar(p) for p in partes))
    base = Path(destino).resolve()
    return ruta if base in ruta.resolve().parents else None


class _Presupuesto:
    """Bytes que aún se pueden extraer (de un estudiante o de un zip)."""

    def __init__(self, total):
        self.restante = total


def _copiar_miembro(archivo, info, salida, presupuestos):
    """Copia un miembro por trozos; devuelve un problema (texto) o ``None``."""
    limite = min(p.restante for p in presupuestos)
    escritos = 0
    with archivo.open(info) as origen, open(salida, "wb") as fichero:
        while trozo := origen.read(1 << 20):
            escritos += len(trozo)
            if escritos > limite:
                break
            fichero.write(trozo)
    if escritos > limite:
        salida.unlink()
        return "descomprimido supera el espacio permitido; no se extrajo"
    for p in presupuestos:
        p.restante -= escritos
    return None


def _extraer_miembro(archivo, info, destino, presupuestos):
    """Extrae un miembro; devuelve un problema (texto) o ``None``."""
    partes = info.filename.replace("\\", "/").split("/")
    if info.is_dir() or any(p in IGNORAR for p in partes) or partes[-1].startswith("."):
        return None
    salida = ruta_segura(destino, info.filename)
    if salida is None:
        return "tiene una ruta que saldría de la carpeta de extracción; se ignoró"
    try:
        salida.parent.mkdir(parents=True, exist_ok=True)
        if salida.exists():
            return "está repetido en el .zip; se usó el primero"
        return _copiar_miembro(archivo, info, salida, presupuestos)
    except NotImplementedError:  # antes que RuntimeError, de la que hereda
        problema = "usa un método de compresión no admitido; comprímelo de nuevo en formato .zip estándar"
    except RuntimeError:
        problema = "está cifrado (con contraseña); comprímelo de nuevo sin contraseña"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        problema = "está dañado; vuelve a comprimirlo y a subirlo"
    except OSError as error:
        problema = f"no se pudo escribir ({error.strerror or error})"
    salida.unlink(missing_ok=True)
    return problema


def _extraer(ruta, destino, presupuesto=None):
    """Extrae un .zip en ``destino``; devuelve [(miembro, problema)]. ``EntregasInvalidas`` si no es un zip."""
    try:
        archivo = zipfile.ZipFile(ruta)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise EntregasInvalidas(f"«{visible(Path(ruta).name)}» no es un fichero .zip válido.") from None
    Path(destino).mkdir(parents=True, exist_ok=True)
    presupuestos = [_Presupuesto(MAX_ZIP if presupuesto is None else MAX_ESTUDIANTE)]
    if presupuesto is not None:
        presupuestos.append(presupuesto)
    problemas = []
    with archivo:
        for info in archivo.infolist():
            problema = _extraer_miembro(archivo, info, Path(destino), presupuestos)
            if problema:
                problemas.append((info.filename, problema))
    return problemas


def extraer_zip(ruta, destino):
    """Extrae un .zip de entregas de forma segura; los problemas de cada fichero los recoge ``localizar``."""
    problemas = _extraer(ruta, destino)
    (Path(destino) / PROBLEMAS).write_text(json.dumps(problemas, ensure_ascii=True), encoding="utf-8")
    return Path(destino)


def _problemas_de(carpeta_zip, hijo):
    """Problemas de extracción (textos) de los ficheros del zip de la clase que caen en ``hijo``."""
    try:
        problemas = json.loads((Path(carpeta_zip) / PROBLEMAS).read_text(encoding="utf-8"))
        relativa = hijo.relative_to(carpeta_zip).as_posix()
    except (OSError, ValueError):
        return []
    dentro = [m for m, _ in problemas if m.replace("\\", "/").lstrip("/") == relativa
              or m.replace("\\", "/").lstrip("/").startswith(relativa + "/")]
    return [f"«{visible(m)}» del .zip {p}." for m, p in problemas if m in dentro]


def _visibles(carpeta):
    return sorted((p for p in carpeta.iterdir() if not p.name.startswith(".") and p.name not in IGNORAR),
                  key=lambda p: p.name)


def _sin_enlaces(ruta, base):
    """Cierto si ni el fichero ni sus carpetas (desde ``base``, excluida) son enlaces simbólicos."""
    actual = ruta
    while actual != base:
        if actual.is_symlink() or actual.parent == actual:
            return False
        actual = actual.parent
    return True


def _cuadernos(carpeta, raiz):
    """Cuadernos dentro de ``carpeta``; ninguno cuya ruta pase por un enlace simbólico desde ``raiz``."""
    if not _sin_enlaces(carpeta, raiz):
        return []
    return sorted((p for p in carpeta.rglob("*.ipynb")
                   if p.is_file() and _sin_enlaces(p, raiz)
                   and not any(x in IGNORAR or x.startswith(".") for x in p.relative_to(carpeta).parts)),
                  key=lambda p: str(p.relative_to(carpeta)))


def _datos(cuaderno, raiz):
    """Ficheros junto al cuaderno (y en sus subcarpetas) que se copian a su carpeta de trabajo."""
    carpeta, datos, total = cuaderno.parent, [], 0
    for p in sorted(carpeta.rglob("*")):
        relativa = p.relative_to(carpeta)
        if (p.suffix in (".ipynb", ".zip") or not p.is_file() or not _sin_enlaces(p, raiz)
                or any(x in IGNORAR or x.startswith(".") for x in relativa.parts)):
            continue
        total += p.stat().st_size
        if total > MAX_DATOS or len(datos) >= 200:
            break
        datos.append((relativa, p))
    return datos


def _raiz(carpeta, taller):
    """Baja por carpetas que solo contienen una carpeta (zip con carpetas anidadas)."""
    while True:
        hijos = _visibles(carpeta)
        if len(hijos) != 1 or hijos[0].is_symlink() or not hijos[0].is_dir() or MOODLE.match(hijos[0].name) \
                or (hijos[0] / taller.id).is_dir():
            return carpeta
        nietos = _visibles(hijos[0])
        if len(nietos) > 1 or (len(nietos) == 1 and nietos[0].is_dir()):
            carpeta = hijos[0]
        else:
            return carpeta


def _cuadernos_directos(carpeta):
    return [p for p in _visibles(carpeta) if p.suffix == ".ipynb" and p.is_file() and not p.is_symlink()]


def _puntuar(ruta, taller):
    try:
        texto = ruta.read_bytes()[:5_000_000].decode("utf-8", "replace")
    except OSError:
        texto = ""
    definidas = sum(1 for f in taller.funciones if re.search(rf"(def|class)\s+{re.escape(f)}\b", texto))
    return definidas


def elegir(candidatos, taller, base, nombre=lambda p: p.name):
    """Elige un cuaderno entre varios; devuelve (ruta, aviso o None).

    ``nombre(ruta)`` es el nombre con el que se compara cada uno (sin el prefijo de Moodle, si lo tiene).
    """
    if len(candidatos) == 1:
        return candidatos[0], None
    nombres = ", ".join(visible(p.relative_to(base)) for p in candidatos)
    exacto = [p for p in candidatos if nombre(p).lower() == taller.cuaderno.lower()]
    if exacto:
        elegido, motivo = exacto[0], "se llama como el cuaderno del taller"
    else:
        con_id = [p for p in candidatos if taller.id.lower() in nombre(p).lower()]
        if con_id:
            elegido, motivo = con_id[0], "lleva el nombre del taller"
        else:
            mejor = max(_puntuar(p, taller) for p in candidatos)
            elegido = next(p for p in candidatos if _puntuar(p, taller) == mejor)
            motivo = "define más funciones calificadas" if mejor else "es el primero por orden alfabético"
    return elegido, (f"Había {len(candidatos)} cuadernos ({nombres}); se calificó "
                     f"«{visible(elegido.relative_to(base))}» porque {motivo}.")


def _de_zips(carpeta, destino, raiz):
    """Cuadernos de los .zip de una carpeta de estudiante (Moodle permite subir un .zip).

    Todos sus .zip comparten un presupuesto de MAX_ESTUDIANTE bytes. Devuelve (cuadernos, avisos, error).
    """
    candidatos, avisos, errores = [], [], []
    presupuesto = _Presupuesto(MAX_ESTUDIANTE)
    for i, archivo in enumerate(sorted(p for p in carpeta.rglob("*.zip") if p.is_file() and _sin_enlaces(p, raiz))):
        nombre = visible(archivo.name)
        try:
            problemas = _extraer(archivo, Path(destino) / f"{i}", presupuesto)
        except EntregasInvalidas as error:
            errores.append(str(error))
            continue
        errores += [f"«{visible(m)}» de «{nombre}» {p}." for m, p in problemas]
        encontrados = _cuadernos(Path(destino) / f"{i}", Path(destino) / f"{i}")
        if encontrados:
            avisos.append(f"El cuaderno venía dentro de «{nombre}».")
            candidatos += encontrados
    if candidatos:
        return candidatos, avisos + errores, None
    return [], avisos, " ".join(errores) or None


def _entrega_de_fichero(hijo):
    """La entrega de un .ipynb suelto en la raíz (Canvas, Moodle sin carpetas o ``<estudiante>.ipynb``)."""
    leida = identidad(hijo.stem)
    entrega = Entrega(leida.id if leida else id_de_estudiante(hijo.stem), hijo, identidad=leida)
    if leida is not None and leida.dudosa:
        entrega.revisar = leida.dudosa
    elif leida is None and parece_de_canvas(hijo.stem):
        entrega.revisar = (f"El nombre «{visible(hijo.name)}» parece de la descarga de Canvas, pero no se pudo "
                           "leer su usuario: comprueba a mano de quién es.")
    return entrega


def _entrega_de(hijo, raiz, taller, temporal, numero):
    """La entrega de un hijo de la raíz (un .ipynb o una carpeta), o ``None`` si no lo es."""
    if hijo.is_file() and hijo.suffix == ".ipynb":
        return _entrega_de_fichero(hijo)
    if not hijo.is_dir():
        return None
    leida = identidad(hijo.name)
    entrega, base = Entrega(leida.id if leida else id_de_estudiante(hijo.name), identidad=leida), hijo
    del_taller = hijo / taller.id
    candidatos = _cuadernos(del_taller, raiz) if del_taller.is_dir() else []
    if candidatos and leida is None:
        # Disposición del intercambio de nbgrader: su timestamp.txt lo escribió nbgrader. En una carpeta de
        # Moodle (o en un .zip del estudiante) todo lo ha subido el estudiante: su timestamp.txt no vale.
        entrega.marca = del_taller / "timestamp.txt"
    candidatos = candidatos or _cuadernos(hijo, raiz)
    if not candidatos and temporal is not None:
        base = Path(temporal) / f"zip-{numero}"
        candidatos, entrega.avisos, entrega.error = _de_zips(hijo, base, raiz)
        raiz = base
    if candidatos:
        entrega.cuaderno, aviso = elegir(candidatos, taller, base)
        entrega.avisos += [aviso] if aviso else []
        entrega.datos = _datos(entrega.cuaderno, raiz)
    return entrega


def _un_usuario(entregas):
    """Cierto si todas las entregas vienen, según el LMS, del mismo usuario (Canvas o Moodle sin carpetas)."""
    primera = entregas[0].identidad
    if primera is None or not all(primera.mismo_usuario(e.identidad) for e in entregas):
        return False
    # En Moodle, solo los ficheros sueltos (sin carpetas): una carpeta ya es una entrega entera.
    return primera.sistema != "moodle" or all(e.identidad.fichero for e in entregas)


def _fusionar(entregas, nombres, taller):
    """Una entrega a partir de varias del mismo usuario del LMS."""
    if entregas[0].identidad.sistema != "moodle":
        # Canvas: se califica el adjunto más reciente (el id de adjunto crece con cada entrega).
        reciente = max(entregas, key=lambda e: (e.identidad.adjunto, e.identidad.reenvio))
        reciente.avisos += [f"Se calificó la entrega más reciente; se ignoró «{nombres[id(e)]}»."
                            for e in entregas if e is not reciente]
        return reciente
    # Moodle sin carpetas: los ficheros del participante son los cuadernos de una misma entrega.
    por_ruta = {e.cuaderno: e for e in entregas}
    cuaderno, aviso = elegir(sorted(por_ruta), taller, entregas[0].cuaderno.parent,
                             nombre=lambda p: por_ruta[p].identidad.fichero + p.suffix)
    elegida = por_ruta[cuaderno]
    elegida.avisos += [aviso] if aviso else []
    return elegida


def _marcar_colision(estudiante, con_cuaderno, nombres, ocupados):
    """Varias entregas de usuarios distintos con un mismo identificador: todas quedan y se marcan."""
    # La que se llama exactamente como el identificador lo conserva; las demás reciben uno libre.
    con_cuaderno.sort(key=lambda e: nombres[id(e)] not in (estudiante, estudiante + ".ipynb"))
    todas = ", ".join(f"«{nombres[id(e)]}»" for e in con_cuaderno)
    for n, e in enumerate(con_cuaderno):
        if n:
            k = n + 1
            while f"{estudiante}_{k}" in ocupados:
                k += 1
            e.estudiante = f"{estudiante}_{k}"
            ocupados.add(e.estudiante)
        e.revisar = (f"Varias entregas ({todas}) dan el mismo identificador «{estudiante}»: esta es "
                     f"«{nombres[id(e)]}». Comprueba a mano de quién es cada una.")
    return con_cuaderno


def _colisiones(grupos, nombres, taller):
    """Una entrega por identificador. Las de un mismo usuario del LMS se funden en una; si las de
    usuarios distintos (o sin LMS) comparten identificador, quedan todas y se marcan."""
    ocupados, lista = set(grupos), []
    for estudiante, entregas in grupos.items():
        con_cuaderno = [e for e in entregas if e.cuaderno is not None or e.error]
        if len(con_cuaderno) > 1 and _un_usuario(con_cuaderno):
            con_cuaderno = [_fusionar(con_cuaderno, nombres, taller)]
        if len(con_cuaderno) <= 1:
            elegida = con_cuaderno[0] if con_cuaderno else entregas[0]
            elegida.avisos += [f"Se ignoró «{nombres[id(e)]}»: tenía el mismo identificador y ningún cuaderno."
                               for e in entregas if e is not elegida and e.cuaderno is None and not e.error]
            lista.append(elegida)
            continue
        lista += _marcar_colision(estudiante, con_cuaderno, nombres, ocupados)
    return lista


def localizar(carpeta, taller, desanidar=False, temporal=None):
    """Lista de entregas (ordenada por estudiante); ``desanidar`` para el contenido de un .zip.

    Con ``temporal`` (una carpeta vacía), se abren también los .zip que haya dentro de la
    carpeta de un estudiante sin ningún cuaderno suelto. Un fallo con una entrega queda
    en su ``error``; nunca detiene la búsqueda de las demás.
    """
    carpeta = Path(carpeta)
    raiz = _raiz(carpeta, taller) if desanidar else carpeta
    grupos, nombres = {}, {}
    for numero, hijo in enumerate(_visibles(raiz)):
        if hijo.is_symlink():
            continue  # un enlace simbólico podría apuntar a los cuadernos del profesor
        try:
            entrega = _entrega_de(hijo, raiz, taller, temporal, numero)
        except Exception as error:  # un fallo del calificador con esta entrega no detiene las demás
            entrega = Entrega(_id_libre(hijo.stem if hijo.suffix == ".ipynb" else hijo.name),
                              error=f"Error interno del calificador al buscar esta entrega "
                                    f"({type(error).__name__}); revísala a mano.")
        if entrega is None:
            continue
        problemas = _problemas_de(carpeta, hijo)
        if problemas and entrega.cuaderno is None and not entrega.error:
            entrega.error = " ".join(problemas)
        elif problemas:
            entrega.avisos += problemas
        nombres[id(entrega)] = visible(hijo.name)
        entrega.origen = hijo.name
        grupos.setdefault(entrega.estudiante, []).append(entrega)
    lista = _colisiones(grupos, nombres, taller)
    for entrega in lista:
        _fechar(entrega)
    return sorted(lista, key=lambda e: e.estudiante)


def _fechar(entrega):
    """Fecha de entrega (la del LMS o la de nbgrader, nunca una que suba el estudiante) y su aviso."""
    if entrega.cuaderno is None:
        return
    try:
        entrega.fecha, aviso = fecha_de_entrega(entrega.cuaderno, entrega.marca)
    except Exception as error:  # la fecha nunca detiene el lote: la entrega queda sin fecha
        entrega.fecha, aviso = None, f"No se pudo leer la fecha de entrega ({type(error).__name__})."
    if aviso:
        entrega.avisos.append(aviso)
