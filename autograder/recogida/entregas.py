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
import re
from dataclasses import dataclass, field
from pathlib import Path

from .fechas import fecha_de_entrega
from .fechas_lms import heredar_fecha
from ..texto import limpio
from .identidad import (MOODLE, Identidad, _id_libre, id_de_estudiante, identidad, parece_de_canvas,  # noqa: F401
                        visible)
from .zips import (IGNORAR, MAX_ESTUDIANTE, MAX_NOMBRE, EntregasInvalidas, _Presupuesto, _extraer,  # noqa: F401
                   _problemas_de, extraer_zip, ruta_segura)

MAX_DATOS = 64 * 1024 ** 2  # ficheros de datos junto al cuaderno que se copian a su carpeta de trabajo


@dataclass
class Entrega:
    estudiante: str
    cuaderno: Path = None
    avisos: list = field(default_factory=list)
    error: str = None  # la entrega existe pero no se pudo leer (zip dañado…): estado «error»
    error_interno: bool = False  # ``error`` es un fallo del calificador, no de la entrega
    revisar: str = None  # motivo para revisarla a mano (p. ej. dos entregas con el mismo identificador)
    datos: list = field(default_factory=list)  # [(ruta relativa, fichero)] junto al cuaderno
    origen: str = ""  # nombre de la carpeta o del fichero de la descarga
    identidad: Identidad = None  # lo que dice el LMS en ese nombre, si es de Moodle o de Canvas
    marca: Path = None  # timestamp.txt que escribió nbgrader (solo en la disposición del intercambio)
    fecha: object = None  # fecha de entrega (datetime en UTC, sin zona) o None


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
        heredar_fecha(archivo, Path(destino) / f"{i}")  # la fecha que el LMS dio al .zip, no la de extracción
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
                                    f"({type(error).__name__}); revísala a mano.", error_interno=True)
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
