"""Comprobación de sustitución: nada de la edición pública sirve como respuesta calificada.

Ejecuta todo el código de la edición pública (capítulos, cuadernos de los talleres y
módulos de Python) y prueba cada función o clase que define, con cualquier nombre, en
lugar de cada función calificada cuya firma admita sus argumentos, con los casos ocultos
de ``solutions.verificacion``. Si alguna los supera todos, es una respuesta filtrada.

Se ejecuta en un proceso aparte (``python -m publicacion.sustitucion CARPETA``), para que
el código de los capítulos no toque el proceso que lo llama; ``filtraciones()`` lo lanza.
"""
import argparse
import contextlib
import importlib.util
import inspect
import io
import json
import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path

#: La sigmoide es una fórmula de una línea que está en cualquier texto: no cuenta como respuesta.
SIEMPRE_EXENTAS = frozenset({"sigmoide"})
SEGUNDOS_POR_PRUEBA = 20


def _celdas_de_capitulo(ruta):
    import jupytext
    cuaderno = jupytext.read(ruta)
    return [c.source for c in cuaderno.cells if c.cell_type == "code"]


def _celdas_de_cuaderno(ruta):
    cuaderno = json.loads(Path(ruta).read_text(encoding="utf-8"))
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in cuaderno["cells"] if c["cell_type"] == "code"]


def _definidos_en_celdas(celdas, carpeta, tolerar_errores):
    """Ejecuta las celdas con IPython (como Jupyter) y devuelve lo que definen: nombre -> objeto."""
    from IPython.core.interactiveshell import InteractiveShell
    InteractiveShell.clear_instance()
    shell = InteractiveShell.instance(colors="NoColor")
    anterior = os.getcwd()
    os.chdir(carpeta)
    try:
        for fuente in celdas:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                resultado = shell.run_cell(fuente, silent=True)
            if not resultado.success and not tolerar_errores:
                error = resultado.error_in_exec or resultado.error_before_exec
                raise RuntimeError(f"una celda falló: {type(error).__name__}: {error}\n{fuente[:300]}")
    finally:
        os.chdir(anterior)
    import matplotlib.pyplot as plt
    plt.close("all")
    return {nombre: obj for nombre, obj in dict(shell.user_ns).items()
            if (inspect.isfunction(obj) or inspect.isclass(obj))
            and getattr(obj, "__module__", None) == "__main__" and not nombre.startswith("_")}


def _definidos_en_modulo(ruta, raiz):
    nombre_modulo = "edicion_publica_" + "_".join(ruta.relative_to(raiz).with_suffix("").parts)
    spec = importlib.util.spec_from_file_location(nombre_modulo, ruta)
    modulo = importlib.util.module_from_spec(spec)
    sys.modules[nombre_modulo] = modulo
    spec.loader.exec_module(modulo)
    return {nombre: obj for nombre, obj in vars(modulo).items()
            if (inspect.isfunction(obj) or inspect.isclass(obj))
            and getattr(obj, "__module__", None) == nombre_modulo}


def candidatos(carpeta):
    """(origen, nombre, objeto) de cada función o clase definida en la edición pública."""
    carpeta = Path(carpeta).resolve()
    sys.path.insert(0, str(carpeta))  # como en la edición pública: `herramientas` importable
    for ruta in sorted(carpeta.rglob("*")):
        relativa = ruta.relative_to(carpeta)
        if any(p.startswith(".") or p in ("_build", "__pycache__") for p in relativa.parts):
            continue
        if ruta.suffix == ".md" and relativa.parts[0] == "book" and "kernelspec" in ruta.read_text(encoding="utf-8"):
            definidos = _definidos_en_celdas(_celdas_de_capitulo(ruta), ruta.parent, tolerar_errores=False)
        elif ruta.suffix == ".ipynb":
            # En los talleres, las celdas de pruebas fallan con los esbozos sin hacer: se sigue.
            definidos = _definidos_en_celdas(_celdas_de_cuaderno(ruta), ruta.parent, tolerar_errores=True)
        elif ruta.suffix == ".py":
            definidos = _definidos_en_modulo(ruta, carpeta)
        else:
            continue
        for nombre, obj in definidos.items():
            yield str(relativa), nombre, obj


class _Tiempo(Exception):
    pass


def _alarma(signum, frame):
    raise _Tiempo()


def _admite(obj, calificada, args):
    """¿Se puede llamar a ``obj`` como a la función calificada, con sus argumentos?"""
    es_puerta = calificada.startswith("Puerta")
    if es_puerta:
        return inspect.isclass(obj) and callable(getattr(obj, "forward", None)) \
            and callable(getattr(obj, "backward", None))
    if inspect.isclass(obj):
        return False
    try:
        inspect.signature(obj).bind(*args)
    except (TypeError, ValueError):
        return False
    return True


def supera_casos_ocultos(obj, calificada):
    """True si ``obj``, puesto en lugar de ``calificada``, supera todos sus casos ocultos."""
    from solutions.verificacion import casos, verificar
    if not _admite(obj, calificada, casos(calificada)[0].args):
        return False
    signal.signal(signal.SIGALRM, _alarma)
    signal.alarm(SEGUNDOS_POR_PRUEBA)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            verificar(calificada, {calificada: obj})
        return True
    except (AssertionError, _Tiempo):
        return False
    finally:
        signal.alarm(0)


def buscar(carpeta, exentas=None):
    """Lista de {origen, nombre, calificada} de los objetos que son respuestas filtradas.

    ``exentas``: origen -> funciones calificadas que ese fichero puede traer resueltas (las de
    un taller cuyo plazo ya terminó, en la celda dada del taller siguiente).
    """
    from solutions.verificacion import REFERENCIA
    exentas = exentas or {}
    hallazgos = []
    for origen, nombre, obj in candidatos(carpeta):
        for calificada in REFERENCIA:
            if calificada in SIEMPRE_EXENTAS or calificada in exentas.get(origen, ()):
                continue
            if supera_casos_ocultos(obj, calificada):
                hallazgos.append({"origen": origen, "nombre": nombre, "calificada": calificada})
    return hallazgos


def filtraciones(carpeta, exentas=None, python=sys.executable):
    """Ejecuta ``buscar`` en un proceso aparte y devuelve su lista."""
    raiz = Path(__file__).resolve().parents[1]
    entorno = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(raiz))
    resultado = subprocess.run(
        [python, "-m", "publicacion.sustitucion", str(carpeta), "--exentas", json.dumps(exentas or {})],
        cwd=raiz, env=entorno, capture_output=True, text=True)
    if resultado.returncode != 0:
        raise RuntimeError("La comprobación de sustitución no pudo ejecutar la edición pública:\n"
                           + resultado.stderr[-4000:])
    return json.loads(resultado.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("carpeta")
    parser.add_argument("--exentas", default="{}", help="JSON: origen -> lista de funciones calificadas")
    args = parser.parse_args()
    print(json.dumps(buscar(args.carpeta, json.loads(args.exentas)), ensure_ascii=False))


if __name__ == "__main__":
    main()
