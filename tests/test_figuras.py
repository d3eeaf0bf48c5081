"""El estilo común de las figuras (herramientas.figuras): SVG, letra legible y aptas para daltónicos.

Pruebas unitarias (sin libro ni navegador); lo que se ve en el PDF lo comprueba test_pdf.py.
"""
import re

import matplotlib
import pytest

matplotlib.use("Agg")

from conftest import RAIZ  # noqa: E402
from herramientas import figuras  # noqa: E402

CAPITULOS = sorted((RAIZ / "book").glob("0[1-9]-*.md"))
# Pares de colores que una persona daltónica (deuteranopía, protanopía) confunde: rojo y verde.
ROJOS = ("red", "tab:red", "#b3261e", "#d62728", "crimson", "darkred")
VERDES = ("green", "tab:green", "#1b7a33", "#2ca02c", "forestgreen", "darkgreen", "limegreen")


def _celdas(ruta):
    return re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", ruta.read_text(encoding="utf-8"), re.S)


def test_cada_color_del_ciclo_lleva_su_trazo():
    ciclo = list(figuras.ESTILO["axes.prop_cycle"])
    assert len(ciclo) >= 6
    assert len({c["color"] for c in ciclo}) == len(ciclo), "colores repetidos en el ciclo"
    assert len({str(c["linestyle"]) for c in ciclo}) == len(ciclo), (
        "dos curvas del ciclo se distinguirían solo por el color")
    assert figuras.ESTILO["font.size"] >= 10 and figuras.ESTILO["xtick.labelsize"] >= 10


def test_svg_con_letra_minima():
    import matplotlib.pyplot as plt

    matplotlib.rcParams.update(figuras.ESTILO)
    fig, eje = plt.subplots(figsize=(4, 3))
    eje.plot([0, 1], [1, 0], label="una")
    eje.plot([0, 1], [0, 1], label="otra")
    eje.set_title("Título", fontsize=9)
    eje.legend()
    svg = figuras.svg(fig)
    plt.close(fig)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "letra-minima-pt=9.00" in svg, "el SVG no guarda su letra más pequeña"
    # Las dos curvas salen con trazos distintos (la segunda, discontinua).
    assert "stroke-dasharray" in svg


@pytest.mark.parametrize("ruta", CAPITULOS, ids=lambda r: r.stem)
def test_capitulos_con_figuras_usan_el_estilo_comun(ruta):
    celdas = _celdas(ruta)
    if not any("plt." in c for c in celdas):
        pytest.skip("sin figuras")
    primera = next(c for c in celdas if "import" in c)
    assert "import herramientas.figuras" in primera, (
        f"{ruta.name}: la primera celda debe importar herramientas.figuras (formato SVG y estilo común)")
    assert "remove-cell" in primera, f"{ruta.name}: la celda de herramientas.figuras debe ir oculta (remove-cell)"


@pytest.mark.parametrize("ruta", CAPITULOS, ids=lambda r: r.stem)
def test_ninguna_figura_distingue_solo_por_rojo_y_verde(ruta):
    for celda in _celdas(ruta):
        minusculas = celda.lower()
        rojo = [c for c in ROJOS if f'"{c}"' in minusculas]
        verde = [c for c in VERDES if f'"{c}"' in minusculas]
        assert not (rojo and verde), (
            f"{ruta.name}: una figura usa rojo ({rojo}) y verde ({verde}) a la vez: usa ADELANTE/ATRAS o "
            "los colores de herramientas.figuras y un trazo distinto")
