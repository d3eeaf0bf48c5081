"""Entregas de muestra construidas a partir del cuaderno del estudiante (banco y pruebas).

Se rellenan las celdas de solución (``solucion_<funcion>``) con código: la
referencia (``inspect.getsource``) o variantes con errores típicos.
"""
import copy
import inspect
import json
import textwrap

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


#: Clase de ejemplo de xor-retropropagacion: (backProp, entrenarRed) y nota esperada.
MEZCLA = (
    (("referencia:backProp", "referencia:entrenarRed"), 10),
    (("referencia:backProp", "entrenarRed_costo_tarde"), 6),
    (("referencia:backProp", "entrenarRed_sin_sesgos"), 6),
    (("backProp_sin_promedio", "referencia:entrenarRed"), 4),  # un error en backProp no cuesta entrenarRed
    (("backProp_traspuesto", "entrenarRed_costo_tarde"), 0),
    (("backProp_sin_promedio", "entrenarRed_sin_sesgos"), 0),
    ((None, None), 0),
)


def clase(cuaderno_estudiante, n, trabajos=None):
    """``n`` entregas {estudiante: (cuaderno dict, nota esperada)} que recorren ``MEZCLA``.

    Con ``trabajos`` (ver ``celdas_de_trabajo``), las entregas con las dos funciones
    bien hacen también el trabajo no calificado (entrenar el XOR y dibujar).
    """
    entregas = {}
    for i in range(n):
        (bp, er), nota = MEZCLA[i % len(MEZCLA)]
        soluciones = {f: codigo(c) for f, c in (("backProp", bp), ("entrenarRed", er)) if c}
        entregas[f"e{i:03d}"] = (rellenar(cuaderno_estudiante, soluciones, trabajos if nota == 10 else None), nota)
    return entregas


def guardar(nb, ruta):
    ruta.parent.mkdir(parents=True, exist_ok=True)
    ruta.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
