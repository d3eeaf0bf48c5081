"""Calendario de publicación de los talleres (``calendario.yml``).

El calendario son fechas, no interruptores: para cada taller, cuándo se publica su cuaderno
(``publicar``) y cuándo termina su plazo de entrega (``entrega``), con fecha y hora en la zona
horaria que declara el fichero (``zona_horaria``). La política de retrasos (``retraso``) la usa
el calificador; aquí solo se valida.

El plazo de un taller termina al acabar el minuto de ``entrega`` (con ``entrega: "2027-02-28
23:59"``, a las 0:00 del 1 de marzo): desde ese instante se puede publicar lo que lo resuelve.
Un taller cuyo cuaderno trae resueltas funciones calificadas de otro (``dependencias``) no se
publica nunca antes de que termine el plazo de ese otro.
"""
import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from solutions.talleres import TALLERES

MESES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
         "septiembre", "octubre", "noviembre", "diciembre")
EJEMPLO = '"2027-02-15 09:00"'
UN_MINUTO = dt.timedelta(minutes=1)


class ErrorDeCalendario(Exception):
    """El calendario no se puede leer o publicaría algo antes de tiempo."""


@dataclass(frozen=True)
class Retraso:
    """Política de retrasos: % de la nota máxima por día o fracción y días tras los que vale 0."""

    penalizacion_por_dia: float
    dias_maximos: int


@dataclass(frozen=True)
class Entrada:
    """Un taller en el calendario: instantes con zona horaria, o None si no están fijados."""

    taller: str
    publicar: dt.datetime = None
    entrega: dt.datetime = None
    retraso: Retraso = None

    @property
    def fin_del_plazo(self):
        """Primer instante fuera de plazo (el minuto siguiente a ``entrega``), o None."""
        return None if self.entrega is None else self.entrega + UN_MINUTO


@dataclass(frozen=True)
class Calendario:
    zona: ZoneInfo
    talleres: dict  # id -> Entrada (todos los talleres del curso, también los que no están en el fichero)
    retraso: Retraso = None

    def __getitem__(self, taller):
        return self.talleres[taller]

    def items(self):
        return self.talleres.items()

    def fin_del_plazo(self, taller):
        return self.talleres[taller].fin_del_plazo


@dataclass(frozen=True)
class Estado:
    publicado: bool
    aviso: str = ""  # para los no publicados: cuándo llegan


def fecha_en_texto(momento):
    """«15 de febrero de 2027 a las 9:00» (o solo la fecha si es un ``date``)."""
    texto = f"{momento.day} de {MESES[momento.month - 1]} de {momento.year}"
    if isinstance(momento, dt.datetime):
        texto += f" a las {momento.hour}:{momento.minute:02d}"
    return texto


