"""Fijaciones comunes de la batería de pruebas.

El servidor del libro, Chromium y la carpeta de capturas se definen aquí, una sola vez: si cada
módulo del navegador (navegador, accesibilidad, PDF) importara su propia copia de la fijación,
habría dos instancias de la API síncrona de Playwright en la misma sesión y la segunda fallaría.
"""
import functools
import http.server
import shutil
import threading
import os
import subprocess
import sys
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(RAIZ))

from solutions.entorno import entorno_de_ordenes  # noqa: E402  (tras añadir la raíz a sys.path)

# Las órdenes del calificador que lanzan las pruebas califican cuadernos fechados hoy: sin plazos, su
# nota no depende del día en que se ejecuta la batería (la política de retrasos: test_plazos.py).
os.environ.setdefault("CALIFICADOR_CALENDARIO", str(RAIZ / "tests" / "datos" / "calendario-sin-plazos.yml"))


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


def pytest_collection_finish(session):
    """Si alguna prueba usará la edición pública, se empieza a preparar ya en un hilo."""
    if any("publico" in getattr(item, "fixturenames", ()) for item in session.items):
        import edicion_publica
        edicion_publica.empezar()


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


CHROMIUM = Path(os.environ.get("CHROMIUM_RUTA", "/usr/bin/chromium"))
ARGUMENTOS_CHROMIUM = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


class _Manejador(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # sin ruido en la salida de pytest
        pass


@pytest.fixture(scope="session")
def servidor(libro_html):
    """Sirve el libro construido en 127.0.0.1 (puerto libre) desde un hilo."""
    manejador = functools.partial(_Manejador, directory=str(libro_html))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), manejador)
    hilo = threading.Thread(target=httpd.serve_forever, name="servidor-libro", daemon=True)
    hilo.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        hilo.join(timeout=5)


@pytest.fixture(scope="session")
def navegador():
    """Un único Chromium sin cabeza para toda la sesión (perfil temporal vacío, sin red)."""
    if not CHROMIUM.exists():
        pytest.fail(f"Falta Chromium en {CHROMIUM}. Instálalo con «sudo apt-get install chromium» "
                    "(o ejecuta «make test» como administrador, que lo instala), o indica otra ruta "
                    "en la variable de entorno CHROMIUM_RUTA.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # Playwright crea un directorio de perfil nuevo y vacío para cada launch().
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGUMENTOS_CHROMIUM)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def capturas(libro_html):
    carpeta = Path(libro_html).parent / "screenshots"
    shutil.rmtree(carpeta, ignore_errors=True)
    carpeta.mkdir(parents=True)
    return carpeta
