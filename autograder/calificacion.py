"""Califica una entrega: casos ocultos por fases, comparación en el calificador y puntos.

Los casos vienen de ``solutions.verificacion.casos``; el proceso aislado solo
devuelve datos y aquí se comparan con ``verificacion.esperado`` mediante
``verificacion.comparar``. Una función obtiene sus puntos si supera todos sus
casos. Las auxiliares de referencia que usan los casos (``Caso.inyectar``) nunca
llevan código de referencia al proceso aislado: las que el cuaderno da en una celda
de solo lectura, idénticas a la referencia, se ejecutan desde ese código (``dadas``);
las demás las calcula el calificador (``referencias.Auxiliares``) y el proceso solo
tiene apoderados sin código (``apoderadas``). Las de una función calificada solo se
atienden cuando todos sus casos tienen ya un resultado definitivo aquí
(``aislamiento.Sesion`` lo garantiza aunque el proceso mienta). Si las entradas
cambiaron también se decide aquí, con sumas de comprobación de lo enviado y lo
devuelto; las pruebas públicas, que corren en el proceso aislado, solo pueden quitar
puntos. Lo que responde un proceso que ya recibió resultados de referencia se
explica con ``texto_acotado``.
"""
import ast
import functools
import hashlib
import inspect
import json
import re
import textwrap
from dataclasses import dataclass

import numpy as np

from solutions import verificacion
from solutions.ejecucion import FuncionPrueba
from solutions.talleres import TALLERES

from . import codec, sintaxis, texto_acotado, tiempo_agotado
from .aislamiento import Sesion
from .referencias import Auxiliares

ESTADOS = ("ok", "error", "tiempo_agotado", "sin_entrega", "sospechosa")


def casos_del_taller(taller):
    """{función: [(id, caso, esperado)]} de un taller, calculado una vez."""
    return _casos(taller.id)


def fases_del_taller(taller):
    """Fases de casos: una función va después de las funciones calificadas que inyectan sus casos."""
    return _fases(taller.id)


@functools.lru_cache(maxsize=None)
def _casos(taller_id):
    taller = TALLERES[taller_id]
    return {f: [(f"{f}:{i}", c, verificacion.esperado(c)) for i, c in enumerate(verificacion.casos(f))]
            for f in taller.funciones}


@functools.lru_cache(maxsize=None)
def _fases(taller_id):
    taller = TALLERES[taller_id]
    casos = _casos(taller_id)
    nivel = {}

    def calcular(f, pila=()):
        if f not in nivel:
            dependencias = {n for _, c, _ in casos[f] for n in c.inyectar if n in casos and n not in pila}
            nivel[f] = 1 + max((calcular(d, pila + (f,)) for d in dependencias), default=-1)
        return nivel[f]

    for f in taller.funciones:
        calcular(f)
    fases = []
    for n in range(max(nivel.values()) + 1):
        funciones = [f for f in taller.funciones if nivel[f] == n]
        inyectadas = sorted({i for f in funciones for _, c, _ in casos[f] for i in c.inyectar})
        fases.append({
            "inyectadas": inyectadas,  # solo para el calificador: no se envía al proceso aislado
            "casos": [{"id": id_, "funcion": f, "inyectar": list(c.inyectar),
                       "args": [codec.codificar(a, FuncionPrueba) for a in c.args]}
                      for f in funciones for id_, c, _ in casos[f]],
        })
    return fases


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
    return verificacion.explicar_lanzado(limpiar(texto, carpeta))


def _problemas(respuesta, caso, esperado_, funcion, ctx, permitidos):
    acotado = respuesta is not None and respuesta.get("id") in ctx.acotados
    if respuesta is None or respuesta.get("sin_respuesta"):
        if ctx.agotado:
            return [tiempo_agotado.sin_ejecutar(ctx.tiempo_total)]
        return ["no se llegó a ejecutar (el proceso se detuvo antes)."]
    sin_terminar = tiempo_agotado.sin_terminar(respuesta, ctx.tiempo_max, ctx.tiempo_total,
                                               respuesta.get("id") in ctx.saltados)
    if sin_terminar:
        return [sin_terminar]
    if respuesta.get("falta"):
        return [f"No se encontró `{funcion}`: no cambies el nombre de la función."]
    if respuesta.get("caida"):
        return [f"detuvo el proceso: {limpiar(respuesta['caida'], ctx.carpeta)}."]
    if respuesta.get("no_implementada"):
        return [verificacion.explicar_lanzado("NotImplementedError: ")]
    if "error" in respuesta:
        return [_lanzado(respuesta["error"], acotado, permitidos, ctx.carpeta)]
    try:
        obtenido = codec.decodificar(respuesta.get("resultado"))
        modificadas = caso.entradas_intactas and entradas_modificadas(caso, respuesta)
        return verificacion.comparar(caso, esperado_, obtenido, modificadas, acotado=acotado)
    except Exception:  # datos mal formados: nunca se confía en ellos
        return ["devolvió un resultado que no se pudo interpretar."]


