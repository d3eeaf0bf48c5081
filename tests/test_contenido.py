"""Coherencia del texto del libro y de los talleres, leída de las fuentes (sin construir nada).

Pruebas unitarias y rápidas: miran los capítulos (``book/*.md``) y las plantillas de los
talleres (``solutions/plantillas/*.md``) tal como están en el repositorio. Las cifras que
dependen de una ejecución se comprueban en el libro construido (test_capitulos_*.py).
"""
import re
from pathlib import Path

from solutions.talleres import TALLERES

RAIZ = Path(__file__).resolve().parents[1]
LIBRO = RAIZ / "book"
PLANTILLAS = RAIZ / "solutions" / "plantillas"


def _texto(ruta):
    return (RAIZ / ruta).read_text(encoding="utf-8")


def _secciones_de_talleres():
    """{número: (id del taller, capítulos que acompaña)} de la página de talleres."""
    pagina = _texto("book/08-talleres.md")
    secciones = {}
    for numero, cuerpo in re.findall(r"^## Taller (\d+) · [^\n]*\n(.*?)(?=^## |\Z)", pagina, flags=re.M | re.S):
        ids = re.findall(r"^:::\{taller\} ([\w-]+)", cuerpo, flags=re.M)
        acompana = re.search(r"Acompaña a[l]? (?:los )?capítulos? (.*?)\.\n", cuerpo, flags=re.S)
        capitulos = [int(n) for n in re.findall(r"\{doc\}`(\d\d)-", acompana.group(1))] if acompana else []
        secciones[int(numero)] = (ids[0] if ids else None, capitulos)
    return secciones


def test_los_talleres_se_numeran_en_el_orden_de_los_capitulos():
    """«Taller N» es el N-ésimo de TALLERES, en la página de talleres y en su cuaderno, y N crece
    con el último capítulo que practica cada taller."""
    secciones = _secciones_de_talleres()
    ultimo = 0
    for numero, taller in enumerate(TALLERES, start=1):
        assert numero in secciones, f"La página de talleres no tiene la sección «Taller {numero}» ({taller})"
        id_seccion, capitulos = secciones[numero]
        assert id_seccion == taller, f"La sección «Taller {numero}» es la de {id_seccion}, no la de {taller}"
        assert capitulos, f"La sección «Taller {numero}» no dice qué capítulos acompaña"
        assert max(capitulos) >= ultimo, (
            f"El taller {numero} ({taller}) practica hasta el capítulo {max(capitulos)}, antes que el "
            f"taller anterior (capítulo {ultimo}): numera los talleres en el orden de los capítulos")
        ultimo = max(capitulos)
        titulo = (PLANTILLAS / f"{taller}.md").read_text(encoding="utf-8").split("\n", 2)[1]
        assert titulo.startswith(f"# Taller {numero} · "), f"El cuaderno de {taller} se titula «{titulo}»"


def test_el_readme_numera_los_talleres_como_el_libro():
    citados = dict(re.findall(r"taller (\d) `([\w-]+)`", " ".join(_texto("README.md").split())))
    assert citados == {str(n): t for n, t in enumerate(TALLERES, start=1)}, citados
