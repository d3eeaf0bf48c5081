"""Calendario de publicación de los talleres (``calendario.yml``).

Decide, para una fecha, qué talleres lleva la edición pública y qué aviso ve el estudiante
de los que faltan. Un taller cuyo cuaderno trae resueltas funciones calificadas de otro
(``dependencias``) no se publica nunca antes de que acabe el plazo de entrega de ese otro.
"""
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from solutions.talleres import TALLERES

MESES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
         "septiembre", "octubre", "noviembre", "diciembre")


class ErrorDeCalendario(Exception):
    """El calendario no se puede leer o publicaría algo antes de tiempo."""


@dataclass(frozen=True)
class Entrada:
    taller: str
    publicar: object  # True, False o una fecha (dt.date)
    entrega: object = None  # dt.date o None


@dataclass(frozen=True)
class Estado:
    publicado: bool
    aviso: str = ""  # para los no publicados: cuándo llegan


def fecha_en_texto(fecha):
    """«2 de marzo de 2027»."""
    return f"{fecha.day} de {MESES[fecha.month - 1]} de {fecha.year}"


def _fecha(valor, taller, clave):
    if isinstance(valor, dt.date):
        return valor
    try:
        return dt.date.fromisoformat(str(valor))
    except ValueError:
        raise ErrorDeCalendario(
            f"calendario.yml: en «{taller}», «{clave}: {valor}» no es una fecha. "
            "Escríbela como AAAA-MM-DD, por ejemplo \"2027-03-02\".") from None


def leer(ruta):
    """Lee ``calendario.yml``: taller -> Entrada. Lanza ErrorDeCalendario con un mensaje claro."""
    ruta = Path(ruta)
    try:
        datos = yaml.safe_load(ruta.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ErrorDeCalendario(f"No existe {ruta}: es el calendario de publicación de los talleres.") from None
    except yaml.YAMLError as error:
        raise ErrorDeCalendario(f"{ruta.name} no es YAML válido: {error}") from None
    talleres = datos.get("talleres") if isinstance(datos, dict) else None
    if not isinstance(talleres, dict):
        raise ErrorDeCalendario(f"{ruta.name} debe tener una sección «talleres:» con una entrada por taller.")
    calendario = {}
    for taller, valores in talleres.items():
        if taller not in TALLERES:
            raise ErrorDeCalendario(f"{ruta.name}: «{taller}» no es un taller del curso "
                                    f"(los talleres son: {', '.join(TALLERES)}).")
        valores = valores or {}
        desconocidas = set(valores) - {"publicar", "entrega"}
        if desconocidas:
            raise ErrorDeCalendario(f"{ruta.name}: en «{taller}», claves desconocidas: "
                                    f"{', '.join(sorted(desconocidas))} (solo «publicar» y «entrega»).")
        publicar = valores.get("publicar", False)
        if not isinstance(publicar, bool):
            publicar = _fecha(publicar, taller, "publicar")
        entrega = valores.get("entrega")
        calendario[taller] = Entrada(taller, publicar,
                                     None if entrega is None else _fecha(entrega, taller, "entrega"))
    for taller in TALLERES:
        calendario.setdefault(taller, Entrada(taller, False))
    return calendario


def dependencias(carpeta_cuadernos, exentas=frozenset({"sigmoide"})):
    """Taller -> talleres cuyas funciones calificadas trae resueltas su cuaderno del estudiante.

    ``exentas``: las que no cuentan (la sigmoide, una fórmula de una línea que trae dada el taller 2).
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


def _numero(taller):
    return list(TALLERES).index(taller) + 1


def decidir(calendario, hoy, deps):
    """Taller -> Estado en la fecha ``hoy``. Lanza ErrorDeCalendario si algo saldría antes de tiempo."""
    estados = {}
    for taller, entrada in calendario.items():
        # Fecha en que el taller se haría público: la fijada, o hoy si dice «true».
        if entrada.publicar is True:
            fecha = hoy
        elif entrada.publicar is False:
            fecha = None
        else:
            fecha = entrada.publicar
        for otro in deps.get(taller, ()):
            plazo = calendario[otro].entrega
            if fecha is None:
                continue
            if plazo is None:
                raise ErrorDeCalendario(
                    f"«{taller}» trae resueltas las funciones calificadas de «{otro}» (taller "
                    f"{_numero(otro)}), así que solo se puede publicar cuando acabe su plazo. Fija en "
                    f"calendario.yml la «entrega» de «{otro}» o deja «publicar: false» en «{taller}».")
            if fecha <= plazo:
                cuando = "hoy" if entrada.publicar is True else f"el {fecha_en_texto(fecha)}"
                raise ErrorDeCalendario(
                    f"«{taller}» se publicaría {cuando}, pero trae resueltas las funciones calificadas "
                    f"de «{otro}», cuyo plazo de entrega termina el {fecha_en_texto(plazo)}. Pon su "
                    f"fecha de publicación después de ese día en calendario.yml.")
        if fecha is not None and fecha <= hoy:
            estados[taller] = Estado(True)
        elif fecha is not None:
            estados[taller] = Estado(False, f"Se publicará el {fecha_en_texto(fecha)}.")
        else:
            cerrar = [o for o in deps.get(taller, ()) if calendario[o].entrega]
            if cerrar:
                o = cerrar[0]
                estados[taller] = Estado(False, f"Se publicará cuando termine el plazo de entrega del taller "
                                                f"{_numero(o)} ({fecha_en_texto(calendario[o].entrega)}).")
            elif deps.get(taller):
                estados[taller] = Estado(False, f"Se publicará cuando termine el plazo de entrega del taller "
                                                f"{_numero(deps[taller][0])}.")
            else:
                estados[taller] = Estado(False, "Se publicará más adelante.")
    return estados
