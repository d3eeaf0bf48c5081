"""La propia batería: `make test` en paralelo sin preparar dos veces lo caro, `make test-rapido` sin lo lento.

Son pruebas unitarias de tests/conftest.py y tests/edicion_publica.py (sin libro, sin nbgrader):
el libro se construye una sola vez aunque lo pidan dos trabajadores de pytest-xdist, las pruebas
que usan el libro, Chromium o la edición pública se marcan ``lenta`` solas, las que comparten una
preparación cara van al mismo trabajador, y ninguna orden de la edición pública queda huérfana.
"""
import multiprocessing
import re
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

import conftest
import edicion_publica

RAIZ = Path(__file__).resolve().parents[1]


def _construir_contando(salida):
    """Construcción falsa: anota cada vez y comprueba que nadie más construye a la vez."""
    obra = salida / "en-obra"
    assert not obra.exists(), "dos procesos construyen el libro a la vez"
    obra.touch()
    with open(salida / "construcciones", "a", encoding="utf-8") as f:
        f.write("x")
    time.sleep(0.3)  # lo que tarda la obra: da tiempo a que el otro proceso llegue al cerrojo
    obra.unlink()


def _trabajador(salida, ejecucion):
    conftest.libro_de_la_sesion(Path(salida), ejecucion, construir=_construir_contando)


def _construcciones(salida):
    fichero = salida / "construcciones"
    return len(fichero.read_text(encoding="utf-8")) if fichero.exists() else 0


def test_dos_trabajadores_construyen_el_libro_una_sola_vez_por_ejecucion(tmp_path):
    contexto = multiprocessing.get_context("fork")
    for ejecucion, esperadas in (("ejecucion-1", 1), ("ejecucion-1", 1), ("ejecucion-2", 2)):
        procesos = [contexto.Process(target=_trabajador, args=(str(tmp_path), ejecucion)) for _ in range(2)]
        for p in procesos:
            p.start()
        for p in procesos:
            p.join(timeout=60)
            assert p.exitcode == 0, "un trabajador falló al construir el libro (¿dos a la vez?)"
        assert _construcciones(tmp_path) == esperadas, (
            f"con la ejecución {ejecucion} el libro se construyó {_construcciones(tmp_path)} veces "
            f"en total; se esperaban {esperadas}")
    # En un solo proceso (sin pytest-xdist) la fijación de sesión ya va una vez: siempre construye.
    conftest.libro_de_la_sesion(tmp_path, None, construir=_construir_contando)
    assert _construcciones(tmp_path) == 3


class _Prueba:
    """Lo que el gancho de conftest.py mira de una prueba recogida."""

    def __init__(self, modulo, fijaciones):
        self.module = SimpleNamespace(__name__=modulo)
        self.nodeid = f"tests/{modulo}.py::prueba"
        self.fixturenames = list(fijaciones)
        self.marcas = []

    def add_marker(self, marca):
        self.marcas.append(marca.mark)

    def marca(self, nombre):
        return [m for m in self.marcas if m.name == nombre]


def test_las_que_usan_libro_navegador_o_edicion_publica_son_lentas_y_los_grupos_se_reparten_bien():
    pruebas = [
        _Prueba("test_verificacion", ["tmp_path"]),
        _Prueba("test_capitulos_fundamentos", ["libro_html", "paginas"]),
        _Prueba("test_navegador", ["recorrido", "servidor", "libro_html"]),
        _Prueba("test_accesibilidad", ["navegador", "servidor", "libro_html"]),
        _Prueba("test_sustitucion", ["publico"]),
        _Prueba("test_publicacion", ["tmp_path"]),
        _Prueba("test_mutantes", []),
        _Prueba("test_talleres", []),
    ]
    orden = list(pruebas)
    conftest.pytest_collection_modifyitems(None, orden)
    lentas = {p.module.__name__ for p in pruebas if p.marca("lenta")}
    assert lentas == {"test_capitulos_fundamentos", "test_navegador", "test_accesibilidad", "test_sustitucion"}
    grupo = {p.module.__name__: p.marca("xdist_group")[0].args[0] for p in pruebas}
    assert grupo["test_navegador"] == grupo["test_accesibilidad"], "dos recorridos del libro en Chromium"
    assert grupo["test_talleres"] == grupo["test_mutantes"], "dos cursos de nbgrader calificados"
    assert grupo["test_publicacion"] == grupo["test_sustitucion"], "dos ediciones públicas"
    assert len(set(grupo.values())) == 5
    # Lo largo primero (la edición pública, luego Chromium, luego nbgrader); el resto, en su orden.
    assert [p.module.__name__ for p in orden] == [
        "test_sustitucion", "test_publicacion", "test_navegador", "test_accesibilidad", "test_mutantes",
        "test_talleres", "test_verificacion", "test_capitulos_fundamentos"]


