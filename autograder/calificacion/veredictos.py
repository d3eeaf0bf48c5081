"""Veredicto de una entrega: ejecuta sus fases en el proceso aislado, compara aquí y da los puntos.

El proceso aislado solo devuelve datos y aquí se comparan con ``verificacion.esperado``
mediante ``verificacion.comparar``. Una función obtiene sus puntos si supera todos sus casos.
Las fases (qué casos van juntos y con qué auxiliares, ``dadas`` o ``apoderadas``) las construye
``fases``. Las auxiliares de una función calificada solo se atienden cuando todos sus casos
tienen ya un resultado definitivo aquí (``aislamiento.Sesion`` lo garantiza aunque el proceso
mienta). Si las entradas cambiaron también se decide aquí, con sumas de comprobación de lo
enviado y lo devuelto; las pruebas públicas, que corren en el proceso aislado, solo pueden
quitar puntos. Lo que responde un proceso que ya recibió resultados de referencia se explica
con ``texto_acotado``; todos los textos salen de ``solutions.retroalimentacion``.
"""
import hashlib
import json
import re
from dataclasses import dataclass

import numpy as np

from solutions import retroalimentacion as textos
from solutions import verificacion
from solutions.ejecucion import FuncionPrueba

from ..aislamiento import codec
from ..aislamiento.sesion import Sesion
from . import texto_acotado
from .fases import casos_del_taller, fases_con_publicas, fases_del_taller  # noqa: F401
from . import sintaxis, tiempo_agotado
from .referencias import Auxiliares

ESTADOS = ("ok", "error", "tiempo_agotado", "sin_entrega", "sospechosa")
_DIRECCION = re.compile(r"0x[0-9a-fA-F]+")
MAX_MENSAJE = 800  # caracteres de un mensaje de error en la retroalimentación


def limpiar(texto, carpeta=None):
    """Texto del proceso aislado sin rutas temporales ni direcciones de memoria (reproducible)."""
    texto = str(texto).encode("utf-8", "replace").decode("utf-8")
    if carpeta is not None:
        texto = re.sub(re.escape(str(carpeta)) + r"(/i\d+)?(/trabajo)?", ".", texto)
    texto = re.sub(r"\s+", " ", _DIRECCION.sub("0x…", texto)).strip()
    if len(texto) <= MAX_MENSAJE:
        return texto
    # Se corta en un espacio y se marca el corte (la pista suele ir al final del mensaje).
    return texto[:MAX_MENSAJE].rsplit(" ", 1)[0] + " […]"


def _huella(dato):
    return hashlib.sha256(json.dumps(dato, sort_keys=True).encode()).hexdigest()


def entradas_modificadas(caso, respuesta):
    """Cierto si las entradas que el proceso devolvió tras el caso no son las enviadas.

    Se comparan aquí las sumas de comprobación de los datos enviados y de los devueltos
    (nunca se confía en lo que el proceso diga de sí mismo); si no los devuelve, cuenta como cambio.
    """
    devueltas = respuesta.get("entradas")
    if not isinstance(devueltas, list) or len(devueltas) != len(caso.args):
        return True
    for original, dato in zip(caso.args, devueltas):
        if isinstance(original, FuncionPrueba):
            continue
        try:
            if _huella(codec.codificar(original)) != _huella(codec.codificar(codec.decodificar(dato))):
                return True
        except Exception:  # datos mal formados
            return True
    return False


@dataclass
class _Contexto:
    """Lo que hace falta para explicar las respuestas de una entrega."""

    carpeta: object
    tiempo_max: float
    acotados: set  # respuestas de un proceso que ya tenía resultados de referencia
    nombres: set  # identificadores del código del estudiante y de las celdas dadas
    frases: frozenset  # frases (plantillas) de las pruebas públicas y de las celdas dadas
    tiempo_total: float = 0.0
    agotado: bool = False  # se acabó el tiempo total de la entrega
    saltados: frozenset = frozenset()  # casos sin ejecutar tras otro de su función sin terminar

    def permitidos(self, lista):
        """Dimensiones de los arreglos de los casos ``lista`` (y de 0 a 5) y nombres del estudiante."""
        dimensiones = set(range(6))
        for _, caso, _ in lista:
            for arg in caso.args:
                dimensiones.update(np.shape(arg) if isinstance(arg, np.ndarray) else ())
        return texto_acotado.Permitidos(dimensiones, self.nombres)


