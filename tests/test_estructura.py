"""La forma de ``autograder/``: un subpaquete por etapa, módulos y funciones cortos (issue 24).

Pruebas unitarias: solo leen el código con ``ast``; no importan nbgrader ni construyen el libro.
"""
import ast
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[1]
CALIFICADOR = RAIZ / "autograder"
MAX_LINEAS_MODULO = 450
MAX_LINEAS_FUNCION = 80
ETAPAS = ("recogida", "aislamiento", "calificacion", "lote", "salidas", "banco")


def _modulos():
    return sorted(p for p in CALIFICADOR.rglob("*.py") if "__pycache__" not in p.parts)


def test_ningun_modulo_del_calificador_pasa_de_450_lineas():
    largos = {str(p.relative_to(RAIZ)): n for p in _modulos()
              if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINEAS_MODULO}
    assert not largos, f"módulos de más de {MAX_LINEAS_MODULO} líneas: {largos}"


def test_ninguna_funcion_del_calificador_pasa_de_80_lineas():
    largas = {}
    for ruta in _modulos():
        for nodo in ast.walk(ast.parse(ruta.read_text(encoding="utf-8"))):
            if isinstance(nodo, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lineas = nodo.end_lineno - nodo.lineno + 1
                if lineas > MAX_LINEAS_FUNCION:
                    largas[f"{ruta.relative_to(RAIZ)}:{nodo.name}"] = lineas
    assert not largas, f"funciones de más de {MAX_LINEAS_FUNCION} líneas: {largas}"


def test_el_arbol_del_calificador_muestra_las_etapas():
    paquetes = {p.parent.name for p in CALIFICADOR.glob("*/__init__.py")}
    assert paquetes == set(ETAPAS)
    sueltos = {p.name for p in CALIFICADOR.glob("*.py")}
    assert sueltos <= {"__init__.py", "__main__.py", "cli.py", "calificar.py", "etapas.py", "texto.py"}, sueltos
    mapa = (RAIZ / "README.md").read_text(encoding="utf-8").split("## Cómo está hecho", 1)[-1]
    for etapa in ETAPAS:
        assert f"autograder/{etapa}/" in mapa, f"el mapa del README no nombra autograder/{etapa}/"


def test_los_nombres_de_siempre_siguen_importables():
    import autograder.muestras
    from autograder import muestras
    from solutions import verificacion

    assert autograder.muestras is muestras and callable(muestras.rellenar)
    assert callable(verificacion.verificar)


#: Frases de los mensajes de un caso oculto, de una prueba pública o de una celda (issue 24, punto 3).
FRASES_DE_LA_RETROALIMENTACION = (
    "¿olvidaste el `return`?", "debería ser numérico", "no coincide con el valor correcto",
    "contiene NaN o infinitos", "¿Has traspuesto una matriz?", "revisa `keepdims` o `reshape`",
    "lanzó un error", "modifica los arreglos que recibe", "casos ocultos:", "no cambies el nombre de la función",
    "debe devolver una lista de minilotes", "¿Pierdes el último minilote", "no se llegó a ejecutar",
    "no se llegaron a ejecutar", "la función no terminó en", "el proceso: ", "no se pudo interpretar",
    "Aún no has hecho esta celda", "no muestra aquí el mensaje original", "ejecuta las pruebas de tu cuaderno",
)


def test_un_solo_sitio_construye_los_mensajes_de_la_retroalimentacion():
    """Ni el calificador, ni las pruebas ocultas, ni el codec escriben un mensaje: lo hace ``retroalimentacion``.

    ``comprobaciones`` queda fuera: es el código de las pruebas públicas, que viaja dentro del cuaderno
    (celda dada) y no puede importar nada del curso; ``retroalimentacion`` usa sus pistas de errores.
    """
    sitio = RAIZ / "solutions" / "retroalimentacion.py"
    texto_sitio = sitio.read_text(encoding="utf-8")
    assert all(f in texto_sitio for f in FRASES_DE_LA_RETROALIMENTACION)
    otros = [*_modulos(), *(p for p in (RAIZ / "solutions").glob("*.py") if p.name not in (sitio.name, "comprobaciones.py"))]
    repetidas = {str(p.relative_to(RAIZ)): [f for f in FRASES_DE_LA_RETROALIMENTACION if f in p.read_text(encoding="utf-8")]
                 for p in otros}
    assert not {p: f for p, f in repetidas.items() if f}, "mensajes construidos fuera de retroalimentacion.py"
