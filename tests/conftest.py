"""Fijaciones comunes de la batería de pruebas.

El servidor del libro, Chromium y la carpeta de capturas se definen aquí, una sola vez: si cada
módulo del navegador (navegador, accesibilidad, PDF) importara su propia copia de la fijación,
habría dos instancias de la API síncrona de Playwright en la misma sesión y la segunda fallaría.
"""
import contextlib
import fcntl
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


@contextlib.contextmanager
def cerrojo(ruta):
    """Cerrojo de fichero entre procesos (los trabajadores de pytest-xdist): uno cada vez dentro."""
    Path(ruta).parent.mkdir(parents=True, exist_ok=True)
    with open(ruta, "a", encoding="utf-8") as fichero:
        fcntl.flock(fichero, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fichero, fcntl.LOCK_UN)


def _construir_libro(salida):
    resultado = subprocess.run(
        [str(BIN / "jupyter-book"), "build", str(RAIZ), "--warningiserror", "--keep-going",
         "--path-output", str(salida)],
        cwd=RAIZ, env=entorno_de_ordenes(), capture_output=True, text=True)
    if resultado.returncode != 0:
        pytest.fail("La construcción del libro falló:\n" + resultado.stdout[-6000:] + resultado.stderr[-4000:])


def libro_de_la_sesion(salida, ejecucion, construir=_construir_libro):
    """Construye el libro en ``salida`` salvo si ya lo construyó otro proceso de esta ejecución.

    ``ejecucion`` es el identificador que pytest-xdist da a todos sus trabajadores
    (PYTEST_XDIST_TESTRUNUID); sin él (un solo proceso) siempre se construye. Con él, el primer
    trabajador que llega construye con un cerrojo de fichero y deja una marca; los demás esperan
    al cerrojo y, al ver la marca de esta ejecución, no lo vuelven a construir.
    """
    if ejecucion is None:
        construir(salida)
        return
    marca = salida / "_build" / ".libro-de-las-pruebas"
    with cerrojo(salida / "_build" / ".libro-de-las-pruebas.cerrojo"):
        if not (marca.is_file() and marca.read_text(encoding="utf-8") == ejecucion):
            construir(salida)
            marca.write_text(ejecucion, encoding="utf-8")


@pytest.fixture(scope="session")
def libro_html():
    """Construye el libro una vez por sesión (con la caché de ejecución) y devuelve _build/html.

    La variable de entorno LIBRO_SALIDA cambia la carpeta donde se crea _build (por defecto, la raíz).
    """
    salida = Path(os.environ.get("LIBRO_SALIDA", RAIZ))
    libro_de_la_sesion(salida, os.environ.get("PYTEST_XDIST_TESTRUNUID"))
    return salida / "_build" / "html"


#: Una prueba que usa alguna de estas fijaciones (directamente o a través de otra) necesita el libro
#: construido, Chromium, la edición pública (`make publicar` y un entorno nuevo), un curso de nbgrader
#: con su gradebook (``curso``, de test_calificador.py) o un lote entero de entregas calificado en
#: procesos aislados: se marca ``lenta`` sin tener que decirlo en cada una.
FIJACIONES_LENTAS = {"libro_html", "navegador", "publico", "curso", "lote", "lote_hostil", "lote_duro"}
#: Módulos que comparten una fijación de sesión cara: con pytest-xdist van al mismo trabajador, que la
#: prepara una sola vez (el recorrido del libro en Chromium, el curso de nbgrader calificado, la
#: edición pública). Cada uno de los demás módulos es su propio grupo (sus fijaciones de módulo).
GRUPOS = {
    "test_navegador": "chromium", "test_accesibilidad": "chromium",
    "test_talleres": "curso-nbgrader", "test_mutantes": "curso-nbgrader",
    "test_publicacion": "edicion-publica", "test_sustitucion": "edicion-publica",
}
#: Los grupos más largos se reparten primero (el último en empezar no debe ser uno de dos minutos).
#: Medido con ``pytest --durations``; los que no están aquí van después, en el orden de siempre.
PRIMEROS = ("edicion-publica", "chromium", "curso-nbgrader", "test_pdf")