@functools.lru_cache(maxsize=32)
def _dadas_por_el_cuaderno(codigos):
    """{nombre: código de su celda} de las funciones de referencia que las celdas dadas (``codigos``)
    definen tal cual: esas pueden ejecutarse en el proceso aislado, porque el cuaderno ya las da."""
    dadas = {}
    for codigo in codigos:
        try:
            arbol = ast.parse(codigo)
        except (SyntaxError, ValueError):
            continue
        for nodo in arbol.body:
            referencia = verificacion.REFERENCIA.get(getattr(nodo, "name", None))
            if (isinstance(nodo, ast.FunctionDef) and referencia is not None and
                    ast.get_source_segment(codigo, nodo).strip() == textwrap.dedent(
                        inspect.getsource(referencia)).strip()):
                dadas[nodo.name] = codigo
    return dadas


def fases_con_publicas(taller, publicas, dados=None):
    """Fases del taller con sus auxiliares y las pruebas públicas ({función: código}) de cada función.

    ``dados`` ({grade_id: código}) son las celdas de solo lectura del cuaderno del profesor: las
    auxiliares que definen tal cual se ejecutan desde su código (``dadas``); las demás se
    calculan en el calificador (``apoderadas``).
    """
    casos = casos_del_taller(taller)
    dadas = _dadas_por_el_cuaderno(tuple((dados or {}).values()))
    fases = []
    for fase in fases_del_taller(taller):
        funciones = list(dict.fromkeys(c["funcion"] for c in fase["casos"]))
        # Primero las funciones sin auxiliares calculadas aquí: lo que responda el proceso hasta la
        # primera llamada atendida no lleva nada de la referencia y se muestra entero.
        con = {f for f in funciones if any(n not in dadas for _, c, _ in casos[f] for n in c.inyectar)}
        for grupo in ([f for f in funciones if f not in con], [f for f in funciones if f in con]):
            if grupo:
                fases.append(_fase(grupo, fase, casos, dadas, publicas))
    return fases


def _fase(funciones, fase, casos, dadas, publicas):
    inyectadas = sorted({n for f in funciones for _, c, _ in casos[f] for n in c.inyectar})
    return {
        "inyectadas": inyectadas,  # solo para el calificador: no se envía al proceso aislado
        "dadas": list(dict.fromkeys(dadas[n] for n in inyectadas if n in dadas)),
        "apoderadas": [n for n in inyectadas if n not in dadas],
        "casos": [c for c in fase["casos"] if c["funcion"] in funciones],
        "publicas": [{"id": f"{f}:publicas", "funcion": f, "codigo": publicas[f],
                      "inyectar": sorted({n for _, c, _ in casos[f] for n in c.inyectar})}
                     for f in funciones if f in publicas],
    }


def _problemas_publicas(respuesta, ctx, permitidos):
    acotado = respuesta is not None and respuesta.get("id") in ctx.acotados
    if respuesta is None or respuesta.get("sin_respuesta"):
        if ctx.agotado:
            return [tiempo_agotado.sin_ejecutar(ctx.tiempo_total)]
        return ["no se llegaron a ejecutar (el proceso se detuvo antes)."]
    sin_terminar = tiempo_agotado.sin_terminar(respuesta, ctx.tiempo_max, ctx.tiempo_total,
                                               respuesta.get("id") in ctx.saltados)
    if sin_terminar:
        return [sin_terminar]
    if respuesta.get("caida"):
        return [f"detuvieron el proceso: {limpiar(respuesta['caida'], ctx.carpeta)}."]
    if respuesta.get("no_implementada"):
        return [verificacion.explicar_lanzado("NotImplementedError: ")]
    if "fallo" in respuesta:
        if acotado:
            return [texto_acotado.fallo_publico(respuesta["fallo"], ctx.frases, permitidos)]
        return [limpiar(respuesta["fallo"] or "una comprobación no se cumple", ctx.carpeta)]
    if "error" in respuesta:
        return [_lanzado(respuesta["error"], acotado, permitidos, ctx.carpeta)]
    return []


def _error_de_celda(texto):
    """Error de una celda del estudiante, explicado en español si es un error de Python."""
    tipo, _, mensaje = texto.partition(": ")
    if tipo == "NotImplementedError":
        return "Aún no has hecho esta celda: borra la línea `raise NotImplementedError()` y escribe tu código."
    if tipo.isidentifier() and tipo[0].isupper():
        return verificacion.explicar_error(tipo, mensaje)
    return texto


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
                fallos.append({"descripcion": "las pruebas públicas del cuaderno", "problemas": problemas,
                               "publica": True})
        for id_, caso, esp in lista:
            problemas = _problemas(ejecucion.casos.get(id_), caso, esp, f, ctx, permitidos)
            if problemas:
                fallos.append({"descripcion": caso.descripcion, "problemas": problemas})
        faltante = bool(fallos) and all(r and r.get("falta") for r in
                                        (ejecucion.casos.get(i) for i, _, _ in lista))
        if faltante:
            fallos = [x for x in fallos if not x.get("publica")]
        puntos = taller.puntos[f] if not fallos else 0
        funciones[f] = {"puntos": puntos, "max": taller.puntos[f], "casos": len(lista) + (f in publicas),
                        "fallos": fallos, "falta": faltante}
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
    celdas = [{"celda": etiqueta, "error": _error_de_celda(limpiar(info["error"], carpeta)),
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
