"""La nota final al LMS: automática + revisión manual en formgrader + política de retrasos.

``python -m autograder nota-final TALLER --salida DIR [--curso solutions/]`` lee la calificación
guardada en ``DIR/.calificacion.json`` (``lote.recalificacion``), toma del gradebook de nbgrader
los puntos que el profesor puso a mano en formgrader a cada entrega (respuestas escritas, tareas y,
si corrigió alguna, la nota de una función), aplica la política de retrasos del calendario
(``calificacion.retraso``) a la nota total y reescribe ``calificaciones.csv``, el ``.xlsx``, la hoja
de Moodle y el CSV de Canvas con la nota final y las columnas ``puntos_automaticos``,
``puntos_manuales``, ``puntos_manuales_max`` y ``revision_manual``.

Una entrega con la revisión manual pendiente (o que no está en el gradebook) no tiene nota final:
``puntos`` queda vacío, ``revision_manual`` dice ``pendiente`` (o ``no_en_gradebook``), su celda de
la hoja de Moodle queda vacía (el importador de Moodle se salta las notas vacías) y su fila del CSV
de Canvas queda como estaba en el libro exportado; la orden lo avisa con sus nombres.
``.calificacion.json`` no cambia: repetir la orden tras calificar en formgrader completa las notas.
"""
from dataclasses import dataclass
from pathlib import Path

from . import libro_notas, lms
from ..calificacion import retraso
from ..lote import recalificacion
from ..texto import cifra
from .ficheros import escribir_csv

HECHA, PENDIENTE, NO_EN_GRADEBOOK, SIN_PUNTOS, SIN_ENTREGA = (
    "hecha", "pendiente", "no_en_gradebook", "sin_puntos", "sin_entrega")


class NotaFinalImposible(Exception):
    """No se puede calcular la nota final (mensaje en español, con qué hacer)."""


@dataclass
class Manual:
    """Lo que el gradebook dice de una entrega: puntos a mano, si falta revisar y correcciones."""

    puntos: float = 0.0
    pendiente: bool = False
    ajuste_automatico: float = 0.0  # nota de una función corregida a mano en formgrader


def leer_gradebook(curso, taller):
    """(máximo de la revisión manual, {estudiante: Manual}) del taller en el gradebook de ``curso``."""
    from nbgrader.api import Gradebook, MissingEntry

    if not (Path(curso) / "gradebook.db").is_file():
        raise NotaFinalImposible(
            f"no hay gradebook en «{Path(curso) / 'gradebook.db'}». Califica con el gradebook (sin "
            "--sin-gradebook) y con --curso apuntando a ese curso, revisa en formgrader y repite la orden.")
    libro_notas._alembic_en_path()
    automaticas = {f"{f}_pruebas" for f in taller.funciones}
    manuales = {}
    with Gradebook(libro_notas.url_de(curso)) as gb:
        try:
            cuaderno = gb.find_notebook(Path(taller.cuaderno).stem, taller.id)
            celdas = cuaderno.grade_cells + cuaderno.task_cells
        except MissingEntry:
            raise NotaFinalImposible(
                f"el gradebook de «{curso}» no tiene el taller «{taller.id}»: califícalo primero con "
                f"python -m autograder calificar {taller.id} ENTREGAS --salida DIR --curso {curso}") from None
        maximo = sum(c.max_score for c in celdas if c.name not in automaticas)
        for envio in gb.find_assignment(taller.id).submissions:
            manual = Manual()
            for cuaderno in envio.notebooks:
                for nota in cuaderno.grades:
                    if nota.name in automaticas:
                        if nota.manual_score is not None:
                            manual.ajuste_automatico += nota.manual_score - (nota.auto_score or 0.0)
                    else:
                        manual.puntos += nota.score or 0.0
                        manual.pendiente |= bool(nota.needs_manual_grade)
            manuales[envio.student.id] = manual
    return maximo, manuales


def _revision(r, manual, maximo):
    if r["estado"] == "sin_entrega":
        return SIN_ENTREGA
    if manual is None:
        return NO_EN_GRADEBOOK
    if manual.pendiente:
        return PENDIENTE
    return HECHA if maximo else SIN_PUNTOS


def aplicar(resultados, maximo, manuales, politica):
    """Pone en cada resultado la nota final (``puntos``; ``None`` si falta la revisión manual)."""
    for r in resultados:
        manual = manuales.get(r["estudiante"])
        automaticos = r.get("puntos_sin_retraso", r["puntos"]) + (manual.ajuste_automatico if manual else 0.0)
        r["revision_manual"] = _revision(r, manual, maximo)
        r["puntos_automaticos"] = round(automaticos, 6)
        r["puntos_manuales_max"] = maximo
        r["puntos_max"] = r["puntos_max"] + maximo
        r["puntos_manuales"] = manual.puntos if manual and r["revision_manual"] in (HECHA, SIN_PUNTOS) else None
        if r["revision_manual"] == SIN_ENTREGA:
            r["puntos_manuales"], r["puntos"] = 0.0, 0.0
            continue
        if r["estado"] == "fuera_de_plazo":
            r["puntos"] = 0.0
            continue
        if r["puntos_manuales"] is None:
            r["puntos"] = None
            if "puntos_sin_retraso" in r:
                r["puntos_sin_retraso"] = None
            r["detalle"] = " ".join(p for p in ("Sin nota final: la revisión manual en formgrader está pendiente.",
                                                r["detalle"]) if p)
            continue
        total = automaticos + r["puntos_manuales"]
        if "puntos_sin_retraso" in r:
            r["puntos_sin_retraso"] = round(total, 6)
        dias = r.get("dias_de_retraso") or 0
        final = total if not (dias and politica) else max(0.0, total - dias * politica.penalizacion_por_dia / 100
                                                          * r["puntos_max"])
        r["puntos"] = round(final, 6)
        texto = (f"Nota final: {cifra(automaticos)} automáticos + {cifra(r['puntos_manuales'])} de la revisión manual"
                 + (f", menos el retraso ({dias} × {cifra(politica.penalizacion_por_dia)} % de "
                    f"{cifra(r['puntos_max'])})" if dias and politica else "")
                 + f" = {cifra(r['puntos'])} de {cifra(r['puntos_max'])}.")
        r["detalle"] = " ".join(p for p in (texto, r["detalle"]) if p)


