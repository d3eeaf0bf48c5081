"""Lo que el profesor ve en el terminal al calificar (issue 22, punto 12)."""
import fcntl
import os
import pty
import re
import struct
import termios
import time
from pathlib import Path

import pytest

from autograder.lote import progreso
from autograder.calificar import ficheros_para_el_lms, resumen_final
from solutions.talleres import TALLERES

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _en_un_terminal(columnas, pasos):
    """Lo que escribe la barra en un pseudoterminal de ``columnas`` columnas, tras ``pasos``."""
    maestro, esclavo = pty.openpty()
    fcntl.ioctl(esclavo, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columnas, 0, 0))
    flujo = os.fdopen(esclavo, "w", buffering=1, encoding="utf-8")
    try:
        barra = progreso.Barra(40, flujo)
        barra.inicio -= 5
        pasos(barra)
        barra.cerrar()
        flujo.flush()
        leido = b""
        while True:
            import select

            if not select.select([maestro], [], [], 0.2)[0]:
                break
            trozo = os.read(maestro, 65536)
            if not trozo:
                break
            leido += trozo
    finally:
        flujo.close()
        os.close(maestro)
    return ANSI.sub("", leido.decode("utf-8").replace("\r\n", "\n"))


@pytest.mark.parametrize("columnas", [60, 110, 200])
def test_la_barra_cabe_en_el_terminal_y_no_deja_restos(columnas):
    def pasos(barra):
        for i in range(40):
            barra.empezar(f"estudiante{i}")
            barra.avanzar(i % 7 == 0, f"estudiante{i}")

    texto = _en_un_terminal(columnas, pasos)
    assert texto.count("\n") <= 1, repr(texto[:500])  # una sola línea, reescrita con \r
    trozos = [t for t in re.split(r"[\r\n]", texto) if t.strip()]
    assert len(trozos) > 5
    assert all(len(t) <= columnas for t in trozos), max(trozos, key=len)
    assert "40/40 entregas" in trozos[-1] and "6 con incidencias" in trozos[-1]


def test_una_entrega_lenta_se_nombra_en_vez_de_prometer_un_segundo(monkeypatch):
    def pasos(barra):
        for i in range(39):
            barra.empezar(f"e{i}")
            barra.avanzar(False, f"e{i}")
        barra._en_curso["100202"] = time.monotonic() - 95  # lleva 95 s
        barra._dibujar(nueva=False)

    texto = _en_un_terminal(150, pasos)
    ultimo = [t for t in re.split(r"[\r\n]", texto) if t.strip()][-1]
    assert "esperando a 100202, que lleva 1 min 35 s" in ultimo, ultimo
    assert "faltan unos" not in ultimo


def test_sin_terminal_la_entrega_lenta_tambien_se_nombra(monkeypatch):
    import io

    flujo = io.StringIO()
    barra = progreso.Barra(3, flujo)
    barra.empezar("a")
    barra.avanzar(False, "a")
    barra.empezar("lenta")
    barra._en_curso["lenta"] -= 120
    barra._dibujar(nueva=False)
    barra.cerrar()
    assert "esperando a lenta, que lleva 2 min 00 s" in flujo.getvalue(), flujo.getvalue()


def test_el_tiempo_agotado_no_cuenta_como_calificada(tmp_path):
    taller = TALLERES["xor-retropropagacion"]
    base = {"taller": taller.id, "puntos_max": 10, "funciones": {f: {"puntos": 0} for f in taller.funciones}}
    resultados = [dict(base, estudiante="a", estado="ok", puntos=10),
                  dict(base, estudiante="b", estado="tiempo_agotado", puntos=4)]
    texto = resumen_final(resultados, taller, tmp_path)
    assert "2 entregas, 1 calificadas, 1 con el tiempo agotado" in texto, texto


def test_al_terminar_se_listan_los_ficheros_para_el_lms(tmp_path):
    for ruta in ("calificaciones.csv", "calificaciones.xlsx", "moodle/hoja-calificada.csv"):
        (tmp_path / ruta).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / ruta).write_text("x")
    texto = ficheros_para_el_lms(Path(tmp_path))
    assert texto.startswith("Ficheros escritos para el LMS:")
    assert str(tmp_path / "moodle/hoja-calificada.csv") in texto and "canvas" not in texto


def test_las_notas_quedan_fuera_de_git(tmp_path):
    """Issue 22, punto 11: la carpeta de salida y solutions/grades.csv nunca entran en git."""
    import subprocess

    from autograder.calificar import fuera_de_git

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    salida = tmp_path / "notas-xor"
    salida.mkdir()
    (salida / "calificaciones.csv").write_text("estudiante,puntos\n1001,10\n")
    fuera_de_git(salida)
    estado = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=tmp_path,
                            capture_output=True, text=True, check=True).stdout
    assert estado == "", estado
    raiz = Path(__file__).resolve().parents[1]
    ignorado = subprocess.run(["git", "check-ignore", "-q", "solutions/grades.csv"], cwd=raiz)
    assert ignorado.returncode == 0
