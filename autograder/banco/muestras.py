"""Entregas de muestra construidas a partir del cuaderno del estudiante (banco y pruebas).

Se rellenan las celdas de solución (``solucion_<funcion>``) con código: la
referencia (``inspect.getsource``), variantes con errores típicos o rotas (sintaxis,
NameError, bucle infinito). ``composicion`` da los perfiles de una clase realista (banco).
"""
import copy
import inspect
import json
import textwrap
from dataclasses import dataclass
from itertools import zip_longest

from solutions import verificacion

ERRORES = {
    # backProp: gradiente de w1 traspuesto (forma equivocada).
    "backProp_traspuesto": '''
        def backProp(X, y, w1, w2, b1, b2, a2, a1):
            m = X.shape[1]
            dz2 = a2 - y
            dw2 = dz2 @ a1.T / m
            db2 = np.sum(dz2, axis=1, keepdims=True) / m
            dz1 = (w2.T @ dz2) * a1 * (1 - a1)
            return X @ dz1.T / m, np.sum(dz1, axis=1, keepdims=True) / m, dw2, db2
    ''',
    # backProp: olvida dividir entre m.
    "backProp_sin_promedio": '''
        def backProp(X, y, w1, w2, b1, b2, a2, a1):
            dz2 = a2 - y
            dz1 = (w2.T @ dz2) * a1 * (1 - a1)
            return dz1 @ X.T, np.sum(dz1, axis=1, keepdims=True), dz2 @ a1.T, np.sum(dz2, axis=1, keepdims=True)
    ''',
    # entrenarRed: guarda el costo después de actualizar.
    "entrenarRed_costo_tarde": '''
        def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
            costos = []
            for _ in range(epocas):
                a1, a2 = feedForward(X, w1, w2, b1, b2)
                dw1, db1, dw2, db2 = backProp(X, y, w1, w2, b1, b2, a2, a1)
                w1, b1, w2, b2 = w1 - lr * dw1, b1 - lr * db1, w2 - lr * dw2, b2 - lr * db2
                a1, a2 = feedForward(X, w1, w2, b1, b2)
                costos.append(costoGlobal(a2, y))
            return w1, b1, w2, b2, costos
    ''',
    # entrenarRed: no actualiza los sesgos.
    "entrenarRed_sin_sesgos": '''
        def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
            costos = []
            for _ in range(epocas):
                a1, a2 = feedForward(X, w1, w2, b1, b2)
                costos.append(costoGlobal(a2, y))
                dw1, db1, dw2, db2 = backProp(X, y, w1, w2, b1, b2, a2, a1)
                w1, w2 = w1 - lr * dw1, w2 - lr * dw2
            return w1, b1, w2, b2, costos
    ''',
    # backProp: la celda no compila (falta cerrar un paréntesis).
    "backProp_sintaxis": '''
        def backProp(X, y, w1, w2, b1, b2, a2, a1):
            m = X.shape[1]
            dz2 = (a2 - y
            return dz2
    ''',
    # backProp: usa m sin haberla definido (NameError al llamarla).
    "backProp_nombre": '''
        def backProp(X, y, w1, w2, b1, b2, a2, a1):
            dz2 = a2 - y
            dz1 = (w2.T @ dz2) * a1 * (1 - a1)
            return dz1 @ X.T / m, np.sum(dz1, axis=1, keepdims=True) / m, dz2 @ a1.T / m, np.sum(dz2, axis=1, keepdims=True) / m
    ''',
    # entrenarRed: no avanza la época; con 0 épocas termina, con más no termina nunca.
    "entrenarRed_bucle": '''
        def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
            costos = []
            epoca = 0
            while epoca < epocas:
                a1, a2 = feedForward(X, w1, w2, b1, b2)
                costos.append(costoGlobal(a2, y))
                dw1, db1, dw2, db2 = backProp(X, y, w1, w2, b1, b2, a2, a1)
                w1, b1, w2, b2 = w1 - lr * dw1, b1 - lr * db1, w2 - lr * dw2, b2 - lr * db2
            return w1, b1, w2, b2, costos
    ''',
}


def codigo(nombre):
    """Código de una solución: ``referencia:<funcion>`` o una clave de ``ERRORES``."""
    if nombre.startswith("referencia:"):
        return inspect.getsource(verificacion.REFERENCIA[nombre.split(":", 1)[1]])
    return textwrap.dedent(ERRORES[nombre]).strip() + "\n"


def rellenar(cuaderno_estudiante, soluciones, otras=None):
    """Copia del cuaderno (dict JSON) con ``soluciones`` {funcion: código} en sus celdas de solución.

    ``otras`` ({grade_id: código}) rellena otras celdas, como las de trabajo (``trabajo_*``).
    """
    nb = copy.deepcopy(cuaderno_estudiante)
    for celda in nb["cells"]:
        gid = celda.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if gid.startswith("solucion_") and gid[len("solucion_"):] in soluciones:
            celda["source"] = soluciones[gid[len("solucion_"):]]
        elif otras and gid in otras:
            celda["source"] = otras[gid]
    return nb


def celdas_de_trabajo(cuaderno_profesor):
    """{grade_id: código} de las celdas ``trabajo_*`` del cuaderno del profesor, sin los marcadores."""
    trabajos = {}
    for celda in cuaderno_profesor["cells"]:
        gid = celda.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if gid.startswith("trabajo_") and celda.get("cell_type") == "code":
            fuente = "".join(celda["source"]) if isinstance(celda["source"], list) else celda["source"]
            trabajos[gid] = "\n".join(l for l in fuente.splitlines() if "### BEGIN SOLUTION" not in l
                                      and "### END SOLUTION" not in l) + "\n"
    return trabajos