def _politica(resultados, calendario, taller):
    """La política de retrasos con la que se calificó (``None`` si no hubo plazo)."""
    if not any("dias_de_retraso" in r for r in resultados):
        return None
    try:
        plazo, _ = retraso.leer(calendario, taller.id)
    except retraso.CalendarioInvalido as error:
        raise NotaFinalImposible(str(error)) from None
    if plazo is None:
        raise NotaFinalImposible(
            f"la calificación se hizo con un plazo de entrega para «{taller.id}», pero el calendario de ahora no "
            "lo tiene: pasa con --calendario el mismo calendario que usaste al calificar.")
    return plazo.politica


def _corto(ids, n=10):
    ids = sorted(ids)
    return ", ".join(ids[:n]) + (f" y {len(ids) - n} más" if len(ids) > n else "")


def avisos(resultados, taller, salida):
    """Avisos en español de las entregas sin nota final, con sus nombres y qué hacer."""
    textos = []
    for estado, una, varias in ((PENDIENTE, "tiene la revisión manual pendiente en formgrader",
                                 "tienen la revisión manual pendiente en formgrader"),
                                (NO_EN_GRADEBOOK, "no está en el gradebook (repite la orden calificar)",
                                 "no están en el gradebook (repite la orden calificar)")):
        quienes = [r for r in resultados if r["revision_manual"] == estado]
        if quienes:
            nombres = _corto(f"{r['estudiante']} ({r['nombre']})" if r.get("nombre") else r["estudiante"]
                             for r in quienes)
            n = len(quienes)
            textos.append(
                f"Aviso: {n} {'entrega' if n == 1 else 'entregas'} {una if n == 1 else varias}: {nombres}. "
                f"{'No tiene' if n == 1 else 'No tienen'} nota final: en la hoja de Moodle su nota queda vacía "
                "(Moodle no importa las vacías) y en el CSV de Canvas su fila queda como estaba en el libro. "
                f"{'Califícala' if n == 1 else 'Califícalas'} en formgrader y repite "
                f"python -m autograder nota-final {taller.id} --salida {salida}")
    return textos


def resumen(resultados, taller, maximo, politica=None):
    finales = [r for r in resultados if r["puntos"] is not None and r["estado"] != "sin_entrega"]
    pendientes = sum(r["revision_manual"] in (PENDIENTE, NO_EN_GRADEBOOK) for r in resultados)
    sin = sum(r["estado"] == "sin_entrega" for r in resultados)
    return (f"Nota final de {taller.id} (automática sobre {taller.puntos_max:g} + revisión manual sobre "
            f"{maximo:g} = {taller.puntos_max + maximo:g} puntos"
            + (f"; {cifra(politica.penalizacion_por_dia)} % menos por día de retraso" if politica else "")
            + f"): {len(finales)} "
            f"{'entrega' if len(finales) == 1 else 'entregas'} con nota final, {pendientes} sin nota final "
            f"(revisión pendiente) y {sin} sin entrega.")


def nota_final(args):
    """Orden ``nota-final``: devuelve (líneas para el profesor, avisos). Lanza ``NotaFinalImposible``."""
    from solutions.talleres import TALLERES

    taller, salida = TALLERES[args.taller], Path(args.salida)
    try:
        anterior = recalificacion.leer(salida, taller.id)
    except recalificacion.SalidaDeOtroTaller as error:
        raise NotaFinalImposible(str(error)) from None
    if anterior is None or not anterior.completa:
        raise NotaFinalImposible(
            f"«{salida}» no tiene una calificación de «{taller.id}» hecha con esta versión del calificador. "
            f"Califica primero: python -m autograder calificar {taller.id} ENTREGAS --salida {salida}")
    resultados = sorted(anterior.resultados.values(), key=lambda r: r["estudiante"])
    politica = _politica(resultados, args.calendario, taller)
    maximo, manuales = leer_gradebook(Path(args.curso), taller)
    avisos_puntos = [a for a in [libro_notas.aviso_puntos_manuales(Path(args.curso), taller)] if a]
    aplicar(resultados, maximo, manuales, politica)
    recordadas = recalificacion.recordar_opciones(args, anterior)
    try:
        destinos = lms.Destinos.leer(args)
    except lms.EntradaInvalida as error:
        raise NotaFinalImposible(str(error)) from None
    escribir_csv(resultados, taller, salida / "calificaciones.csv")
    textos = [t for t in (recordadas,) if t] + [resumen(resultados, taller, maximo, politica)]
    return textos, avisos_puntos + destinos.escribir(resultados, taller, salida, []) + avisos(resultados, taller, salida)
