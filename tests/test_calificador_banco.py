"""Banco reducido: el calificador y `nbgrader autograde` real dan las mismas notas.

El banco completo (40 entregas en rondas intercaladas, `make bench`) no forma parte de `make test`.
"""
import pytest

from autograder.banco import muestras
from autograder.banco import velocidad as banco
from conftest import RAIZ

# nbgrader (al importarse) avisa de usos obsoletos de SQLAlchemy que no son nuestros.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.mark.lenta
def test_mismas_notas_que_nbgrader_autograde_y_mas_rapido(tmp_path):
    # Una entrega de cada perfil de la clase del banco salvo el bucle (que tarda lo que el límite de tiempo).
    perfiles = [muestras.COMPLETA, *muestras.CON_UN_ERROR, *muestras.ROTAS]
    medida = banco.medir(0, 2, RAIZ / "solutions", tmp_path, perfiles=perfiles)
    assert set(medida.notas_calificador) == set(medida.esperadas) == set(medida.notas_nbgrader)
    assert medida.discrepancias() == [], banco.informe(medida)
    for estudiante, nota in medida.esperadas.items():
        assert sum(medida.notas_calificador[estudiante].values()) == nota
    # Incluso con solo 8 entregas (donde pesan los arranques fijos) el calificador va por delante.
    assert medida.t_calificador < medida.t_nbgrader, banco.informe(medida)
    # El informe muestra dónde va el tiempo (calificar --desglose) y la memoria del calificador.
    informe = banco.informe(medida)
    for etapa in ("arranque del proceso aislado", "celdas del estudiante", "casos ocultos y pruebas públicas",
                  "retroalimentación y resultado guardado", "CSV, resumen y gradebook", "memoria máxima"):
        assert etapa in informe, informe
    arranque = next(l for l in informe.splitlines() if "arranque del proceso aislado" in l)
    assert float(arranque.split()[-4]) > 0, informe  # se midió de verdad


def test_la_barra_muestra_ritmo_y_tiempo_restante():
    import io

    from autograder.lote.progreso import Barra

    flujo = io.StringIO()
    barra = Barra(20, flujo)
    barra.inicio -= 10  # diez segundos calificando
    for _ in range(10):
        barra.avanzar()
    linea = flujo.getvalue().splitlines()[-1]
    assert "10/20 entregas" in linea and "1.0 entregas/s" in linea and "faltan unos 10 s" in linea, linea


def test_importar_nbgrader_no_compila_la_gramatica_de_rfc3987():
    """jsonschema 4.24+ importa rfc3987-syntax, que construye un analizador de Lark al importarse (1,3 s
    en cada proceso que importa nbformat o nbgrader: el calificador y cada orden de nbgrader)."""
    import subprocess
    import sys

    codigo = "import sys, nbgrader.api; print(sorted(m for m in ('lark', 'rfc3987_syntax') if m in sys.modules))"
    r = subprocess.run([sys.executable, "-c", codigo], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "[]", r.stdout