def leer_instante(valor, zona, fin_del_dia=False):
    """«AAAA-MM-DD HH:MM» (o «AAAA-MM-DD»: a las 0:00, o a las 23:59 con ``fin_del_dia``) en ``zona``.

    Lanza ValueError si no es una fecha así.
    """
    if isinstance(valor, dt.datetime):
        momento = valor
    elif isinstance(valor, dt.date):
        momento = dt.datetime.combine(valor, dt.time(23, 59) if fin_del_dia else dt.time(0, 0))
    elif isinstance(valor, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", valor.strip()):
        return leer_instante(dt.date.fromisoformat(valor.strip()), zona, fin_del_dia)
    elif isinstance(valor, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(:\d{2})?", valor.strip()):
        momento = dt.datetime.fromisoformat(valor.strip().replace(" ", "T"))
    else:
        raise ValueError(valor)
    if momento.tzinfo is not None:
        raise ValueError(valor)  # la zona es la del fichero: no se escribe en cada fecha
    return momento.replace(tzinfo=zona)


def _zona(datos, nombre):
    zona = datos.get("zona_horaria")
    if zona is None:
        raise ErrorDeCalendario(
            f"{nombre}: falta «zona_horaria:», la zona de todas sus fechas (por ejemplo, "
            "«zona_horaria: Europe/Madrid»).")
    try:
        return ZoneInfo(str(zona))
    except (ZoneInfoNotFoundError, ValueError):
        raise ErrorDeCalendario(
            f"{nombre}: «zona_horaria: {zona}» no es una zona horaria conocida. Escríbela como en la "
            "base de datos de zonas, por ejemplo «Europe/Madrid» o «America/Bogota».") from None


def _retraso(valor, donde, nombre):
    if not isinstance(valor, dict):
        raise ErrorDeCalendario(f"{nombre}: {donde} «retraso» debe tener «penalizacion_por_dia» y "
                                "«dias_maximos», por ejemplo {penalizacion_por_dia: 10, dias_maximos: 3}.")
    desconocidas = set(valor) - {"penalizacion_por_dia", "dias_maximos"}
    faltan = {"penalizacion_por_dia", "dias_maximos"} - set(valor)
    if desconocidas or faltan:
        raise ErrorDeCalendario(
            f"{nombre}: {donde} «retraso» solo admite «penalizacion_por_dia» y «dias_maximos», y necesita "
            f"las dos" + (f" (sobra: {', '.join(sorted(desconocidas))})" if desconocidas else "")
            + (f" (falta: {', '.join(sorted(faltan))})" if faltan else "") + ".")
    penalizacion, dias = valor["penalizacion_por_dia"], valor["dias_maximos"]
    if isinstance(penalizacion, bool) or not isinstance(penalizacion, (int, float)) or not 0 <= penalizacion <= 100:
        raise ErrorDeCalendario(f"{nombre}: {donde} «penalizacion_por_dia: {penalizacion}» debe ser un "
                                "porcentaje de la nota máxima entre 0 y 100.")
    if isinstance(dias, bool) or not isinstance(dias, int) or dias < 0:
        raise ErrorDeCalendario(f"{nombre}: {donde} «dias_maximos: {dias}» debe ser un número entero de "
                                "días, 0 o más.")
    return Retraso(float(penalizacion), dias)


def _instante(valor, taller, clave, zona, nombre):
    if isinstance(valor, bool):
        raise ErrorDeCalendario(
            f"{nombre}: en «{taller}», «{clave}: {str(valor).lower()}» ya no vale: el calendario son fechas, "
            f"no interruptores. Escribe la fecha y la hora, por ejemplo «{clave}: {EJEMPLO}», o quita la "
            "línea si aún no la sabes.")
    try:
        return leer_instante(valor, zona, fin_del_dia=(clave == "entrega"))
    except ValueError:
        raise ErrorDeCalendario(
            f"{nombre}: en «{taller}», «{clave}: {valor}» no es una fecha. Escríbela como "
            f"AAAA-MM-DD HH:MM, entre comillas, por ejemplo «{clave}: {EJEMPLO}» (la zona horaria es "
            "la de «zona_horaria»).") from None


def leer(ruta):
    """Lee ``calendario.yml`` y devuelve un Calendario. Lanza ErrorDeCalendario con un mensaje claro."""
    ruta = Path(ruta)
    try:
        datos = yaml.safe_load(ruta.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ErrorDeCalendario(f"No existe {ruta}: es el calendario de publicación de los talleres.") from None
    except yaml.YAMLError as error:
        raise ErrorDeCalendario(f"{ruta.name} no es YAML válido: {error}") from None
    except UnicodeDecodeError:
        raise ErrorDeCalendario(f"{ruta.name} no está en UTF-8: guárdalo con esa codificación.") from None
    nombre = ruta.name
    if not isinstance(datos, dict):
        raise ErrorDeCalendario(f"{nombre} debe tener «zona_horaria:» y una sección «talleres:».")
    desconocidas = set(datos) - {"zona_horaria", "retraso", "talleres"}
    if desconocidas:
        raise ErrorDeCalendario(f"{nombre}: claves desconocidas: {', '.join(sorted(map(str, desconocidas)))} "
                                "(solo «zona_horaria», «retraso» y «talleres»).")
    zona = _zona(datos, nombre)
    general = None if datos.get("retraso") is None else _retraso(datos["retraso"], "el", nombre)
    talleres = datos.get("talleres")
    if not isinstance(talleres, dict):
        raise ErrorDeCalendario(f"{nombre} debe tener una sección «talleres:» con una entrada por taller.")
    entradas = {}
    for taller, valores in talleres.items():
        if taller not in TALLERES:
            raise ErrorDeCalendario(f"{nombre}: «{taller}» no es un taller del curso "
                                    f"(los talleres son: {', '.join(TALLERES)}).")
        valores = valores or {}
        if not isinstance(valores, dict):
            raise ErrorDeCalendario(f"{nombre}: «{taller}» debe tener «publicar:» y «entrega:», cada una en "
                                    "su línea.")
        desconocidas = set(valores) - {"publicar", "entrega", "retraso"}
        if desconocidas:
            raise ErrorDeCalendario(f"{nombre}: en «{taller}», claves desconocidas: "
                                    f"{', '.join(sorted(map(str, desconocidas)))} "
                                    "(solo «publicar», «entrega» y «retraso»).")
        publicar = entrega = None
        if valores.get("publicar") is not None:
            publicar = _instante(valores["publicar"], taller, "publicar", zona, nombre)
        if valores.get("entrega") is not None:
            entrega = _instante(valores["entrega"], taller, "entrega", zona, nombre)
        if publicar and entrega and entrega <= publicar:
            raise ErrorDeCalendario(
                f"{nombre}: en «{taller}», la entrega ({fecha_en_texto(entrega)}) no es posterior a la "
                f"publicación ({fecha_en_texto(publicar)}).")
        retraso = None if valores.get("retraso") is None else _retraso(
            valores["retraso"], f"en «{taller}»,", nombre)
        entradas[taller] = Entrada(taller, publicar, entrega, retraso)
    for taller in TALLERES:
        entradas.setdefault(taller, Entrada(taller))
    return Calendario(zona, {t: entradas[t] for t in TALLERES}, general)


def dependencias(carpeta_cuadernos, exentas=frozenset({"sigmoide"})):
    """Taller -> talleres cuyas funciones calificadas trae resueltas su cuaderno del estudiante.

    ``exentas``: las que no cuentan (la sigmoide, una fórmula de una línea que trae dada el taller 2,
    de la regla de la cadena).
    """
    deps = {}
    for taller in TALLERES.values():
        cuaderno = Path(carpeta_cuadernos) / taller.id / taller.cuaderno
        fuente = "\n".join("".join(c["source"]) for c in json.loads(cuaderno.read_text(encoding="utf-8"))["cells"]
                           if c["cell_type"] == "code")
        deps[taller.id] = sorted(
            otro.id for otro in TALLERES.values() if otro.id != taller.id
            and any(f"def {f}(" in fuente or f"class {f}" in fuente for f in otro.funciones if f not in exentas))
    return deps


def numero(taller):
    """Número del taller en el curso (el orden de ``solutions.talleres.TALLERES``)."""
    return list(TALLERES).index(taller) + 1


def decidir(calendario, ahora, deps):
    """Taller -> Estado en el instante ``ahora``. Lanza ErrorDeCalendario si algo saldría antes de tiempo."""
    estados = {}
    for taller, entrada in calendario.items():
        for otro in deps.get(taller, ()):
            if entrada.publicar is None:
                continue
            fin = calendario.fin_del_plazo(otro)
            if fin is None:
                raise ErrorDeCalendario(
                    f"«{taller}» trae resueltas las funciones calificadas de «{otro}» (taller {numero(otro)}), "
                    f"así que solo se puede publicar cuando acabe su plazo. Fija en calendario.yml la "
                    f"«entrega» de «{otro}» o quita la fecha de publicación de «{taller}».")
            if entrada.publicar < fin:
                raise ErrorDeCalendario(
                    f"«{taller}» se publicaría el {fecha_en_texto(entrada.publicar)}, pero trae resueltas las "
                    f"funciones calificadas de «{otro}», cuyo plazo de entrega termina el "
                    f"{fecha_en_texto(calendario[otro].entrega)}. Pon su fecha de publicación después en "
                    "calendario.yml.")
        if entrada.publicar is not None and entrada.publicar <= ahora:
            estados[taller] = Estado(True)
        elif entrada.publicar is not None:
            estados[taller] = Estado(False, f"Se publicará el {fecha_en_texto(entrada.publicar)}.")
        else:
            estados[taller] = Estado(False, "Se publicará más adelante.")
    return estados