def _grupo(item):
    modulo = item.module.__name__.rpartition(".")[2] if getattr(item, "module", None) else item.nodeid
    return GRUPOS.get(modulo, modulo)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Marca ``lenta`` por las fijaciones, y pone cada prueba en su grupo de pytest-xdist y en su turno.

    Va antes que la selección con ``-m`` (``make test-rapido`` deja fuera las lentas) y que el
    reparto de pytest-xdist (``--dist loadgroup`` manda cada grupo entero a un trabajador).
    """
    for item in items:
        if FIJACIONES_LENTAS & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.lenta)
        item.add_marker(pytest.mark.xdist_group(_grupo(item)))
    turno = {grupo: n for n, grupo in enumerate(PRIMEROS)}
    items.sort(key=lambda item: turno.get(_grupo(item), len(turno)))  # estable: el resto, igual


def pytest_collection_finish(session):
    """Si alguna prueba usará la edición pública, se empieza a preparar ya en un hilo.

    No con ``--collect-only`` (nadie la esperaría) ni en un trabajador de pytest-xdist: allí todos
    recogen todas las pruebas, pero solo el que recibe el grupo ``edicion-publica`` la prepara, al
    pedirla (ese grupo se reparte el primero).
    """
    if session.config.option.collectonly or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    if any("publico" in getattr(item, "fixturenames", ()) for item in session.items):
        import edicion_publica
        edicion_publica.empezar()


def pytest_unconfigure(config):
    """Ninguna orden de la edición pública sigue viva al terminar (ni si se interrumpe la sesión)."""
    edicion_publica = sys.modules.get("edicion_publica")
    if edicion_publica is not None:
        edicion_publica.detener()


#: Cifras que las pruebas de los trabajadores de pytest-xdist mandan al proceso que escribe el resumen.
_CIFRAS_DE_LOS_TRABAJADORES = []


def _cifras():
    """Lo que miden test_referencia (errores relativos) y test_navegador (páginas…) en este proceso."""
    modulo = sys.modules.get("test_referencia") or sys.modules.get("tests.test_referencia")
    navegador = sys.modules.get("test_navegador") or sys.modules.get("tests.test_navegador")
    return {"errores": list(getattr(modulo, "ERRORES_RELATIVOS", None) or []),
            "navegador": dict(getattr(navegador, "RESUMEN_NAVEGADOR", None) or {})}


def pytest_sessionfinish(session):
    """En un trabajador de pytest-xdist, sus cifras viajan al proceso principal (pytest_testnodedown)."""
    salida = getattr(session.config, "workeroutput", None)
    if salida is not None:
        salida["cifras"] = _cifras()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    cifras = getattr(node, "workeroutput", {}).get("cifras")
    if cifras:
        _CIFRAS_DE_LOS_TRABAJADORES.append(cifras)


def pytest_terminal_summary(terminalreporter):
    """Informa del mayor error relativo de gradiente (test_referencia) y de lo visto en Chromium."""
    todas = [_cifras(), *_CIFRAS_DE_LOS_TRABAJADORES]
    errores = [e for c in todas for e in c["errores"]]
    if errores:
        terminalreporter.write_line(
            f"Mayor error relativo de gradiente frente a gradienteNumerico: {max(errores):.2e} "
            f"({len(errores)} comprobaciones)")
    for c in todas:
        cifras = c["navegador"]
        if cifras.get("paginas"):
            terminalreporter.write_line(
                f"Libro en Chromium: {cifras['paginas']} páginas, {cifras['formulas']} fórmulas compuestas "
                f"por MathJax, {cifras['figuras']} figuras, {cifras['imagenes']} imágenes, "
                f"{cifras.get('enlaces_internos', 0)} enlaces internos comprobados")


CHROMIUM = Path(os.environ.get("CHROMIUM_RUTA", "/usr/bin/chromium"))
ARGUMENTOS_CHROMIUM = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


class _Manejador(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # sin ruido en la salida de pytest
        pass

    def end_headers(self):
        """Los recursos (MathJax, axe, scripts y estilos del tema) se guardan en la caché de Chromium.

        El libro no cambia durante la sesión: cada pestaña los toma de la caché y V8 reutiliza su
        código compilado en vez de descargarlos y compilarlos en cada página. Las páginas HTML no.
        """
        ruta = self.path.split("?", 1)[0]
        if not (ruta.endswith("/") or ruta.endswith(".html")):
            self.send_header("Cache-Control", "public, max-age=86400, immutable")
        super().end_headers()


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
