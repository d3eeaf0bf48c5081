"""Política de retrasos del calendario del curso: la nota final de una entrega fuera de plazo.

``calificar … --calendario FICHERO`` (por defecto, el ``calendario.yml`` del curso) lee la
``entrega`` del taller, la ``zona_horaria`` del fichero y su ``retraso`` (el del taller, si lo tiene;
si no, el general). El plazo termina al acabar el minuto de ``entrega`` (como en
``publicacion.calendario``). Una entrega tarde por cualquier fracción de día cuenta un día más:
pierde ``penalizacion_por_dia`` % de la nota máxima del taller por día, nunca por debajo de 0, y
con más de ``dias_maximos`` días vale 0 y queda ``fuera_de_plazo``. Sin ``entrega`` en el
calendario, nada cambia. Una entrega sin fecha conocida no se penaliza: se avisa para revisarla.

El resultado de cada entrega gana ``puntos_sin_retraso`` y ``dias_de_retraso`` (``None`` si no se
conoce su fecha); ``puntos`` pasa a ser la nota final, la que van a llevar el CSV, la hoja de
cálculo, la retroalimentación y los ficheros de Moodle y Canvas.
"""
from dataclasses import dataclass
from datetime import timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from publicacion import calendario as modulo_calendario

from ..texto import cifra

RAIZ = Path(__file__).resolve().parents[2]
CALENDARIO = RAIZ / "calendario.yml"
UN_DIA = timedelta(days=1)
SE_PENALIZAN = ("ok", "tiempo_agotado", "error", "sospechosa")
PASAN_A_FUERA_DE_PLAZO = ("ok", "tiempo_agotado", "error")  # una «sospechosa» sigue para revisarla a mano
SIN_FECHA = ("No se conoce la fecha de esta entrega: no se le aplicó la política de retrasos. "
             "Compruébala a mano.")


class CalendarioInvalido(Exception):
    """El calendario de --calendario no se puede usar (mensaje en español)."""


@dataclass(frozen=True)
class Plazo:
    """Plazo de un taller: ``entrega`` (último minuto, con zona), ``fin`` (primer instante tarde) y
    la política de retrasos (``None``: se cuentan los días, sin quitar puntos)."""

    entrega: object
    fin: object
    zona: ZoneInfo
    politica: object = None


def leer(ruta, taller_id):
    """(plazo del taller o ``None`` si no tiene fecha de entrega, zona horaria del calendario o ``None``).

    ``ruta`` ``None``: el calendario del curso, si existe (que no exista no es un error).
    Lanza ``CalendarioInvalido`` con un mensaje en español.
    """
    if ruta is None and not CALENDARIO.is_file():
        return None, None
    ruta = Path(ruta) if ruta is not None else CALENDARIO
    try:
        calendario = modulo_calendario.leer(ruta)
    except modulo_calendario.ErrorDeCalendario as error:
        raise CalendarioInvalido(f"calendario {ruta}: {error}") from None
    entrada = calendario[taller_id]
    if entrada.entrega is None:
        return None, calendario.zona
    plazo = Plazo(entrada.entrega, entrada.fin_del_plazo, calendario.zona, entrada.retraso or calendario.retraso)
    return plazo, calendario.zona


def dias_de_retraso(fecha, plazo):
    """Días de retraso (0 si llegó a tiempo; 1 por cada día o fracción) de ``fecha`` (UTC, sin zona)."""
    momento = fecha.replace(tzinfo=timezone.utc)
    if momento < plazo.fin:
        return 0
    return (momento - plazo.fin) // UN_DIA + 1


def _dias(n):
    return f"{n} día" if n == 1 else f"{n} días"


def _puntos(valor):
    return f"{cifra(valor)} punto" + ("" if valor == 1 else "s")


def _cuando(fecha, plazo):
    local = fecha.replace(tzinfo=timezone.utc).astimezone(plazo.zona)
    return modulo_calendario.fecha_en_texto(local)


