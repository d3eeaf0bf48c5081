"""Banco reducido: el calificador y `nbgrader autograde` real dan las mismas notas.

El banco completo (40 entregas, `make bench`) no forma parte de `make test`.
"""
import pytest

from autograder import banco
from conftest import RAIZ

# nbgrader (al importarse) avisa de usos obsoletos de SQLAlchemy que no son nuestros.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_mismas_notas_que_nbgrader_autograde_y_mas_rapido(tmp_path):
    medida = banco.medir(6, 2, RAIZ / "solutions", tmp_path)
    assert set(medida.notas_calificador) == set(medida.esperadas) == set(medida.notas_nbgrader)
    assert medida.discrepancias() == [], banco.informe(medida)
    for estudiante, nota in medida.esperadas.items():
        assert sum(medida.notas_calificador[estudiante].values()) == nota
    # Incluso con solo 6 entregas (donde pesan los arranques fijos) el calificador va por delante.
    assert medida.t_calificador < medida.t_nbgrader, banco.informe(medida)
