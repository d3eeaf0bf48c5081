"""El curso instalado en su entorno (pyproject.toml, `pip install -e .` en `make entorno`).

Cualquier proceso del entorno importa el calificador y la referencia desde cualquier carpeta y sin
PYTHONPATH (así los abren `dask scheduler` y `dask worker`), salvo el proceso aislado del
estudiante, al que el buscador del modo editable no llega.
"""
import importlib.util
import subprocess
import sys
import sysconfig
from pathlib import Path

from conftest import RAIZ, entorno_de_ordenes
from test_calificador import TALLER, calificar, entrega, guardar, leer_csv


def test_el_entorno_importa_el_curso_desde_cualquier_carpeta_sin_pythonpath(tmp_path):
    env = entorno_de_ordenes()
    env.pop("PYTHONPATH", None)
    codigo = "import autograder, solutions.talleres, herramientas; print(autograder.__file__)"
    r = subprocess.run([sys.executable, "-c", codigo], cwd=tmp_path, env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == str(RAIZ / "autograder" / "__init__.py")


def test_el_proceso_aislado_no_ve_el_curso_instalado(tmp_path):
    intento = ("import sys\ntry:\n    import solutions.xor\nexcept ImportError:\n    pass\n"
               "buscadores = [getattr(b, '__module__', '') for b in sys.meta_path]\n"
               "assert not any(m.startswith('__editable__') for m in buscadores), buscadores\n")
    guardar(entrega(antes=[intento]), tmp_path / "entregas" / "ana.ipynb")
    r = calificar(tmp_path / "entregas", tmp_path / "salida", RAIZ / "solutions", "--sin-gradebook")
    assert r.returncode == 0, r.stderr[-2000:]
    fila = leer_csv(tmp_path / "salida" / "calificaciones.csv")["ana"]
    assert fila["estado"] == "sospechosa" and "intenta importar el paquete «solutions»" in fila["detalle"]
    assert str(RAIZ) not in fila["detalle"], fila["detalle"]  # nunca llegó a buscarlo en el repositorio
    assert fila["puntos"] == "10"  # el intento no cuesta ni suma puntos: la celda sigue (assert cumplido)


def test_los_paquetes_del_entorno_tienen_sus_pyc():
    """`make entorno` deja compilado cada módulo de sus paquetes (compileall tras ``pip --no-compile``).

    Con PYTHONDONTWRITEBYTECODE=1 Python no los guardaría al importar: sin ellos, cada núcleo de Jupyter
    y cada orden volvería a compilar numpy, nbgrader o Sphinx al arrancar.
    """
    paquetes = Path(sysconfig.get_path("purelib"))
    sin_pyc = []
    for paquete in ("numpy", "matplotlib", "nbformat", "nbgrader", "ipykernel", "jupyter_client", "sphinx",
                    "myst_nb", "distributed", "openpyxl", "playwright"):
        fuentes = sorted((paquetes / paquete).rglob("*.py"))
        assert fuentes, f"{paquete} no está instalado en {paquetes}"
        sin_pyc += [f for f in fuentes if not Path(importlib.util.cache_from_source(str(f))).is_file()]
    assert not sin_pyc, f"{len(sin_pyc)} módulos sin .pyc, p. ej.: {[str(f) for f in sin_pyc[:5]]}"