def _explicacion(r, base, dias, plazo):
    """Frase en español para ``detalle`` (CSV, hoja de cálculo y retroalimentación)."""
    politica = plazo.politica
    texto = (f"Entregada el {_cuando(r['fecha'], plazo)} (zona horaria {plazo.zona.key}), con {_dias(dias)} de "
             f"retraso: el plazo terminó el {modulo_calendario.fecha_en_texto(plazo.entrega)}.")
    if politica is None:
        return texto + " El calendario no fija ninguna penalización por retraso."
    if dias > politica.dias_maximos:
        return (texto + f" Con más de {_dias(politica.dias_maximos)} de retraso la entrega queda fuera de plazo y "
                f"vale 0 puntos (sin el retraso, {_puntos(base)}).")
    return (texto + f" Pierde el {cifra(politica.penalizacion_por_dia)} % de la nota máxima por cada día o "
            f"fracción de día: {cifra(base)} − {cifra(base - r['puntos'])} = {_puntos(r['puntos'])}.")


def aplicar(resultados, plazo):
    """Aplica ``plazo`` a cada resultado (ya anotado con su ``fecha``); devuelve los estudiantes sin fecha.

    Cada resultado se modifica en su sitio una sola vez (los que ya tienen ``dias_de_retraso`` no).
    """
    sin_fecha = []
    for r in resultados:
        if "dias_de_retraso" in r:
            continue
        base = r["puntos"]
        r["puntos_sin_retraso"] = base
        r["dias_de_retraso"] = None
        if r["estado"] not in SE_PENALIZAN:
            continue
        if r.get("fecha") is None:
            r["dias_de_retraso"] = None
            r["detalle"] = " ".join(p for p in (r["detalle"], SIN_FECHA) if p)
            sin_fecha.append(r["estudiante"])
            continue
        dias = dias_de_retraso(r["fecha"], plazo)
        r["dias_de_retraso"] = dias
        if dias == 0:
            continue
        r["tarde"] = True
        politica = plazo.politica
        if politica is not None and dias > politica.dias_maximos:
            r["puntos"] = 0
            if r["estado"] in PASAN_A_FUERA_DE_PLAZO:
                r["estado"] = "fuera_de_plazo"
        elif politica is not None:
            descuento = dias * politica.penalizacion_por_dia / 100 * r["puntos_max"]
            r["puntos"] = round(max(0.0, base - descuento), 6)
        r["detalle"] = " ".join(p for p in (_explicacion(r, base, dias, plazo), r["detalle"]) if p)
    return sin_fecha


def aviso_sin_fecha(sin_fecha):
    """Aviso para el profesor (o ``None``) por las entregas cuya fecha no se conoce."""
    if not sin_fecha:
        return None
    ids = sorted(sin_fecha)
    lista = ", ".join(ids[:10]) + (f" y {len(ids) - 10} más" if len(ids) > 10 else "")
    una = len(ids) == 1
    return (f"Aviso: no se conoce la fecha de {len(ids)} {'entrega' if una else 'entregas'} ({lista}): no se "
            f"{'penalizó' if una else 'penalizaron'} por retraso. {'Compruébala' if una else 'Compruébalas'} a mano "
            "(con --moodle, la columna «Última modificación (entrega)» de la hoja da la fecha de cada entrega).")


def aplicar_en_lote(resultados, plazo, taller, salida, escribir_atomico):
    """Aplica ``plazo`` (si lo hay) y reescribe la retroalimentación de cada entrega con su nota final;
    devuelve los avisos para el profesor."""
    if plazo is None:
        return []
    from ..salidas.informes import retroalimentacion

    sin_fecha = aplicar(resultados, plazo)
    for r in resultados:
        if r["estado"] != "sin_entrega":
            escribir_atomico(Path(salida) / "retroalimentacion" / f"{r['estudiante']}.html",
                             retroalimentacion(r, taller))
    aviso = aviso_sin_fecha(sin_fecha)
    return [aviso] if aviso else []
