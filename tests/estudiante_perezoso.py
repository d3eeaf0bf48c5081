"""Los intentos del estudiante perezoso del issue 21, contra una edición pública.

``python tests/estudiante_perezoso.py CARPETA`` ejecuta los capítulos 3, 4 y 7 de la edición en
CARPETA (y usa su paquete ``herramientas``) y prueba, con las pruebas ocultas de verdad
(``solutions.verificacion.verificar``), cada intento: las funciones calificadas escritas sin
matemáticas, envolviendo el código público como cuenta el issue. Imprime un JSON
{intento: "aprueba" o "falla: motivo"}. Contra la edición anterior (tests/datos/edicion_anterior)
todos aprobaban; contra la edición pública de ahora, ninguno debe aprobar.
"""
import contextlib
import importlib
import io
import json
import os
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np

#: Cada intento: (función calificada, capítulo cuyo código usa, código del intento).
INTENTOS = {
    "taller 3, feedForward: propagar dos veces (capítulo 7)": ("feedForward", "07", """
        def feedForward(X, w1, w2, b1, b2):
            a1 = propagar(X, {1: {"W": w1, "b": b1}}, salida="sigmoide")[-1]
            a2 = propagar(a1, {1: {"W": w2, "b": b2}}, salida="sigmoide")[-1]
            return a1, a2
        """),
    "taller 3, costoGlobal: entropia_cruzada con «sigmoide» (capítulo 7)": ("costoGlobal", "07", """
        def costoGlobal(y_est, y):
            return entropia_cruzada(y_est, y, "sigmoide")
        """),
    "taller 4, backProp: gradientes tras ampliar ACTIVACIONES (capítulo 7)": ("backProp", "07", """
        ACTIVACIONES["sigmoide"] = (lambda z: 1 / (1 + np.exp(-z)), lambda a: a * (1 - a))

        def backProp(X, y, w1, w2, b1, b2, a2, a1):
            g = gradientes([X, a1, a2], y, {1: {"W": w1, "b": b1}, 2: {"W": w2, "b": b2}}, oculta="sigmoide")
            return g[1]["W"], g[1]["b"], g[2]["W"], g[2]["b"]
        """),
    "taller 4, entrenarRed: entrenar_lotes_completos con copias (capítulo 7)": ("entrenarRed", "07", """
        ACTIVACIONES["sigmoide"] = (lambda z: 1 / (1 + np.exp(-z)), lambda a: a * (1 - a))

        def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
            p = {1: {"W": w1.copy(), "b": b1.copy()}, 2: {"W": w2.copy(), "b": b2.copy()}}
            costos = entrenar_lotes_completos(p, X, y, lr, epocas, oculta="sigmoide")
            return p[1]["W"], p[1]["b"], p[2]["W"], p[2]["b"], costos
        """),
    "taller 2, descensoGradiente: sgd_minilotes con tam_lote = m (capítulo 4)": ("descensoGradiente", "04", """
        def descensoGradiente(X, y, theta, alpha, iteraciones):
            A = np.column_stack([np.ones(len(X)), X])
            theta_final, registro = sgd_minilotes(A, y, theta, alpha, tam_lote=len(y), epocas=iteraciones,
                                                  rng=np.random.default_rng(0))
            return theta_final, [coste for _, _, coste in registro][:-1]
        """),
    "taller 2, descensoGradiente: descenso con una lambda (capítulo 3)": ("descensoGradiente", "03", """
        def descensoGradiente(X, y, theta, alpha, iteraciones):
            trayectoria = descenso(lambda t: gradiente(X, y, t), theta, alpha, iteraciones)
            return trayectoria[-1], [costo(X, y, t) for t in trayectoria[:-1]]
        """),
    "taller 1, gradienteNumerico: el cuerpo de error_del_gradiente copiado (herramientas)":
        ("gradienteNumerico", None, "COPIA"),
    "taller 1, gradienteNumerico: un espía en error_del_gradiente (herramientas)": ("gradienteNumerico", None, """
        import herramientas.numerico as numerico

        def gradienteNumerico(f, x, h=1e-5):
            vistos = []
            original = numerico.error_relativo
            numerico.error_relativo = lambda a, b: vistos.append(b) or 0.0   # el espía
            try:
                numerico.error_del_gradiente(f, x, np.zeros(np.shape(x)), h)
            finally:
                numerico.error_relativo = original
            return vistos[-1] if np.ndim(x) else float(vistos[-1])
        """),
}


def _copia_del_cuerpo():
    """gradienteNumerico = el cuerpo de error_del_gradiente, devolviendo su gradiente numérico."""
    import ast
    import inspect

    import herramientas.numerico as numerico
    arbol = ast.parse(textwrap.dedent(inspect.getsource(numerico.error_del_gradiente)))
    funcion = arbol.body[0]
    funcion.name = "_cuerpo_copiado"
    funcion.body[-1] = ast.parse("return numerico").body[0]  # lo que calculaba, en vez del error relativo
    espacio = {"np": np, "error_relativo": numerico.error_relativo}
    exec(compile(ast.fix_missing_locations(arbol), "<copia>", "exec"), espacio)
    return lambda f, x, h=1e-5: espacio["_cuerpo_copiado"](f, x, np.zeros(np.shape(x)), h)


def _capitulo(carpeta, prefijo):
    """Espacio de nombres tras ejecutar las celdas del capítulo que empieza por ``prefijo``."""
    import matplotlib
    matplotlib.use("Agg")
    from IPython.core.interactiveshell import InteractiveShell

    from publicacion import secciones
    ruta = next((carpeta / "book").glob(f"{prefijo}-*.md"), None)
    if ruta is None:
        return {}
    InteractiveShell.clear_instance()
    shell = InteractiveShell.instance(colors="NoColor")
    anterior = os.getcwd()
    os.chdir(ruta.parent)
    try:
        for _, fuente in secciones._celdas(ruta.read_text(encoding="utf-8")):
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                shell.run_cell(fuente)
    finally:
        os.chdir(anterior)
    return dict(shell.user_ns)


def probar(carpeta):
    from solutions.verificacion import verificar
    carpeta = Path(carpeta).resolve()
    sys.path.insert(0, str(carpeta))
    importlib.invalidate_caches()
    capitulos = {}
    resultados = {}
    for nombre, (calificada, capitulo, codigo) in INTENTOS.items():
        if capitulo and capitulo not in capitulos:
            capitulos[capitulo] = _capitulo(carpeta, capitulo)
        espacio = dict(capitulos.get(capitulo, {}), np=np)
        try:
            if codigo == "COPIA":
                espacio[calificada] = _copia_del_cuerpo()
            else:
                exec(textwrap.dedent(codigo), espacio)
            with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
                warnings.simplefilter("ignore")
                verificar(calificada, espacio)
            resultados[nombre] = "aprueba"
        except Exception as error:  # noqa: BLE001 - un intento que ni siquiera se puede escribir también falla
            resultados[nombre] = f"falla: {type(error).__name__}: {str(error).splitlines()[0][:200]}"
    return resultados


if __name__ == "__main__":
    print(json.dumps(probar(sys.argv[1]), ensure_ascii=False))
