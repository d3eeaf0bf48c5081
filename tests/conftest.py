"""Fijaciones comunes de la batería de pruebas."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(RAIZ))

from solutions.entorno import entorno_de_ordenes  # noqa: E402  (tras añadir la raíz a sys.path)


@pytest.fixture(scope="session")
def libro_html():
    """Construye el libro una vez por sesión (con la caché de ejecución) y devuelve _build/html.

    La variable de entorno LIBRO_SALIDA cambia la carpeta donde se crea _build (por defecto, la raíz).
    """
    salida = Path(os.environ.get("LIBRO_SALIDA", RAIZ))
    resultado = subprocess.run(
        [str(BIN / "jupyter-book"), "build", str(RAIZ), "--warningiserror", "--keep-going",
         "--path-output", str(salida)],
        cwd=RAIZ, env=entorno_de_ordenes(), capture_output=True, text=True)
    if resultado.returncode != 0:
        pytest.fail("La construcción del libro falló:\n" + resultado.stdout[-6000:] + resultado.stderr[-4000:])
    return salida / "_build" / "html"


def pytest_terminal_summary(terminalreporter):
    """Informa del mayor error relativo de gradiente medido por test_referencia."""
    modulo = sys.modules.get("test_referencia") or sys.modules.get("tests.test_referencia")
    errores = getattr(modulo, "ERRORES_RELATIVOS", None)
    if errores:
        terminalreporter.write_line(
            f"Mayor error relativo de gradiente frente a gradienteNumerico: {max(errores):.2e} "
            f"({len(errores)} comprobaciones)")
    navegador = sys.modules.get("test_navegador") or sys.modules.get("tests.test_navegador")
    cifras = getattr(navegador, "RESUMEN_NAVEGADOR", None)
    if cifras and cifras["paginas"]:
        terminalreporter.write_line(
            f"Libro en Chromium: {cifras['paginas']} páginas, {cifras['formulas']} fórmulas compuestas "
            f"por MathJax, {cifras['figuras']} figuras, {cifras['imagenes']} imágenes, "
            f"{cifras['enlaces_internos']} enlaces internos comprobados")