def test_la_edicion_publica_no_se_prepara_al_solo_recoger_ni_en_cada_trabajador(monkeypatch):
    empezadas = []
    monkeypatch.setattr(edicion_publica, "empezar", lambda: empezadas.append(1))
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)

    def sesion(recoger):
        return SimpleNamespace(config=SimpleNamespace(option=SimpleNamespace(collectonly=recoger)),
                               items=[_Prueba("test_publicacion", ["publico"])])

    conftest.pytest_collection_finish(sesion(recoger=True))
    assert not empezadas, "pytest --collect-only dejaba `make publicar` en marcha, huérfano al salir"
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    conftest.pytest_collection_finish(sesion(recoger=False))
    assert not empezadas, "cada trabajador de pytest-xdist preparaba su propia edición pública"
    monkeypatch.delenv("PYTEST_XDIST_WORKER")
    conftest.pytest_collection_finish(sesion(recoger=False))
    assert empezadas == [1], "en un solo proceso la edición pública se empieza a preparar al recoger"


def test_detener_corta_las_ordenes_de_la_edicion_publica_y_lo_que_lanzan():
    resultado = {}
    orden = threading.Thread(target=lambda: resultado.update(r=edicion_publica._ejecutar(
        ["bash", "-c", "sleep 120 & wait"])))
    inicio = time.monotonic()
    orden.start()
    while not edicion_publica._procesos and time.monotonic() - inicio < 30:
        time.sleep(0.01)
    assert edicion_publica._procesos, "la orden no llegó a registrarse"
    edicion_publica.detener()
    orden.join(timeout=30)
    assert not orden.is_alive(), "detener() no cortó la orden: la sesión se quedaría esperándola"
    assert resultado["r"].returncode < 0
    assert time.monotonic() - inicio < 30


def test_makefile_y_readme_explican_make_test_y_make_test_rapido():
    makefile = (RAIZ / "Makefile").read_text(encoding="utf-8")
    rapido = re.search(r"^test-rapido:.*\n\t(.+)", makefile, re.M)
    assert rapido and '-m "not lenta"' in rapido.group(1) and "pytest tests" in rapido.group(1)
    completa = re.search(r"^test:.*\n\t(.+)", makefile, re.M)
    assert completa and "pytest tests" in completa.group(1) and "lenta" not in completa.group(1)
    assert "--dist loadgroup" in completa.group(1), "sin loadgroup cada trabajador prepara su propio libro"
    readme = (RAIZ / "README.md").read_text(encoding="utf-8")
    assert "make test-rapido" in readme and "lenta" in readme
    ini = (RAIZ / "pytest.ini").read_text(encoding="utf-8")
    assert re.search(r"^\s+lenta:", ini, re.M)
    for fichero in ("requirements.txt", "constraints.txt"):
        assert re.search(r"^pytest-xdist==", (RAIZ / fichero).read_text(encoding="utf-8"), re.M), fichero


@pytest.mark.parametrize("fijacion", sorted(conftest.FIJACIONES_LENTAS))
def test_las_fijaciones_lentas_existen(fijacion):
    """Una fijación renombrada dejaría de marcar sus pruebas como lentas sin que nadie lo notara."""
    definicion = re.compile(rf"@pytest\.fixture\(scope=\"(session|module)\"\)\ndef {fijacion}\(")
    assert any(definicion.search(f.read_text(encoding="utf-8")) for f in (RAIZ / "tests").glob("*.py")), (
        f"conftest.FIJACIONES_LENTAS nombra «{fijacion}», que ya no es una fijación")