#: Clase de ejemplo de xor-retropropagacion: (backProp, entrenarRed) y nota esperada. La recorren
#: las pruebas que necesitan pocas entregas con notas variadas (ver ``clase``).
MEZCLA = (
    (("referencia:backProp", "referencia:entrenarRed"), 10),
    (("referencia:backProp", "entrenarRed_costo_tarde"), 6),
    (("referencia:backProp", "entrenarRed_sin_sesgos"), 6),
    (("backProp_sin_promedio", "referencia:entrenarRed"), 4),  # un error en backProp no cuesta entrenarRed
    (("backProp_traspuesto", "entrenarRed_costo_tarde"), 0),
    (("backProp_sin_promedio", "entrenarRed_sin_sesgos"), 0),
    ((None, None), 0),
)


@dataclass(frozen=True)
class Perfil:
    """Un tipo de entrega: su código (claves de ``codigo``), si entrena y dibuja, y su nota esperada."""
    nombre: str
    backProp: str | None
    entrenarRed: str | None
    entrena: bool
    nota: int
    rota: bool = False


COMPLETA = Perfil("completa", "referencia:backProp", "referencia:entrenarRed", True, 10)
#: Entregas completas con un error típico en una función: entrenan y dibujan igual (con su error).
CON_UN_ERROR = (
    Perfil("costo tarde", "referencia:backProp", "entrenarRed_costo_tarde", True, 6),
    Perfil("sin sesgos", "referencia:backProp", "entrenarRed_sin_sesgos", True, 6),
    Perfil("sin promedio", "backProp_sin_promedio", "referencia:entrenarRed", True, 4),
    Perfil("traspuesto", "backProp_traspuesto", "referencia:entrenarRed", True, 4),
)
#: Entregas rotas: la celda de backProp no compila o falla al llamarla (entrenar también falla), o vacía.
ROTAS = (
    Perfil("error de sintaxis", "backProp_sintaxis", "referencia:entrenarRed", True, 4, rota=True),
    Perfil("NameError", "backProp_nombre", "referencia:entrenarRed", True, 4, rota=True),
    Perfil("vacía", None, None, False, 0, rota=True),
)
#: La que no termina: entrenarRed olvida avanzar la época (con 0 épocas sí termina).
BUCLE = Perfil("bucle infinito", "referencia:backProp", "entrenarRed_bucle", True, 6, rota=True)

#: Proporciones de la clase (``composicion``): por cada 40 entregas, 8 con un error típico y 3 rotas.
POR_CADA = 40
CON_ERROR_POR_CADA = 8
ROTAS_POR_CADA = 3


def composicion(n):
    """Los ``n`` perfiles de una clase, en un orden fijo.

    Como en una clase real, casi todas las entregas están completas (entrenan y dibujan), unas
    pocas tienen un error típico, unas pocas están rotas (sintaxis, NameError, vacía) y una entra
    en un bucle infinito. Las proporciones son las de ``POR_CADA`` entregas, redondeadas, con al
    menos una entrega de cada grupo cuando ``n`` lo permite (primero el bucle, luego las rotas).
    El bucle va en medio de la lista y las demás no completas, repartidas a intervalos regulares:
    ni al principio (donde el calificador en paralelo lo solaparía con todo) ni al final.
    """
    if n <= 0:
        return []
    rotas = [ROTAS[i % len(ROTAS)] for i in range(min(n - 1, max(1, round(n * ROTAS_POR_CADA / POR_CADA))))]
    restantes = n - 1 - len(rotas)
    con_error = [CON_UN_ERROR[i % len(CON_UN_ERROR)]
                 for i in range(min(restantes, max(1, round(n * CON_ERROR_POR_CADA / POR_CADA))))]
    especiales = [p for par in zip_longest(con_error, rotas) for p in par if p is not None]
    perfiles = [COMPLETA] * n
    perfiles[n // 2] = BUCLE
    libres = [i for i in range(n) if i != n // 2]
    paso = len(libres) / max(1, len(especiales))
    for k, perfil in enumerate(especiales):
        perfiles[libres[int(k * paso + paso / 2)]] = perfil
    return perfiles


def entrega(cuaderno_estudiante, perfil, trabajos=None):
    """El cuaderno (dict) de una entrega con ``perfil``; con ``trabajos``, entrena y dibuja si el perfil lo hace."""
    soluciones = {f: codigo(c) for f, c in (("backProp", perfil.backProp), ("entrenarRed", perfil.entrenarRed))
                  if c}
    return rellenar(cuaderno_estudiante, soluciones, trabajos if perfil.entrena else None)


def clase(cuaderno_estudiante, n, trabajos=None, perfiles=None):
    """``n`` entregas {estudiante: (cuaderno dict, nota esperada)}.

    Sin ``perfiles``, recorren ``MEZCLA`` (con ``trabajos``, ver ``celdas_de_trabajo``, las que
    tienen las dos funciones bien entrenan y dibujan). Con ``perfiles`` (ver ``composicion``),
    una entrega por perfil.
    """
    if perfiles is not None:
        return {f"e{i:03d}": (entrega(cuaderno_estudiante, p, trabajos), p.nota) for i, p in enumerate(perfiles)}
    entregas = {}
    for i in range(n):
        (bp, er), nota = MEZCLA[i % len(MEZCLA)]
        soluciones = {f: codigo(c) for f, c in (("backProp", bp), ("entrenarRed", er)) if c}
        entregas[f"e{i:03d}"] = (rellenar(cuaderno_estudiante, soluciones, trabajos if nota == 10 else None), nota)
    return entregas


def guardar(nb, ruta):
    ruta.parent.mkdir(parents=True, exist_ok=True)
    ruta.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