def _lanzado(texto, acotado, permitidos, carpeta):
    """Un error que lanzó el código del estudiante, explicado (acotado si hace falta)."""
    if acotado:
        return texto_acotado.error(texto, permitidos)
    return textos.lanzado(limpiar(texto, carpeta))


def _problemas(respuesta, caso, esperado_, funcion, ctx, permitidos):
    acotado = respuesta is not None and respuesta.get("id") in ctx.acotados
    if respuesta is None or respuesta.get("sin_respuesta"):
        if ctx.agotado:
            return [tiempo_agotado.sin_ejecutar(ctx.tiempo_total)]
        return [textos.sin_ejecutar()]
    sin_terminar = tiempo_agotado.sin_terminar(respuesta, ctx.tiempo_max, ctx.tiempo_total,
                                               respuesta.get("id") in ctx.saltados)
    if sin_terminar:
        return [sin_terminar]
    if respuesta.get("falta"):
        return [textos.no_encontrada(funcion)]
    if respuesta.get("caida"):
        return [textos.detuvo_el_proceso(limpiar(respuesta['caida'], ctx.carpeta))]
    if respuesta.get("no_implementada"):
        return [textos.no_implementada()]
    if "error" in respuesta:
        return [_lanzado(respuesta["error"], acotado, permitidos, ctx.carpeta)]
    try:
        obtenido = codec.decodificar(respuesta.get("resultado"))
        modificadas = caso.entradas_intactas and entradas_modificadas(caso, respuesta)
        return verificacion.comparar(caso, esperado_, obtenido, modificadas, acotado=acotado)
    except Exception:  # datos mal formados: nunca se confía en ellos
        return [textos.RESULTADO_ILEGIBLE]


def _problemas_publicas(respuesta, ctx, permitidos):
    acotado = respuesta is not None and respuesta.get("id") in ctx.acotados
    if respuesta is None or respuesta.get("sin_respuesta"):
        if ctx.agotado:
            return [tiempo_agotado.sin_ejecutar(ctx.tiempo_total)]
        return [textos.sin_ejecutar(publicas=True)]
    sin_terminar = tiempo_agotado.sin_terminar(respuesta, ctx.tiempo_max, ctx.tiempo_total,
                                               respuesta.get("id") in ctx.saltados)
    if sin_terminar:
        return [sin_terminar]
    if respuesta.get("caida"):
        return [textos.detuvo_el_proceso(limpiar(respuesta['caida'], ctx.carpeta), publicas=True)]
    if respuesta.get("no_implementada"):
        return [textos.no_implementada()]
    if "fallo" in respuesta:
        if acotado:
            return [texto_acotado.fallo_publico(respuesta["fallo"], ctx.frases, permitidos)]
        return [limpiar(respuesta["fallo"] or textos.COMPROBACION_SIN_TEXTO, ctx.carpeta)]
    if "error" in respuesta:
        return [_lanzado(respuesta["error"], acotado, permitidos, ctx.carpeta)]
    return []


def _contexto(programa, carpeta, limites, ejecucion, publicas, dados):
    codigos = [c for _, c in programa.celdas] + list(dados.values()) + list(publicas.values())
    frases = frozenset().union(*(texto_acotado.plantillas(c) for c in (*publicas.values(), *dados.values())))
    return _Contexto(carpeta, limites.tiempo_celda, ejecucion.acotados, texto_acotado.nombres_del_codigo(codigos),
                     frases, limites.tiempo_total, ejecucion.agotado)


def _funciones(taller, ejecucion, publicas, ctx):
    """{función: {puntos, max, casos, fallos, falta}} de la entrega."""
    orden = {f: [i for i, _, _ in lista] + [f"{f}:publicas"] * (f in publicas)
             for f, lista in casos_del_taller(taller).items()}
    ctx.saltados = tiempo_agotado.saltados(orden, ejecucion.casos, bool(ejecucion.caidas))
    funciones = {}
    for f, lista in casos_del_taller(taller).items():
        fallos = []
        permitidos = ctx.permitidos(lista)
        if f in publicas:
            problemas = _problemas_publicas(ejecucion.casos.get(f"{f}:publicas"), ctx, permitidos)
            if problemas:
                fallos.append({"id": f"{f}:publicas", "descripcion": "las pruebas públicas del cuaderno",
                               "problemas": problemas, "publica": True})
        for id_, caso, esp in lista:
            problemas = _problemas(ejecucion.casos.get(id_), caso, esp, f, ctx, permitidos)
            if problemas:
                fallos.append({"id": id_, "descripcion": caso.descripcion, "problemas": problemas})
        faltante = bool(fallos) and all(r and r.get("falta") for r in
                                        (ejecucion.casos.get(i) for i, _, _ in lista))
        if faltante:
            fallos = [x for x in fallos if not x.get("publica")]
        puntos = taller.puntos[f] if not fallos else 0
        funciones[f] = {"puntos": puntos, "max": taller.puntos[f], "casos": len(lista) + (f in publicas),
                        "fallos": fallos, "falta": faltante, "ocultos": len(lista),
                        "ejecutados": sum(1 for i, _, _ in lista if not (ejecucion.casos.get(i) or {
                            "sin_respuesta": True}).get("sin_respuesta"))}
    return funciones


