"""Comentario corto para la columna «Comentarios de retroalimentación» / «Feedback comments» de la hoja
de Moodle: la nota, los puntos por función, el retraso si lo hubo y dónde está el fichero detallado.

Moodle importa esa columna con la hoja («Subir hoja de calificaciones») si la tarea tiene activados
los «Comentarios de retroalimentación». Un comentario que el profesor ya había escrito en la hoja se
conserva delante del automático; el automático de una calificación anterior se sustituye.
"""
import re

from ..texto import cifra
from .informes import NOMBRES_ESTADO

PREFIJO = "Calificación automática:"
PREFIJO_FINAL = "Calificación final:"  # el de nota-final (salidas.nota_final)


def _pts(valor, coma):
    return cifra(valor, "g", coma)


def _dias(n):
    return f"{n} día" if n == 1 else f"{n} días"


def resumen(r, coma=False):
    """Comentario (texto) de un resultado; ``coma``: con coma decimal, como la hoja."""
    partes = [f"{PREFIJO} {_pts(r['puntos'], coma)} de {_pts(r['puntos_max'], coma)} puntos."]
    if "puntos_manuales" in r:  # nota-final: automática + revisión manual
        partes = [f"{PREFIJO_FINAL} {_pts(r['puntos'], coma)} de {_pts(r['puntos_max'], coma)} puntos "
                  f"(automática: {_pts(r['puntos_automaticos'], coma)} de "
                  f"{_pts(r['puntos_max'] - r['puntos_manuales_max'], coma)}; revisión manual: "
                  f"{_pts(r['puntos_manuales'], coma)} de {_pts(r['puntos_manuales_max'], coma)})."]
    if r["estado"] != "ok":
        partes.append(f"Estado: {NOMBRES_ESTADO.get(r['estado'], r['estado'])}.")
    dias = r.get("dias_de_retraso")
    if dias:
        partes.append(f"Entregada con {_dias(dias)} de retraso; sin el retraso, "
                      f"{_pts(r.get('puntos_sin_retraso', r['puntos']), coma)} puntos.")
    funciones = "; ".join(f"{nombre}: {_pts(info['puntos'], coma)} de {_pts(info['max'], coma)}"
                          for nombre, info in r["funciones"].items())
    partes.append(f"Por función: {funciones}.")
    partes.append(f"El detalle está en el fichero retroalimentacion-{r['taller']}.html de los archivos de "
                  "retroalimentación de esta tarea.")
    return " ".join(partes)


def combinar(existente, nuevo):
    """El comentario de la celda: el del profesor (si lo hay) y después el automático ``nuevo``."""
    existente = existente or ""
    cortes = [i for i in (existente.find(PREFIJO), existente.find(PREFIJO_FINAL)) if i >= 0]
    corte = min(cortes) if cortes else -1
    propio = existente[:corte] if corte >= 0 else existente
    propio = re.sub(r"(<p>|<br\s*/?>|\s)*$", "", propio.strip())
    return f"{propio}\n\n{nuevo}" if propio else nuevo
