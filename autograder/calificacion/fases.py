"""Fases de casos ocultos de un taller: qué funciones se prueban juntas y con qué auxiliares.

Los casos vienen de ``solutions.verificacion.casos``, con su resultado esperado calculado una vez.
Una función va en una fase posterior a las funciones calificadas que inyectan sus casos. Las
auxiliares de referencia que usan los casos (``Caso.inyectar``) nunca llevan código de referencia
al proceso aislado: las que el cuaderno da en una celda de solo lectura, idénticas a la
referencia, se ejecutan desde ese código (``dadas``); las demás las calcula el calificador
(``referencias.Auxiliares``) y el proceso solo tiene apoderados sin código (``apoderadas``).
"""
import ast
import functools
import inspect
import textwrap

from solutions import verificacion
from solutions.ejecucion import FuncionPrueba
from solutions.talleres import TALLERES

from ..aislamiento import codec
from .analisis import arbol_de


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


@functools.lru_cache(maxsize=32)
def _dadas_por_el_cuaderno(codigos):
    """{nombre: código de su celda} de las funciones de referencia que las celdas dadas (``codigos``)
    definen tal cual: esas pueden ejecutarse en el proceso aislado, porque el cuaderno ya las da."""
    dadas = {}
    for codigo in codigos:
        try:
            arbol = arbol_de(codigo)
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
