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


def _comprobar_chromium():
    if not CHROMIUM.exists():
        pytest.fail(f"Falta Chromium en {CHROMIUM}. Instálalo con «sudo apt-get install chromium» "
                    "(o ejecuta «make test» como administrador, que lo instala), o indica otra ruta "
                    "en la variable de entorno CHROMIUM_RUTA.")


@pytest.fixture(scope="session")
def navegador():
    """Un único Chromium sin cabeza para toda la sesión (perfil temporal vacío, sin red)."""
    _comprobar_chromium()
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


@pytest.fixture(scope="session")
def recorrido(request, servidor, capturas):
    """Cada página del libro abierta una sola vez por dispositivo y medida (tests/libro_en_chromium.py).

    Solo se mide lo que piden las pruebas de la sesión: el escritorio y el teléfono si hay pruebas
    de test_navegador, axe y el tabulador si las hay de test_accesibilidad.
    """
    _comprobar_chromium()
    import libro_en_chromium

    modulos = {item.module.__name__.rpartition(".")[2] for item in request.session.items
               if getattr(item, "module", None)}
    partes = set()
    if "test_navegador" in modulos:
        partes |= {"escritorio", "telefono"}
    if "test_accesibilidad" in modulos:
        partes |= {"axe", "tabulador"}
    return libro_en_chromium.Recorrido(servidor, capturas, CHROMIUM, ARGUMENTOS_CHROMIUM, partes)