def _verificada(taller, funcion, ejecucion, publicas):
    """Cierto si ``funcion`` (calificada) ya superó todos sus casos ocultos y sus pruebas públicas.

    Entonces, en los casos de las funciones que la usan, se usa la del estudiante en vez de la de
    referencia: da los mismos resultados y no hace falta ir y volver al calificador en cada llamada.
    """
    lista = casos_del_taller(taller).get(funcion)
    if not lista:
        return False
    ctx = _Contexto(None, 0.0, ejecucion.acotados, set(), frozenset())
    permitidos = texto_acotado.Permitidos()
    if funcion in publicas and _problemas_publicas(ejecucion.casos.get(f"{funcion}:publicas"), ctx, permitidos):
        return False
    return all(not _problemas(ejecucion.casos.get(i), c, e, funcion, ctx, permitidos) for i, c, e in lista)


def _sospechas(programa, ejecucion, celdas, carpeta):
    sospechas = list(programa.sospechas)
    for evento in ejecucion.eventos:
        texto = limpiar(evento, carpeta)
        if texto not in sospechas:
            sospechas.append(texto)
    for c in celdas:
        if "No module named 'solutions" in c["error"] or "No module named 'nbgrader" in c["error"]:
            texto = "intenta importar el paquete de referencia o nbgrader"
            if texto not in sospechas:
                sospechas.append(texto)
    return sospechas


def calificar_programa(programa, taller, carpeta, limites, publicas=None, dados=None):
    """Ejecuta el programa en un proceso aislado y devuelve el resultado de la entrega (dict).

    ``publicas``: {función: código de sus pruebas públicas}; ``dados``: {grade_id: código} de las
    celdas de solo lectura del cuaderno del profesor (``cuaderno.Fuente``).
    """
    publicas, dados = publicas or {}, dados or {}
    sesion = Sesion(carpeta, limites, Auxiliares(), lambda f: _verificada(taller, f, sesion.resultado, publicas))
    ejecucion = sesion.ejecutar(programa.celdas, fases_con_publicas(taller, publicas, dados))
    funciones = _funciones(taller, ejecucion, publicas, _contexto(programa, carpeta, limites, ejecucion,
                                                                  publicas, dados))
    celdas = [{"celda": etiqueta, "error": textos.error_de_celda(limpiar(info["error"], carpeta)),
               "tiempo": info.get("tiempo", False)}
              for etiqueta, info in ejecucion.celdas.items() if info.get("error")]
    sintaxis.anotar(celdas, programa.celdas)  # línea, columna y pista de cada error de sintaxis
    sospechas = _sospechas(programa, ejecucion, celdas, carpeta)
    hubo_tiempo = ejecucion.agotado or any(c["tiempo"] for c in celdas) or any(
        r.get("tiempo") for r in ejecucion.casos.values())
    caidas = [limpiar(c, carpeta) for c in ejecucion.caidas]
    if sospechas:
        estado = "sospechosa"
    elif hubo_tiempo:
        estado = "tiempo_agotado"
    elif caidas:
        estado = "error"
    else:
        estado = "ok"
    detalle = []
    if sospechas:
        detalle.append("Posible manipulación: " + "; ".join(sospechas) + ".")
    if hubo_tiempo:
        detalle.append("Se agotó el tiempo en alguna celda o caso y se interrumpió.")
    if caidas:
        detalle.append("El proceso del cuaderno se detuvo (" + "; ".join(caidas) + ") y se repitió sin esa parte.")
    if all(f["falta"] for f in funciones.values()):
        detalle.append("No define ninguna de las funciones calificadas.")
    detalle += programa.notas
    return {
        "puntos": sum(f["puntos"] for f in funciones.values()),
        "estado": estado,
        "detalle": " ".join(detalle),
        "funciones": funciones,
        "celdas": celdas,
        "avisos_aislamiento": [limpiar(a) for a in ejecucion.avisos],
    }
